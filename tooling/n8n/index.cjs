'use strict';
// The n8n driver: the one module through which the scripts (scripts/: sandbox, screenshots,
// provisioning), the end-to-end suite and its queue profile (test/e2e/) and the benchmark
// (bench/) provision, start, drive and stop a real n8n (the version pinned in
// tooling/n8n/n8n-host, or with N8N_LINE=1 the 1.x of tooling/n8n/n8n-host-1x). Nothing in
// tooling/ imports from scripts/, test/ or bench/.
//
//   index.cjs      this file: start/stop an n8n with the package installed from its tarball, an
//                  N8nInstance for its REST and public APIs, executions and webhooks, and the
//                  entry point of everything below
//   provision.cjs  Node + the pinned n8n of a line in a cache outside the clone (its CLI:
//                  scripts/provision-n8n.mjs)
//   queue.cjs      n8n in queue mode: Postgres, Redis, main, workers, webhook processes
//                  (startQueueDeployment, exported from here)
//   smoke.mjs      a smoke test of the driver: node tooling/n8n/smoke.mjs
//
// CommonJS with JSDoc types: it runs under plain `node` (Node 20 in CI) from ES modules
// (`import { startN8n } from '../tooling/n8n/index.cjs'`) and from CommonJS, loads under jest,
// and TypeScript takes its types from the code itself (`tsc -p tsconfig.test.json` checks it
// with allowJs + checkJs).
//
//   const { startN8n } = require('./tooling/n8n/index.cjs');
//   const n8n = await startN8n({ userFolder: '/tmp/e2e-n8n', packageTarball: 'x-0.1.0.tgz' });
//   const [cred] = await n8n.importCredentials([{ name: 'X', type: 'xApi', data: { apiKey: 'k' } }]);
//   const wf = await n8n.createWorkflow(workflowJson);
//   const execution = await n8n.runWorkflow(wf.id);       // Manual Trigger workflows
//   n8n.nodeOutput(execution, 'Set');                        // [{ ...json }, ...]
//   await n8n.stop();

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { runCli: runProvisionCli } = require('./provision.cjs');

const PROVISION_SCRIPT = path.join(__dirname, 'provision.cjs');

/** @typedef {import('./provision.cjs').Provisioned} Provisioned */

/**
 * @typedef {object} Owner
 * @property {string} email
 * @property {string} firstName
 * @property {string} lastName
 * @property {string} password
 */

/**
 * @typedef {object} StartOptions
 * @property {string} [userFolder]  N8N_USER_FOLDER; a temp dir if omitted. The SQLite database
 *                                  lives in <userFolder>/.n8n.
 * @property {number} [port]        HTTP port; a free one if omitted. Fails if the port is taken.
 * @property {Record<string, string>} [env] extra or overriding environment variables for n8n.
 * @property {string | string[]} [packageTarball] `npm pack` tarball(s) installed as community
 *                                  packages before start.
 * @property {boolean} [clean]      delete userFolder first (fresh database).
 * @property {Partial<Owner>} [owner]
 * @property {string} [encryptionKey]
 * @property {number} [readyTimeoutMs]
 * @property {boolean} [allowPackageLoadFailure] start even if n8n logs that an installed package
 *                                  failed to load (default: throw).
 * @property {boolean} [inheritOutput] also copy n8n's output to this process's stderr.
 * @property {string} [line]        n8n line: '2' (default) or '1' (n8n 1.x); $N8N_LINE when omitted.
 */

/**
 * @typedef {object} HttpResponse
 * @property {number} status
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} text
 * @property {any} body  parsed JSON when the reply is JSON, else the text
 */

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {Record<string, string | number>} [headers]
 * @property {unknown} [body]
 * @property {number} [timeoutMs]
 */

/**
 * @typedef {object} CredentialInput
 * @property {string} name
 * @property {string} type
 * @property {Record<string, unknown>} data  plaintext; n8n encrypts it
 */

/** @typedef {{ id: string, name: string }} CredentialRef */
/** @typedef {CredentialRef & { type: string, [key: string]: unknown }} Credential */
/** @typedef {{ status: 'OK' | 'Error', message: string }} CredentialTestResult */

/**
 * @typedef {object} PublicationStatus
 * @property {'published' | 'partial' | 'failed' | 'not_published' | 'in_progress'} status
 * @property {string | null} liveVersionId
 * @property {string | null} [pendingVersionId]
 * @property {Array<{ nodeId: string, status: string, errorMessage: string | null }>} triggers
 */

/**
 * Exported workflow JSON.
 * @typedef {object} WorkflowJson
 * @property {string} [name]
 * @property {any[]} nodes
 * @property {Record<string, any>} connections
 * @property {Record<string, unknown>} [settings]
 * @property {Record<string, unknown>} [pinData]
 * @property {unknown} [staticData]
 * @property {Record<string, unknown>} [meta]
 */

/**
 * A stored workflow.
 * @typedef {WorkflowJson & { id: string, name: string, active: boolean, versionId: string, activeVersionId: string | null, publication?: PublicationStatus }} Workflow
 */

/**
 * @typedef {object} ExecutionSummary
 * @property {string} id
 * @property {string} workflowId
 * @property {string} mode
 * @property {'success' | 'error' | 'crashed' | 'canceled' | 'running' | 'waiting' | 'new' | 'unknown'} status
 * @property {boolean} finished
 * @property {string | null} startedAt
 * @property {string | null} stoppedAt
 */

/**
 * An execution with its run data parsed:
 * data.resultData.runData[nodeName][runIndex].data.main[output][item].json
 * @typedef {ExecutionSummary & {
 *   data: {
 *     resultData: {
 *       runData: Record<string, any[]>,
 *       error?: { message: string, [key: string]: unknown },
 *       lastNodeExecuted?: string,
 *     },
 *     [key: string]: unknown,
 *   },
 *   workflowData: WorkflowJson,
 *   [key: string]: unknown,
 * }} Execution
 */

/** @typedef {{ name: string, version: string, dir: string }} InstalledPackage */
/** @typedef {import('./queue.cjs').QueueProcess} QueueProcess */
/** @typedef {import('./queue.cjs').QueueDeployment} QueueDeployment */
/** @typedef {import('./queue.cjs').QueueDeploymentOptions} QueueDeploymentOptions */

/** Fixed key so credentials imported in one run can be read by the next one (tests only). */
const TEST_ENCRYPTION_KEY = 'property-leads-e2e-not-a-secret-0123456789';

const DEFAULT_OWNER = Object.freeze({
	email: 'owner@example.com',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'Sandbox-Owner-1',
});

const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
const FINISHED_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Provisioning (runs tooling/n8n/provision.cjs in a child process, so that an interruption
// reaches it and the npm it runs)

/** @type {Map<string, Promise<Provisioned>>} line -> its provisioning */
const provisioned = new Map();
/**
 * Installs (first time, minutes) or finds the cached n8n of a line ('2' by default, '1' for
 * n8n 1.x; $N8N_LINE when not given). Progress lines go to stderr. Runs tooling/n8n/
 * provision.cjs in a child process: an interruption (Ctrl-C) reaches it and its npm.
 * @param {{ line?: string }} [opts]
 * @returns {Promise<Provisioned>}
 */
function provisionN8n({ line = process.env.N8N_LINE || '' } = {}) {
	const key = String(line);
	const known = provisioned.get(key);
	if (known) return known;
	const args = [PROVISION_SCRIPT, '--json', ...(key ? ['--line', key] : [])];
	/** @type {Promise<Provisioned>} */
	const promise = new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`provisioning n8n failed (exit ${code})`));
			try {
				resolve(JSON.parse(out));
			} catch (e) {
				reject(new Error(`provision-n8n printed unexpected output: ${out}`));
			}
		});
	});
	provisioned.set(key, promise);
	promise.catch(() => provisioned.delete(key));
	return promise;
}

/**
 * Major version of an n8n version string ('1.123.81' -> 1).
 * @param {string} version
 */
function majorOf(version) {
	return Number(String(version).split('.')[0]);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** @returns {Promise<number>} a port free on 127.0.0.1 now */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

/**
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function portInUse(port) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('error', () => resolve(false));
	});
}

/**
 * Plain HTTP request (no fetch: works the same under jest and plain node).
 * @param {string} url
 * @param {RequestOptions} [opts]
 * @returns {Promise<HttpResponse>}
 */
function request(url, { method = 'GET', headers = {}, body, timeoutMs = 60000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		/** @type {string | Buffer | undefined} */
		let payload;
		/** @type {Record<string, string | number>} */
		const h = { ...headers };
		if (body !== undefined) {
			if (Buffer.isBuffer(body) || typeof body === 'string') {
				payload = body;
			} else {
				payload = JSON.stringify(body);
				if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
					h['content-type'] = 'application/json';
				}
			}
			h['content-length'] = Buffer.byteLength(payload);
		}
		const req = http.request(
			{ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h },
			(res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					/** @type {any} */
					let parsed = text;
					if (/json/i.test(res.headers['content-type'] || '')) {
						try {
							parsed = JSON.parse(text);
						} catch {}
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(timeoutMs, () =>
			req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)),
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

class N8nApiError extends Error {
	/**
	 * @param {string} method
	 * @param {string} url
	 * @param {HttpResponse} res
	 */
	constructor(method, url, res) {
		const msg =
			(res.body && typeof res.body === 'object' && (res.body.message || res.body.error)) ||
			String(res.text).slice(0, 500);
		super(`${method} ${url} -> ${res.status}: ${msg}`);
		this.name = 'N8nApiError';
		this.status = res.status;
		this.body = res.body;
	}
}

/**
 * The last lines of a log file ('' when it cannot be read).
 * @param {string} file
 */
function tail(file, lines = 60) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/**
 * Extracts an `npm pack` tarball into <userFolder>/.n8n/nodes/node_modules/<name>, which is
 * where n8n's Community Nodes installer puts packages and where n8n's loader looks for
 * `n8n-nodes-*` and `@scope/n8n-nodes-*` directories at start-up.
 * @param {string} userFolder
 * @param {string} tarball
 * @returns {InstalledPackage}
 */
function installPackageTarball(userFolder, tarball) {
	const tgz = path.resolve(tarball);
	if (!fs.existsSync(tgz)) throw new Error(`package tarball not found: ${tgz}`);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pkg-'));
	try {
		const r = spawnSync('tar', ['-xzf', tgz, '-C', staging], { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`tar -xzf ${tgz} failed: ${r.stderr}`);
		const src = path.join(staging, 'package');
		const pkg = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
		if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name)) {
			throw new Error(
				`n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, got ${pkg.name}`,
			);
		}
		if (!pkg.n8n) throw new Error(`${pkg.name} has no "n8n" block in its package.json`);
		const deps = Object.keys(pkg.dependencies || {});
		if (deps.length) {
			process.stderr.write(
				`[n8n] warning: ${pkg.name} has runtime dependencies (${deps.join(', ')}); ` +
					'they are not installed by extraction.\n',
			);
		}
		const dest = path.join(nodesDir, 'node_modules', ...pkg.name.split('/'));
		fs.rmSync(dest, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(dest), { recursive: true });
		fs.cpSync(src, dest, { recursive: true });
		// The Community Nodes installer keeps a package.json listing installed packages here.
		const manifestFile = path.join(nodesDir, 'package.json');
		let manifest = { name: 'installed-nodes', private: true, dependencies: {} };
		try {
			manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
		} catch {}
		manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: pkg.version };
		fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
		return { name: pkg.name, version: pkg.version, dir: dest };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/**
 * Environment for an offline, quiet, single-user n8n (of major version `major`).
 * @param {{ userFolder: string, port: number, brokerPort: number, encryptionKey: string, extra?: Record<string, string>, major?: number }} o
 * @returns {NodeJS.ProcessEnv}
 */
function n8nEnv({ userFolder, port, brokerPort, encryptionKey, extra, major = 2 }) {
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		// Never inherit another n8n's settings (e.g. from a developer's shell).
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$)/.test(k)) delete env[k];
	}
	delete env.NODE_OPTIONS;
	const byLine =
		major < 2
			? {
					// n8n 1.x runs Code nodes in-process unless task runners are switched on; 2.x
					// always uses them. Same behaviour on both lines.
					N8N_RUNNERS_ENABLED: 'true',
				}
			: {
					// The MCP server registry refreshes from api.n8n.io at start-up (fails offline);
					// n8n 1.x has no such module and refuses to start when it is named.
					N8N_DISABLED_MODULES: 'mcp-registry',
				};
	return {
		...env,
		// jest sets NODE_ENV=test, which makes n8n refuse to load any nodes.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		// Task runners (Code node): internal mode, broker on its own free port so several
		// n8n instances (sandbox + tests) can run side by side.
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		// Offline and quiet: no telemetry, banners, templates, version checks, license renewal.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Read/Write Files from Disk and similar nodes may only touch this folder.
		N8N_RESTRICT_FILE_ACCESS_TO: path.join(userFolder, 'files'),
		// Explicit values for defaults n8n 2.41 warns will change.
		N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(2 * 1024 ** 3),
		N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '5000',
		// Keep every execution with its data so tests can inspect it.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_NO_COLOR: 'true',
		NO_COLOR: '1',
		...byLine,
		...extra,
	};
}

// ---------------------------------------------------------------------------------------------
// Process groups: every process this driver starts (n8n, its workers, Redis) runs detached in a
// group of its own, so that stopping it takes its children (task runners) down too.

/** @type {Set<number>} groups started by this process, killed if the process exits early */
const liveGroups = new Set();
/** SIGKILLs every process group still registered (on exit, or on an interruption). */
function killLiveGroups() {
	for (const pid of liveGroups) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
	}
	liveGroups.clear();
}
process.on('exit', killLiveGroups);

/**
 * Registers a process group (its leader's pid) to be killed if this process exits first.
 * @param {number} pid
 */
function trackProcessGroup(pid) {
	liveGroups.add(pid);
}

/** @param {number} pid */
function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Stops a process group: SIGTERM, then SIGKILL when it is still alive after `timeoutMs`.
 * `exited` (the leader's exit) ends the first wait early.
 * @param {number} pid
 * @param {{ timeoutMs?: number, exited?: Promise<unknown> }} [opts]
 */
async function stopProcessGroup(pid, { timeoutMs = 20000, exited } = {}) {
	try {
		process.kill(-pid, 'SIGTERM');
	} catch {}
	const deadline = Date.now() + timeoutMs;
	if (exited) {
		/** @type {NodeJS.Timeout | undefined} */
		let timer;
		await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
		clearTimeout(timer);
	}
	while (groupAlive(pid) && Date.now() < deadline) await sleep(200);
	if (groupAlive(pid)) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
		await sleep(200);
	}
	liveGroups.delete(pid);
}

/**
 * Runs an n8n CLI command (import:credentials, import:workflow, publish:workflow, execute, …)
 * against a user folder, with the same environment as startN8n. Use it while that n8n is
 * stopped (the CLI and a running n8n share the SQLite database).
 * @param {string[]} args
 * @param {{ userFolder: string, env?: Record<string, string>, encryptionKey?: string, timeoutMs?: number, line?: string }} opts
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
async function runN8nCli(
	args,
	{ userFolder, env = {}, encryptionKey = TEST_ENCRYPTION_KEY, timeoutMs = 180000, line },
) {
	const { nodeBin, n8nBin, n8nVersion } = await provisionN8n({ line });
	const folder = path.resolve(userFolder);
	fs.mkdirSync(folder, { recursive: true });
	const fullEnv = n8nEnv({
		userFolder: folder,
		port: 5678,
		brokerPort: await freePort(),
		encryptionKey,
		extra: env,
		major: majorOf(n8nVersion),
	});
	return await new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [n8nBin, ...args], {
			cwd: folder,
			env: fullEnv,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

// ---------------------------------------------------------------------------------------------

/**
 * What an N8nInstance is made of: startN8n passes all of it; a client of an n8n started
 * elsewhere (scripts/screenshots.mjs) passes baseUrl, hostDir and owner.
 * @typedef {object} InstanceInit
 * @property {string} baseUrl
 * @property {string} hostDir  the provisioned n8n (its own `flatted` parses execution data)
 * @property {Owner} [owner]
 * @property {import('node:child_process').ChildProcess} [process]
 * @property {number} [pid]
 * @property {number} [port]
 * @property {string} [userFolder]
 * @property {string} [filesDir]
 * @property {string} [logFile]
 * @property {string} [n8nVersion]
 * @property {string} [nodeBin]
 * @property {string} [n8nBin]
 * @property {string} [encryptionKey]
 * @property {InstalledPackage[]} [packages]
 * @property {number} [_logFd]
 */

class N8nInstance {
	/** @param {InstanceInit} opts */
	constructor(opts) {
		// What startN8n passes is always there; a client of an n8n started elsewhere
		// (scripts/screenshots.mjs) has no process, port or files of its own.
		/** @type {import('node:child_process').ChildProcess} */
		this.process = /** @type {any} */ (opts.process);
		/** @type {number} */
		this.pid = /** @type {number} */ (opts.pid);
		/** @type {number} */
		this.port = /** @type {number} */ (opts.port);
		this.baseUrl = opts.baseUrl;
		/** @type {string} */
		this.userFolder = /** @type {string} */ (opts.userFolder);
		/**
		 * <userFolder>/files: the only folder file nodes may read and write
		 * (N8N_RESTRICT_FILE_ACCESS_TO).
		 * @type {string}
		 */
		this.filesDir = /** @type {string} */ (opts.filesDir);
		/** n8n's stdout and stderr. @type {string} */
		this.logFile = /** @type {string} */ (opts.logFile);
		this.hostDir = opts.hostDir;
		/** Version of the running n8n, e.g. '2.41.1' or '1.123.81'. @type {string} */
		this.n8nVersion = /** @type {string} */ (opts.n8nVersion);
		/** @type {string} */
		this.nodeBin = /** @type {string} */ (opts.nodeBin);
		/** @type {string} */
		this.n8nBin = /** @type {string} */ (opts.n8nBin);
		/** @type {string} */
		this.encryptionKey = /** @type {string} */ (opts.encryptionKey);
		/** @type {InstalledPackage[]} */
		this.packages = opts.packages ?? [];
		/** @type {Owner} */
		this.owner = opts.owner ?? DEFAULT_OWNER;
		/** Milliseconds from spawn to /healthz/readiness answering 200. */
		this.readyMs = 0;
		/** The logged-in user. @type {any} */
		this.user = undefined;
		/** @type {boolean} */
		this.stopped = false;
		/** @type {number | undefined} */
		this._logFd = opts._logFd;
		this.browserId = crypto.randomUUID();
		this.cookie = '';
		/** @type {string | undefined} */
		this.apiKey = undefined;
		/** @type {{ parse(text: string): any } | undefined} */
		this.flatted = undefined;
	}

	get restUrl() {
		return `${this.baseUrl}/rest`;
	}

	/** Major version of the running n8n (1 or 2): the few REST differences branch on it. */
	get major() {
		return majorOf(this.n8nVersion);
	}

	/**
	 * Authenticated call to the editor's REST API (/rest/…); returns the `data` of the reply
	 * (with `{ raw: true }` the whole HTTP response, whatever its status).
	 * @template [T=any]
	 * @overload
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 * @returns {Promise<T>}
	 */
	/**
	 * @overload
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} body
	 * @param {{ raw: true }} opts
	 * @returns {Promise<HttpResponse>}
	 */
	/**
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 * @param {{ raw?: boolean }} [opts]
	 * @returns {Promise<any>}
	 */
	async rest(method, route, body, { raw = false } = {}) {
		const url = `${this.restUrl}${route}`;
		const res = await request(url, {
			method,
			body,
			headers: { cookie: this.cookie, 'browser-id': this.browserId, accept: 'application/json' },
		});
		this._keepCookie(res);
		if (raw) return res;
		if (res.status >= 400) throw new N8nApiError(method, url, res);
		return res.body && typeof res.body === 'object' && 'data' in res.body
			? res.body.data
			: res.body;
	}

	/**
	 * Call to the public API (/api/v1/…) with an API key created on first use.
	 * @template [T=any]
	 * @overload
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 * @returns {Promise<T>}
	 */
	/**
	 * @overload
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} body
	 * @param {{ raw: true }} opts
	 * @returns {Promise<HttpResponse>}
	 */
	/**
	 * @param {string} method
	 * @param {string} route
	 * @param {unknown} [body]
	 * @param {{ raw?: boolean }} [opts]
	 * @returns {Promise<any>}
	 */
	async publicApi(method, route, body, { raw = false } = {}) {
		if (!this.apiKey) await this.createApiKey();
		const url = `${this.baseUrl}/api/v1${route}`;
		const res = await request(url, {
			method,
			body,
			headers: { 'x-n8n-api-key': String(this.apiKey), accept: 'application/json' },
		});
		if (raw) return res;
		if (res.status >= 400) throw new N8nApiError(method, url, res);
		return res.body;
	}

	/** @param {HttpResponse} res */
	_keepCookie(res) {
		const set = res.headers['set-cookie'] || [];
		for (const c of set) {
			const m = /^n8n-auth=([^;]*)/.exec(c);
			if (m) this.cookie = m[1] ? `n8n-auth=${m[1]}` : '';
		}
	}

	// --- auth --------------------------------------------------------------------------------

	/**
	 * Creates the owner account (first start) or logs in (later starts). n8n 1.x answers
	 * /healthz/readiness before its REST routes are registered: 404s are retried for a while.
	 */
	/**
	 * @param {Owner} [owner]
	 * @param {{ routesTimeoutMs?: number }} [opts]
	 * @returns {Promise<any>} the user
	 */
	async setupOwnerOrLogin(owner = this.owner, { routesTimeoutMs = 60000 } = {}) {
		const deadline = Date.now() + routesTimeoutMs;
		let setup;
		for (;;) {
			setup = await this.rest('POST', '/owner/setup', owner, { raw: true });
			if (setup.status !== 404 || Date.now() > deadline) break;
			await sleep(250);
		}
		if (setup.status < 400) {
			this.user = setup.body.data;
			return this.user;
		}
		return await this.login(owner);
	}

	/**
	 * @param {Pick<Owner, 'email' | 'password'>} [owner]
	 * @returns {Promise<any>} the user
	 */
	async login({ email, password } = this.owner) {
		this.user = await this.rest('POST', '/login', { emailOrLdapLoginId: email, password });
		return this.user;
	}

	/** Creates a public-API key with every scope the owner may grant; stored for publicApi(). */
	/** @returns {Promise<string>} */
	async createApiKey(label = `e2e-${Date.now()}`) {
		const scopes = await this.rest('GET', '/api-keys/scopes');
		const key = await this.rest('POST', '/api-keys', { label, scopes, expiresAt: null });
		/** @type {string} */
		const apiKey = key.rawApiKey || key.apiKey;
		this.apiKey = apiKey;
		return apiKey;
	}

	// --- credentials ---------------------------------------------------------------------------

	/** POST /rest/credentials. `data` is plaintext; n8n encrypts it. Returns { id, name, type, … }. */
	/**
	 * @param {CredentialInput} c
	 * @returns {Promise<Credential>}
	 */
	async createCredential({ name, type, data }) {
		return await this.rest('POST', '/credentials', { name, type, data });
	}

	/** Creates each credential ({ name, type, data }) and returns them with their ids, in order. */
	/**
	 * @param {CredentialInput[]} list
	 * @returns {Promise<Credential[]>}
	 */
	async importCredentials(list) {
		const out = [];
		for (const c of list) out.push(await this.createCredential(c));
		return out;
	}

	/**
	 * @param {string} id
	 * @param {{ includeData?: boolean }} [opts]
	 * @returns {Promise<any>}
	 */
	async getCredential(id, { includeData = false } = {}) {
		return await this.rest('GET', `/credentials/${id}${includeData ? '?includeData=true' : ''}`);
	}

	/**
	 * @param {string} id
	 * @param {Partial<CredentialInput> & { data: Record<string, unknown> }} c
	 * @returns {Promise<any>}
	 */
	async updateCredential(id, { name, type, data }) {
		const current = await this.getCredential(id);
		return await this.rest('PATCH', `/credentials/${id}`, {
			name: name ?? current.name,
			type: type ?? current.type,
			data,
		});
	}

	/** @param {string} id */
	async deleteCredential(id) {
		return await this.rest('DELETE', `/credentials/${id}`);
	}

	/**
	 * The editor's "test credential" (POST /rest/credentials/test), which runs the credential
	 * type's `test` request. Tests the stored data, or `data` (merged over it) if given.
	 * @param {string} id
	 * @param {Record<string, unknown>} [data]
	 * @returns {Promise<CredentialTestResult>}
	 */
	async testCredential(id, data) {
		const stored = await this.getCredential(id, { includeData: true });
		return await this.rest('POST', '/credentials/test', {
			credentials: {
				id: String(stored.id),
				name: stored.name,
				type: stored.type,
				data: { ...(stored.data || {}), ...(data || {}) },
			},
		});
	}

	/** Whether the public API can test a credential (POST /api/v1/credentials/{id}/test): 2.x only. */
	get hasPublicCredentialTest() {
		return this.major >= 2;
	}

	/** Public API: POST /api/v1/credentials/{id}/test (stored data). Not in n8n 1.x. */
	/**
	 * @param {string} id
	 * @returns {Promise<CredentialTestResult>}
	 */
	async testCredentialPublicApi(id) {
		if (!this.hasPublicCredentialTest) {
			throw new Error(`n8n ${this.n8nVersion} has no public-API credential test (n8n 2.x has)`);
		}
		return await this.publicApi('POST', `/credentials/${id}/test`);
	}

	// --- workflows -----------------------------------------------------------------------------

	/**
	 * Creates a workflow from exported workflow JSON (POST /rest/workflows), inactive.
	 * `credentials` (optional) maps credential type -> { id, name } and is written into every
	 * node that uses that type (see bindCredentials).
	 */
	/**
	 * @param {WorkflowJson} workflow
	 * @param {{ credentials?: Record<string, CredentialRef> }} [opts]
	 * @returns {Promise<Workflow>}
	 */
	async createWorkflow(workflow, { credentials } = {}) {
		const wf = credentials ? bindCredentials(workflow, credentials) : workflow;
		/** @type {Record<string, unknown>} */
		const body = {
			name: wf.name || `Workflow ${new Date().toISOString()}`,
			nodes: wf.nodes || [],
			connections: wf.connections || {},
			settings: { executionOrder: 'v1', ...(wf.settings || {}) },
			pinData: wf.pinData || {},
			staticData: wf.staticData ?? null,
			active: false,
		};
		if (wf.meta) body.meta = wf.meta;
		return await this.rest('POST', '/workflows', body);
	}

	/**
	 * @param {WorkflowJson} workflow
	 * @param {{ credentials?: Record<string, CredentialRef> }} [opts]
	 * @returns {Promise<Workflow>}
	 */
	async importWorkflow(workflow, opts) {
		return await this.createWorkflow(workflow, opts);
	}

	/**
	 * @param {string} id
	 * @returns {Promise<Workflow>}
	 */
	async getWorkflow(id) {
		return await this.rest('GET', `/workflows/${id}`);
	}

	/** PATCH /rest/workflows/:id with the current versionId (n8n rejects stale updates). */
	/**
	 * @param {string} id
	 * @param {Partial<WorkflowJson> & Record<string, unknown>} changes
	 * @returns {Promise<Workflow>}
	 */
	async updateWorkflow(id, changes) {
		const current = await this.getWorkflow(id);
		return await this.rest('PATCH', `/workflows/${id}`, {
			...changes,
			versionId: current.versionId,
		});
	}

	/** @param {string} id */
	async deleteWorkflow(id) {
		await this.rest('POST', `/workflows/${id}/archive`, {}).catch(() => {});
		return await this.rest('DELETE', `/workflows/${id}`);
	}

	/**
	 * Publishes (activates) the workflow's current version: POST /rest/workflows/:id/activate
	 * { versionId }. n8n 2.41 applies publications asynchronously (an outbox), so this then
	 * polls GET /rest/workflows/:id/publication-status until the triggers are live (webhooks
	 * registered, pollers started). A trigger that fails to activate (e.g. a webhook
	 * subscription refused by the remote API) makes this throw with n8n's message, unless
	 * `allowFailure` is set. Returns the workflow with `publication` = the final status.
	 */
	/**
	 * @param {string} id
	 * @param {{ allowFailure?: boolean, timeoutMs?: number }} [opts]
	 * @returns {Promise<Workflow>}
	 */
	async activateWorkflow(id, { allowFailure = false, timeoutMs = 60000 } = {}) {
		const wf = await this.getWorkflow(id);
		if (this.major < 2) return await this._activateV1(id, wf, { allowFailure });
		const activated = await this.rest('POST', `/workflows/${id}/activate`, {
			versionId: wf.versionId,
		});
		const publication = await this.waitForPublication(id, { timeoutMs });
		activated.publication = publication;
		if (publication.status !== 'published' && !allowFailure) {
			const why = (publication.triggers || [])
				.filter((t) => t.status === 'failed')
				.map((t) => `${t.nodeId}: ${t.errorMessage}`)
				.join('; ');
			throw new Error(
				`workflow ${id} activation ${publication.status}: ${why || JSON.stringify(publication)}`,
			);
		}
		return activated;
	}

	/**
	 * n8n 1.x activates synchronously: the request returns once the triggers are live, or fails
	 * with n8n's message (and the workflow stays inactive). The result carries the same
	 * `publication` shape as on 2.x.
	 */
	/**
	 * @param {string} id
	 * @param {Workflow} wf
	 * @param {{ allowFailure: boolean }} opts
	 * @returns {Promise<Workflow>}
	 */
	async _activateV1(id, wf, { allowFailure }) {
		const res = await this.rest(
			'POST',
			`/workflows/${id}/activate`,
			{ versionId: wf.versionId },
			{ raw: true },
		);
		if (res.status < 400) {
			const activated = res.body.data;
			activated.publication = {
				status: 'published',
				liveVersionId: activated.activeVersionId ?? wf.versionId,
				triggers: [],
			};
			return activated;
		}
		const error = new N8nApiError('POST', `${this.restUrl}/workflows/${id}/activate`, res);
		if (!allowFailure) throw new Error(`workflow ${id} activation failed: ${error.message}`);
		const current = await this.getWorkflow(id);
		current.publication = {
			status: 'failed',
			liveVersionId: current.activeVersionId ?? null,
			triggers: [
				{ nodeId: '', status: 'failed', errorMessage: (res.body && res.body.message) || res.text },
			],
		};
		return current;
	}

	/** Unpublishes (deactivates) and waits until its triggers are torn down. */
	/**
	 * @param {string} id
	 * @param {{ timeoutMs?: number }} [opts]
	 * @returns {Promise<Workflow>}
	 */
	async deactivateWorkflow(id, { timeoutMs = 60000 } = {}) {
		const deactivated = await this.rest('POST', `/workflows/${id}/deactivate`, {});
		deactivated.publication = await this.waitForPublication(id, { timeoutMs });
		return deactivated;
	}

	/**
	 * GET /rest/workflows/:id/publication-status until no publication is in flight.
	 * @param {string} id
	 * @param {{ timeoutMs?: number, intervalMs?: number }} [opts]
	 * @returns {Promise<PublicationStatus>}
	 */
	async waitForPublication(id, { timeoutMs = 60000, intervalMs = 100 } = {}) {
		if (this.major < 2) {
			// 1.x has no publication outbox: (de)activation is done when its request returns.
			const wf = await this.getWorkflow(id);
			const live = wf.activeVersionId ?? (wf.active ? wf.versionId : null);
			return { status: live ? 'published' : 'not_published', liveVersionId: live, triggers: [] };
		}
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const st = await this.rest('GET', `/workflows/${id}/publication-status`);
			if (st.status !== 'in_progress') return st;
			if (Date.now() > deadline)
				throw new Error(`workflow ${id}: publication still in progress after ${timeoutMs} ms`);
			await sleep(intervalMs);
		}
	}

	/**
	 * Runs a workflow the way the editor's "Execute workflow" button does and waits for the
	 * execution to finish. Starts from `triggerNode` (a node name), or from the workflow's
	 * Manual Trigger. Returns the execution with parsed `data` (see getExecution).
	 */
	/**
	 * @param {string} id
	 * @param {{ triggerNode?: string, triggerData?: Record<string, unknown>, timeoutMs?: number }} [opts]
	 * @returns {Promise<Execution>}
	 */
	async runWorkflow(id, { triggerNode, triggerData, timeoutMs = 120000 } = {}) {
		const wf = await this.getWorkflow(id);
		let name = triggerNode;
		if (!name) {
			const trigger = wf.nodes.find((n) => n.type === MANUAL_TRIGGER && !n.disabled);
			if (!trigger) throw new Error(`workflow ${id} has no Manual Trigger; pass { triggerNode }`);
			name = trigger.name;
		}
		const triggerToStartFrom = triggerData ? { name, data: triggerData } : { name };
		// n8n 1.x runs the workflow sent in the body (the editor's unsaved state); 2.x the stored one.
		const body = this.major < 2 ? { workflowData: wf, triggerToStartFrom } : { triggerToStartFrom };
		const started = await this.rest('POST', `/workflows/${id}/run`, body);
		if (!started || !started.executionId) {
			throw new Error(`workflow ${id} did not start an execution: ${JSON.stringify(started)}`);
		}
		return await this.waitForExecution(started.executionId, { timeoutMs });
	}

	// --- executions ------------------------------------------------------------------------------

	/**
	 * GET /rest/executions/:id with the run data parsed: `execution.data.resultData.runData`
	 * maps node name -> runs; `execution.status` is success | error | crashed | canceled | running | waiting.
	 */
	/**
	 * @param {string} id
	 * @returns {Promise<Execution>}
	 */
	async getExecution(id) {
		const ex = await this.rest('GET', `/executions/${id}`);
		if (ex && typeof ex.data === 'string') ex.data = this._parseFlatted(ex.data);
		if (ex && typeof ex.workflowData === 'string') ex.workflowData = JSON.parse(ex.workflowData);
		return ex;
	}

	/**
	 * @param {string} id
	 * @param {{ timeoutMs?: number, intervalMs?: number }} [opts]
	 * @returns {Promise<Execution>}
	 */
	async waitForExecution(id, { timeoutMs = 120000, intervalMs = 250 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const ex = await this.rest('GET', `/executions/${id}`, undefined, { raw: true });
			if (ex.status === 200) {
				const e = ex.body.data;
				if (e && (e.finished || FINISHED_STATUSES.has(e.status)) && e.stoppedAt) {
					return await this.getExecution(id);
				}
			} else if (ex.status !== 404) {
				throw new N8nApiError('GET', `/rest/executions/${id}`, ex);
			}
			if (Date.now() > deadline)
				throw new Error(`execution ${id} did not finish within ${timeoutMs} ms`);
			await sleep(intervalMs);
		}
	}

	/** Summaries (no run data) of a workflow's executions, newest first. */
	/**
	 * @param {string} [workflowId]
	 * @param {{ status?: string | string[], limit?: number }} [opts]
	 * @returns {Promise<ExecutionSummary[]>}
	 */
	async listExecutions(workflowId, { status, limit = 100 } = {}) {
		/** @type {{ workflowId?: string, status?: string[] }} */
		const filter = {};
		if (workflowId) filter.workflowId = String(workflowId);
		if (status) filter.status = Array.isArray(status) ? status : [status];
		const q = `?limit=${limit}&filter=${encodeURIComponent(JSON.stringify(filter))}`;
		const res = await this.rest('GET', `/executions${q}`);
		return res.results;
	}

	/**
	 * Waits until `workflowId` has at least `count` finished executions (e.g. after a webhook
	 * delivery or a poll) and returns them in full, oldest first.
	 */
	/**
	 * @param {string} workflowId
	 * @param {{ count?: number, timeoutMs?: number, intervalMs?: number }} [opts]
	 * @returns {Promise<Execution[]>}
	 */
	async waitForExecutions(workflowId, { count = 1, timeoutMs = 90000, intervalMs = 500 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const list = await this.listExecutions(workflowId);
			const done = list.filter((e) => FINISHED_STATUSES.has(e.status) && e.stoppedAt);
			if (done.length >= count && done.length === list.length) {
				/** @type {Execution[]} */
				const full = [];
				for (const e of done.reverse()) full.push(await this.getExecution(e.id));
				return full;
			}
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId}: ${done.length}/${count} finished executions after ${timeoutMs} ms`,
				);
			}
			await sleep(intervalMs);
		}
	}

	/** @param {string[]} ids */
	async deleteExecutions(ids) {
		return await this.rest('POST', '/executions/delete', { ids: ids.map(String) });
	}

	/**
	 * json of the items a node emitted: output `outputIndex` of run `runIndex`.
	 * @param {Execution} execution
	 * @param {string} nodeName
	 * @param {{ outputIndex?: number, runIndex?: number }} [opts]
	 * @returns {Array<Record<string, any>> | undefined}
	 */
	nodeOutput(execution, nodeName, { outputIndex = 0, runIndex = 0 } = {}) {
		return nodeOutput(execution, nodeName, { outputIndex, runIndex });
	}

	// --- webhooks --------------------------------------------------------------------------------

	/**
	 * @param {string} pathSuffix
	 * @param {{ test?: boolean }} [opts]
	 */
	webhookUrl(pathSuffix, { test = false } = {}) {
		return `${this.baseUrl}/${test ? 'webhook-test' : 'webhook'}/${String(pathSuffix).replace(/^\//, '')}`;
	}

	/**
	 * Calls a production webhook. n8n answers 404 for a short moment after activation or a
	 * start, so 404 is retried for `retry404Ms`.
	 */
	/**
	 * @param {string} pathSuffix
	 * @param {{ method?: string, body?: unknown, headers?: Record<string, string>, retry404Ms?: number }} [opts]
	 * @returns {Promise<HttpResponse>}
	 */
	async callWebhook(pathSuffix, { method = 'POST', body, headers = {}, retry404Ms = 10000 } = {}) {
		const url = this.webhookUrl(pathSuffix);
		const deadline = Date.now() + retry404Ms;
		for (;;) {
			const res = await request(url, { method, body, headers });
			if (res.status !== 404 || Date.now() > deadline) return res;
			await sleep(250);
		}
	}

	// --- lifecycle -------------------------------------------------------------------------------

	/** @param {string} text */
	_parseFlatted(text) {
		if (!this.flatted) {
			this.flatted = require(
				require.resolve('flatted', { paths: [path.join(this.hostDir, 'n8n')] }),
			);
		}
		return /** @type {{ parse(text: string): any }} */ (this.flatted).parse(text);
	}

	/**
	 * Stops n8n and its task runner children (SIGTERM to the process group, SIGKILL after 20 s).
	 * @param {{ timeoutMs?: number }} [opts]
	 */
	async stop({ timeoutMs = 20000 } = {}) {
		const child = this.process;
		if (!child || !child.pid || this.stopped) return;
		this.stopped = true;
		const exited = new Promise((r) =>
			child.exitCode !== null || child.signalCode ? r(undefined) : child.once('exit', r),
		);
		await stopProcessGroup(child.pid, { timeoutMs, exited });
		if (this._logFd !== undefined) {
			try {
				fs.closeSync(this._logFd);
			} catch {}
			this._logFd = undefined;
		}
	}
}

/**
 * json of the items a node emitted: output `outputIndex` of run `runIndex` (undefined when the
 * node did not run or failed without output).
 * @param {Execution} execution
 * @param {string} nodeName
 * @param {{ outputIndex?: number, runIndex?: number }} [opts]
 * @returns {Array<Record<string, any>> | undefined}
 */
function nodeOutput(execution, nodeName, { outputIndex = 0, runIndex = 0 } = {}) {
	const runs =
		execution && execution.data && execution.data.resultData && execution.data.resultData.runData;
	if (!runs || !runs[nodeName]) return undefined;
	const run = runs[nodeName][runIndex];
	if (!run) return undefined;
	if (run.error && !run.data) return undefined;
	const main = run.data && run.data.main;
	const items = main && main[outputIndex];
	return (items || []).map((/** @type {{ json: Record<string, any> }} */ i) => i.json);
}

/**
 * Returns a copy of a workflow whose nodes reference the given credentials:
 * `credentials` maps a credential type (e.g. 'infinityCrmApi') to { id, name }.
 * @template {WorkflowJson} T
 * @param {T} workflow
 * @param {Record<string, CredentialRef>} credentials
 * @returns {T}
 */
function bindCredentials(workflow, credentials) {
	const wf = JSON.parse(JSON.stringify(workflow));
	for (const node of wf.nodes || []) {
		if (!node.credentials) continue;
		for (const type of Object.keys(node.credentials)) {
			const c = credentials[type];
			if (c) node.credentials[type] = { id: String(c.id), name: c.name };
		}
	}
	return wf;
}

/**
 * Spawns an n8n command (`start`, `worker`, `webhook`) in a process group of its own with its
 * output in <userFolder>/n8n.log and waits until `readinessUrl` answers 200; fails (and stops
 * it) when it exits first, is not ready in time, or logs that one of `packages` failed to load.
 * Returns the running N8nInstance (not logged in).
 * @param {object} o
 * @param {string} o.label            how errors name it ('n8n', 'n8n worker', …)
 * @param {string[]} o.args           arguments after bin/n8n
 * @param {Provisioned} o.host
 * @param {string} o.userFolder
 * @param {number} o.port
 * @param {string} o.readinessUrl
 * @param {NodeJS.ProcessEnv} o.env   the full environment (n8nEnv)
 * @param {InstalledPackage[]} o.packages
 * @param {string} o.encryptionKey
 * @param {Owner} [o.owner]
 * @param {number} [o.readyTimeoutMs]
 * @param {boolean} [o.inheritOutput]
 * @param {boolean} [o.allowPackageLoadFailure]
 * @returns {Promise<N8nInstance>}
 */
async function launchN8n(o) {
	const { nodeBin, n8nBin, hostDir, n8nVersion } = o.host;
	const { userFolder, port, label } = o;
	const logFile = path.join(userFolder, 'n8n.log');
	const logFd = fs.openSync(logFile, 'a');
	const logStart = fs.fstatSync(logFd).size;
	fs.writeSync(logFd, `\n===== n8n ${o.args[0]} ${new Date().toISOString()} port ${port} =====\n`);
	const t0 = Date.now();
	const child = spawn(nodeBin, [n8nBin, ...o.args], {
		cwd: userFolder,
		env: o.env,
		detached: true, // own process group: stop() takes the task runners down with it
		stdio: ['ignore', o.inheritOutput ? 'pipe' : logFd, o.inheritOutput ? 'pipe' : logFd],
	});
	if (o.inheritOutput) {
		for (const s of [child.stdout, child.stderr]) {
			s?.on('data', (d) => {
				fs.writeSync(logFd, d);
				process.stderr.write(d);
			});
		}
	}
	const pid = /** @type {number} */ (child.pid);
	liveGroups.add(pid);

	const instance = new N8nInstance({
		process: child,
		pid,
		port,
		baseUrl: `http://127.0.0.1:${port}`,
		userFolder,
		filesDir: path.join(userFolder, 'files'),
		logFile,
		hostDir,
		n8nVersion,
		nodeBin,
		n8nBin,
		encryptionKey: o.encryptionKey,
		packages: o.packages,
		owner: o.owner,
		_logFd: logFd,
	});

	/** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
	let exitInfo;
	child.once('exit', (code, signal) => (exitInfo = { code, signal }));
	const readyTimeoutMs = o.readyTimeoutMs || 180000;
	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (exitInfo) {
			liveGroups.delete(pid);
			throw new Error(
				`${label} exited during start-up (${exitInfo.code ?? exitInfo.signal}). Log ${logFile}:\n${tail(logFile)}`,
			);
		}
		try {
			const r = await request(o.readinessUrl, { timeoutMs: 2000 });
			if (r.status === 200) break;
		} catch {}
		if (Date.now() > deadline) {
			await instance.stop();
			throw new Error(
				`${label} not ready after ${readyTimeoutMs} ms. Log ${logFile}:\n${tail(logFile)}`,
			);
		}
		await sleep(250);
	}
	instance.readyMs = Date.now() - t0;
	// A package that fails to load is only logged by n8n; make it a start-up error.
	const startLog = fs.readFileSync(logFile, 'utf8').slice(logStart);
	for (const pkg of o.packages) {
		const at = startLog.search(
			new RegExp(
				`(Failed to load package|Skipping package) "${pkg.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`,
			),
		);
		if (at >= 0 && !o.allowPackageLoadFailure) {
			await instance.stop();
			throw new Error(
				`${label} could not load ${pkg.name} from ${pkg.dir}:\n${startLog.slice(at, at + 1500)}\n(log: ${logFile})`,
			);
		}
	}
	return instance;
}

/**
 * Starts a real n8n and logs in as its owner.
 * @param {StartOptions} [o]
 * @returns {Promise<N8nInstance>}
 */
async function startN8n(o = {}) {
	const host = await provisionN8n({ line: o.line });
	const userFolder = path.resolve(
		o.userFolder || fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-')),
	);
	if (o.clean) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });

	/** @type {InstalledPackage[]} */
	const packages = [];
	for (const t of /** @type {string[]} */ ([]).concat(o.packageTarball || []))
		packages.push(installPackageTarball(userFolder, t));

	fs.mkdirSync(path.join(userFolder, 'files'), { recursive: true });

	const port = o.port || (await freePort());
	if (await portInUse(port))
		throw new Error(`port ${port} is already in use (another n8n running?)`);
	const encryptionKey = o.encryptionKey || TEST_ENCRYPTION_KEY;
	const env = n8nEnv({
		userFolder,
		port,
		brokerPort: await freePort(),
		encryptionKey,
		extra: o.env,
		major: majorOf(host.n8nVersion),
	});
	const instance = await launchN8n({
		label: 'n8n',
		args: ['start'],
		host,
		userFolder,
		port,
		readinessUrl: `http://127.0.0.1:${port}/healthz/readiness`,
		env,
		packages,
		encryptionKey,
		owner: { ...DEFAULT_OWNER, ...(o.owner || {}) },
		readyTimeoutMs: o.readyTimeoutMs,
		inheritOutput: o.inheritOutput,
		allowPackageLoadFailure: o.allowPackageLoadFailure,
	});
	try {
		await instance.setupOwnerOrLogin();
	} catch (e) {
		await instance.stop();
		throw e;
	}
	return instance;
}

// ---------------------------------------------------------------------------------------------
// Queue mode (queue.cjs builds on the functions above; loaded on first use).

/**
 * Postgres + Redis + n8n main + workers + webhook processes + a load balancer (queue.cjs).
 * @param {QueueDeploymentOptions} o
 * @returns {Promise<QueueDeployment>}
 */
function startQueueDeployment(o) {
	return require('./queue.cjs').startQueueDeployment(o);
}

/**
 * Finds Postgres and Redis, installing the Debian packages when missing (queue.cjs).
 * @returns {{ pgBin: string, redisServer: string, installed: string[] }}
 */
function ensureQueueServices() {
	return require('./queue.cjs').ensureQueueServices();
}

module.exports = {
	startN8n,
	launchN8n,
	stopProcessGroup,
	killLiveGroups,
	trackProcessGroup,
	tail,
	provisionN8n,
	runN8nCli,
	installPackageTarball,
	n8nEnv,
	bindCredentials,
	nodeOutput,
	request,
	freePort,
	N8nInstance,
	N8nApiError,
	TEST_ENCRYPTION_KEY,
	DEFAULT_OWNER,
	startQueueDeployment,
	ensureQueueServices,
	runProvisionCli,
};
