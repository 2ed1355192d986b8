'use strict';
// Part of the n8n driver (import it through tooling/n8n/index.cjs): n8n in queue mode for the
// end-to-end queue profile: Postgres and Redis started as this
// process's own children on free ports (installed from Debian packages when missing), one main
// process, `n8n worker` and `n8n webhook` processes, each with this package installed, and a
// round-robin HTTP load balancer in front of the webhook processes (WEBHOOK_URL points at it).
//
//   const { startQueueDeployment } = require('./tooling/n8n/index.cjs');
//   const q = await startQueueDeployment({ workDir, packageTarball, workers: 2, webhooks: 2 });
//   q.main            N8nInstance of the main process (REST API, owner logged in)
//   q.balancer.url    the public webhook base; q.balancer.use([0]) routes to webhook process 0 only
//   await q.stop();   stops every process it started (also registered for process exit)
//
// Every process gets its own N8N_USER_FOLDER: n8n keeps a crash journal (`crash.journal`) and
// an event log per process type in that folder, so two processes sharing one folder report a
// crash of the other ("Last session crashed", a 10 s start-up delay) and write one log file.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const {
	TEST_ENCRYPTION_KEY,
	freePort,
	installPackageTarball,
	killLiveGroups,
	launchN8n,
	n8nEnv,
	provisionN8n,
	startN8n,
	stopProcessGroup,
	tail,
	trackProcessGroup,
} = require('./index.cjs');

/** @typedef {import('./index.cjs').N8nInstance} N8nInstance */

/**
 * An `n8n worker` or `n8n webhook` process (only stop(), logFile and port are meaningful).
 * @typedef {N8nInstance & { name: string, command: 'worker' | 'webhook', healthPort: number }} QueueProcess
 */

/**
 * @typedef {object} Balancer
 * @property {number} port
 * @property {string} url
 * @property {(indexes: number[]) => void} use  route webhook requests to these webhook processes
 *                                              (indexes into `webhooks`), round robin
 * @property {() => Map<number, number>} counts requests forwarded per upstream port so far
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} PostgresService
 * @property {number} port
 * @property {string} dataDir
 * @property {string} logFile
 * @property {Record<string, string>} env
 * @property {(statement: string) => string} sql  runs one SQL statement in the n8n database;
 *                                                returns psql's unaligned output
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} RedisService
 * @property {number} port
 * @property {string} dir
 * @property {Record<string, string>} env
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} QueueDeployment
 * @property {PostgresService} postgres
 * @property {RedisService} redis
 * @property {N8nInstance} main
 * @property {QueueProcess[]} workers
 * @property {QueueProcess[]} webhooks
 * @property {Balancer} balancer
 * @property {number} startedInMs
 * @property {(executionId: string) => string[]} workerOf  names of the workers whose log
 *                                                         reports starting this execution
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} QueueDeploymentOptions
 * @property {string} workDir
 * @property {string} packageTarball
 * @property {number} [workers]
 * @property {number} [webhooks]
 * @property {number} [workerConcurrency]  jobs per worker at once (default 1, so parallel runs
 *                                         spread over the workers)
 * @property {Record<string, string>} [env]
 */

/** @typedef {{ uid?: number, gid?: number, env: NodeJS.ProcessEnv }} SpawnOpts */

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {string} line */
const log = (line) => process.stderr.write(`[queue] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Cleanup on any exit: process groups we spawned (the driver's registry), Postgres data
// directories we started.

/** @type {Map<string, { pgCtl: string, spawnOpts: SpawnOpts }>} data dir -> how to stop it */
const livePostgres = new Map();
/** @type {Set<string>} scratch folders (Redis) removed at exit */
const liveDirs = new Set();
function cleanUpNow() {
	killLiveGroups();
	for (const [dataDir, { pgCtl, spawnOpts }] of livePostgres) {
		spawnSync(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], {
			...spawnOpts,
			stdio: 'ignore',
		});
		fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
	}
	for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
	livePostgres.clear();
	liveDirs.clear();
}
let cleanupInstalled = false;
/**
 * Registered once, by the first service started (not when this file loads: a script that only
 * drives a single n8n keeps its own Ctrl-C handling).
 */
function installCleanup() {
	if (cleanupInstalled) return;
	cleanupInstalled = true;
	process.on('exit', cleanUpNow);
	// Interrupted (Ctrl-C, a CI timeout): Node runs no 'exit' handlers on a signal by default,
	// and Postgres runs detached from this process (pg_ctl): stop everything, then exit.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			cleanUpNow();
			process.exit(130);
		});
	}
}

// ---------------------------------------------------------------------------------------------
// Postgres and Redis binaries (Debian packages)

/** @param {string} cmd */
function which(cmd) {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Directory with initdb, pg_ctl and postgres: Debian keeps them in /usr/lib/postgresql/<v>/bin.
 * @returns {string | undefined}
 */
function findPostgresBin() {
	const base = '/usr/lib/postgresql';
	/** @param {string} dir */
	const has = (dir) =>
		['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b)));
	if (fs.existsSync(base)) {
		const versions = fs
			.readdirSync(base)
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		for (const v of versions) if (has(path.join(base, v, 'bin'))) return path.join(base, v, 'bin');
	}
	const initdb = which('initdb');
	if (initdb) {
		const dir = path.dirname(fs.realpathSync(initdb));
		if (has(dir)) return dir;
	}
	return undefined;
}

/** @returns {string | undefined} */
function findRedisServer() {
	if (fs.existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
	return which('redis-server');
}

/**
 * Finds Postgres and Redis, installing the Debian packages `postgresql` and `redis-server`
 * when one is missing (as root directly, otherwise through passwordless sudo).
 * @returns {{ pgBin: string, redisServer: string, installed: string[] }}
 */
function ensureQueueServices() {
	let pgBin = findPostgresBin();
	let redisServer = findRedisServer();
	const missing = [];
	if (!pgBin) missing.push('postgresql');
	if (!redisServer) missing.push('redis-server');
	if (pgBin && redisServer) return { pgBin, redisServer, installed: [] };

	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	/** @type {string[]} */
	let prefix = [];
	if (!isRoot) {
		const sudo = which('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0;
		if (!sudo) {
			throw new Error(
				`the queue profile needs ${missing.join(' and ')}; install ${missing.length > 1 ? 'them' : 'it'} with ` +
					`\`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\` (this user is not root and has no passwordless sudo)`,
			);
		}
		prefix = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
	}
	/** @param {string[]} args */
	const run = (args) => {
		const [cmd, ...rest] = [...prefix, ...args];
		log(`$ ${[cmd, ...rest].join(' ')}`);
		const r = spawnSync(cmd, rest, {
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
	};
	run(['apt-get', 'update']);
	run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
	pgBin = findPostgresBin();
	redisServer = findRedisServer();
	if (!pgBin || !redisServer)
		throw new Error(`${missing.join(', ')} installed, but not found afterwards`);
	return { pgBin, redisServer, installed: missing };
}

// ---------------------------------------------------------------------------------------------
// Postgres

/**
 * uid/gid for the Postgres data owner: Postgres refuses to run as root.
 * @returns {{ name: string, uid: number, gid: number } | undefined}
 */
function postgresOwner() {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) return undefined;
	for (const name of ['postgres', 'nobody']) {
		const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
		const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
		if (r.status === 0 && g.status === 0) {
			return { name, uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
		}
	}
	throw new Error(
		'running as root, but there is neither a postgres nor a nobody user to own the database',
	);
}

/**
 * initdb + pg_ctl start on a free port (TCP on 127.0.0.1, socket in the data directory),
 * trust authentication, durability switched off (a test database), one database `n8n`.
 * @param {{ pgBin: string, port: number }} o
 * @returns {Promise<PostgresService>}
 */
async function startPostgres({ pgBin, port }) {
	installCleanup();
	const owner = postgresOwner();
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'property-leads-pg-'));
	/** @type {SpawnOpts} */
	const spawnOpts = owner
		? { uid: owner.uid, gid: owner.gid, env: { ...process.env, HOME: dataDir, LC_ALL: 'C' } }
		: { env: { ...process.env, LC_ALL: 'C' } };
	if (owner) fs.chownSync(dataDir, owner.uid, owner.gid);
	fs.chmodSync(dataDir, 0o700);
	const pgData = path.join(dataDir, 'data');
	const logFile = path.join(dataDir, 'postgres.log');
	/**
	 * @param {string} bin
	 * @param {string[]} args
	 */
	const run = (bin, args) => {
		const r = spawnSync(path.join(pgBin, bin), args, {
			...spawnOpts,
			encoding: 'utf8',
			cwd: dataDir,
		});
		if (r.status !== 0) {
			throw new Error(
				`${bin} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
			);
		}
		return r;
	};
	run('initdb', [
		'-D',
		pgData,
		'-U',
		'n8n',
		'--auth=trust',
		'-E',
		'UTF8',
		'--no-locale',
		'--no-sync',
	]);
	const options = [
		`-p ${port}`,
		`-k ${dataDir}`,
		"-c listen_addresses='127.0.0.1'",
		'-c fsync=off',
		'-c synchronous_commit=off',
		'-c full_page_writes=off',
		'-c max_connections=100',
	].join(' ');
	run('pg_ctl', ['-D', pgData, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
	livePostgres.set(pgData, { pgCtl: path.join(pgBin, 'pg_ctl'), spawnOpts });
	/**
	 * psql against this server as the user n8n.
	 * @param {string} database
	 * @param {string} flags
	 * @param {string} statement
	 */
	const psql = (database, flags, statement) =>
		run('psql', [
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			'n8n',
			'-d',
			database,
			flags,
			statement,
		]);
	if (fs.existsSync(path.join(pgBin, 'psql'))) {
		psql('postgres', '-qc', 'CREATE DATABASE n8n');
	} else {
		run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n']);
	}
	return {
		port,
		dataDir,
		logFile,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
		},
		/** Runs one SQL statement and returns psql's unaligned output. */
		sql(statement) {
			return psql('n8n', '-AtXqc', statement).stdout;
		},
		async stop() {
			if (!livePostgres.has(pgData)) return;
			spawnSync(
				path.join(pgBin, 'pg_ctl'),
				['-D', pgData, '-m', 'fast', '-w', '-t', '30', 'stop'],
				{
					...spawnOpts,
					stdio: 'ignore',
				},
			);
			livePostgres.delete(pgData);
			fs.rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Redis

/**
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function redisPing(port) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		let answer = '';
		sock.setTimeout(1000, () => sock.destroy());
		sock.on('connect', () => sock.write('PING\r\n'));
		sock.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) {
				sock.destroy();
				resolve(answer.startsWith('+PONG'));
			}
		});
		sock.on('error', () => resolve(false));
		sock.on('close', () => resolve(answer.startsWith('+PONG')));
	});
}

/**
 * @param {{ redisServer: string, port: number }} o
 * @returns {Promise<RedisService>}
 */
async function startRedis({ redisServer, port }) {
	installCleanup();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'property-leads-redis-'));
	liveDirs.add(dir);
	const logFile = path.join(dir, 'redis.log');
	const child = spawn(
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--logfile',
			logFile,
		],
		{ detached: true, stdio: 'ignore' },
	);
	const pid = /** @type {number} */ (child.pid);
	trackProcessGroup(pid);
	/** @type {number | string | undefined} */
	let exited;
	child.once('exit', (code, signal) => (exited = code ?? signal ?? undefined));
	const deadline = Date.now() + 30000;
	while (!(await redisPing(port))) {
		if (exited !== undefined || Date.now() > deadline) {
			await stopProcessGroup(pid);
			throw new Error(
				`redis-server did not start on port ${port} (${exited ?? 'timeout'}):\n${tail(logFile)}`,
			);
		}
		await sleep(100);
	}
	return {
		port,
		dir,
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		async stop() {
			await stopProcessGroup(pid, { timeoutMs: 10000 });
			fs.rmSync(dir, { recursive: true, force: true });
			liveDirs.delete(dir);
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Round-robin load balancer: /webhook/… to the webhook processes, everything else to main.

/**
 * @param {{ port: number, main: number, webhooks: number[] }} o  ports
 * @returns {Promise<Balancer>}
 */
function startBalancer({ port, main, webhooks }) {
	let targets = webhooks.slice();
	let next = 0;
	/** @type {Map<number, number>} */
	const counts = new Map();
	const server = http.createServer((req, res) => {
		const toWebhooks = String(req.url).startsWith('/webhook/');
		const target = toWebhooks ? targets[next++ % targets.length] : main;
		counts.set(target, (counts.get(target) || 0) + 1);
		const upstream = http.request(
			{
				host: '127.0.0.1',
				port: target,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress || '127.0.0.1' },
			},
			(up) => {
				res.writeHead(up.statusCode || 502, up.headers);
				up.pipe(res);
			},
		);
		upstream.on('error', (e) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`bad gateway: ${e.message}`);
		});
		req.on('aborted', () => upstream.destroy());
		req.pipe(upstream);
	});
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () =>
			resolve({
				port,
				url: `http://127.0.0.1:${port}`,
				/** Route webhook requests to these webhook processes (indexes), round robin. */
				/** @param {number[]} indexes */
				use(indexes) {
					targets = indexes.map((i) => webhooks[i]);
					next = 0;
				},
				/** Requests forwarded per upstream port so far. */
				counts: () => new Map(counts),
				async stop() {
					for (const s of sockets) s.destroy();
					await new Promise((r) => server.close(() => r(undefined)));
				},
			}),
		);
	});
}

// ---------------------------------------------------------------------------------------------
// n8n worker and webhook processes

/**
 * Starts `n8n worker` or `n8n webhook` with the package installed in its own user folder and
 * waits for its readiness endpoint.
 * @param {{ command: 'worker' | 'webhook', name: string, args?: string[], userFolder: string, packageTarball: string, env: Record<string, string>, readyTimeoutMs?: number }} o
 * @returns {Promise<QueueProcess>}
 */
async function startProcess({
	command,
	name,
	args = [],
	userFolder,
	packageTarball,
	env,
	readyTimeoutMs = 240000,
}) {
	const host = await provisionN8n();
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(path.join(userFolder, 'files'), { recursive: true });
	const packages = [packageTarball].map((t) => installPackageTarball(userFolder, t));
	const port = await freePort();
	const healthPort = command === 'worker' ? await freePort() : port;
	const fullEnv = n8nEnv({
		userFolder,
		port,
		brokerPort: await freePort(),
		encryptionKey: TEST_ENCRYPTION_KEY,
		extra: {
			// A webhook process holds a database connection for most of each request (it reads
			// the workflow, saves the execution and the static data): with n8n's default pool of
			// 2, a burst of deliveries waits for connections ("timeout exceeded when trying to
			// connect") and the process answers 503.
			...(command === 'webhook' ? { DB_POSTGRESDB_POOL_SIZE: '10' } : {}),
			...(command === 'worker'
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(healthPort),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
			...env,
		},
	});
	const instance = await launchN8n({
		label: `n8n ${command}`,
		args: [command, ...args],
		host,
		userFolder,
		port,
		readinessUrl: `http://127.0.0.1:${healthPort}/healthz/readiness`,
		env: fullEnv,
		packages,
		encryptionKey: TEST_ENCRYPTION_KEY,
		readyTimeoutMs,
	});
	return Object.assign(instance, { name, command, healthPort });
}

/**
 * Postgres + Redis + main + workers + webhook processes + load balancer.
 * @param {QueueDeploymentOptions} o
 * @returns {Promise<QueueDeployment>}
 */
async function startQueueDeployment(o) {
	installCleanup();
	const t0 = Date.now();
	/** @type {Array<{ stop(): Promise<void> }>} */
	const started = [];
	const stopAll = async () => {
		for (const s of started.reverse()) {
			try {
				await s.stop();
			} catch (e) {
				log(`stopping: ${/** @type {Error} */ (e).message}`);
			}
		}
		started.length = 0;
	};
	try {
		const { pgBin, redisServer, installed } = ensureQueueServices();
		if (installed.length) log(`installed ${installed.join(', ')}`);
		const postgres = await startPostgres({ pgBin, port: await freePort() });
		started.push(postgres);
		const redis = await startRedis({ redisServer, port: await freePort() });
		started.push(redis);
		log(`Postgres on ${postgres.port} (${pgBin}), Redis on ${redis.port}`);

		/** @type {number[]} */
		const webhookPorts = [];
		const balancerPort = await freePort();
		const shared = {
			...postgres.env,
			...redis.env,
			EXECUTIONS_MODE: 'queue',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			// n8n 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL is its deprecated name, the one 1.x reads).
			N8N_WEBHOOK_URL: `http://127.0.0.1:${balancerPort}/`,
			WEBHOOK_URL: `http://127.0.0.1:${balancerPort}/`,
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...(o.env || {}),
		};
		const main = await startN8n({
			userFolder: path.join(o.workDir, 'main'),
			clean: true,
			packageTarball: o.packageTarball,
			env: shared,
			readyTimeoutMs: 240000,
		});
		started.push(main);
		log(`main ready in ${main.readyMs} ms`);

		const concurrency = String(o.workerConcurrency ?? 1);
		/** @type {Array<{ command: 'worker' | 'webhook', name: string, args: string[] }>} */
		const specs = [
			...Array.from({ length: o.workers ?? 2 }, (_, i) => ({
				command: /** @type {const} */ ('worker'),
				name: `worker-${i + 1}`,
				args: [`--concurrency=${concurrency}`],
			})),
			...Array.from({ length: o.webhooks ?? 2 }, (_, i) => ({
				command: /** @type {const} */ ('webhook'),
				name: `webhook-${i + 1}`,
				args: [],
			})),
		];
		const processes = await Promise.all(
			specs.map(async (spec) => {
				const p = await startProcess({
					command: spec.command,
					name: spec.name,
					args: spec.args,
					userFolder: path.join(o.workDir, spec.name),
					packageTarball: o.packageTarball,
					env: shared,
				});
				started.push(p);
				log(`${spec.name} ready in ${p.readyMs} ms`);
				return p;
			}),
		);
		const workers = processes.filter((p) => p.command === 'worker');
		const webhooks = processes.filter((p) => p.command === 'webhook');
		for (const w of webhooks) webhookPorts.push(w.port);
		const balancer = await startBalancer({
			port: balancerPort,
			main: main.port,
			webhooks: webhookPorts,
		});
		started.push(balancer);
		log(
			`load balancer ${balancer.url} → webhook processes ${webhookPorts.join(', ')}; up in ${Date.now() - t0} ms`,
		);
		return {
			postgres,
			redis,
			main,
			workers,
			webhooks,
			balancer,
			startedInMs: Date.now() - t0,
			/** Which worker's log reports running this execution id (worker name), if any. */
			/** @param {string} executionId */
			workerOf(executionId) {
				const line = new RegExp(`Worker started execution ${executionId} \\(`);
				return workers
					.filter((w) => line.test(fs.readFileSync(w.logFile, 'utf8')))
					.map((w) => w.name);
			},
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

module.exports = {
	startQueueDeployment,
	ensureQueueServices,
	startPostgres,
	startRedis,
	startBalancer,
	findPostgresBin,
	findRedisServer,
};
