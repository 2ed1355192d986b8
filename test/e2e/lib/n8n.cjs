'use strict';
// Drives a real n8n (the version pinned in scripts/n8n-host, or with N8N_LINE=1 the 1.x of
// scripts/n8n-host-1x) for the end-to-end tests and the sandbox. CommonJS so that it loads from jest (CommonJS), from TypeScript tests (types in
// n8n.d.cts) and from ES modules (n8n.mjs re-exports it).
//
//   const { startN8n } = require('./n8n.cjs');
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

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const PROVISION_SCRIPT = path.join(REPO_ROOT, 'scripts', 'provision-n8n.mjs');

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Provisioning (runs scripts/provision-n8n.mjs in a child process so this file stays CommonJS)

const provisioned = new Map(); // line -> Promise
/**
 * Installs (first time, minutes) or finds the cached n8n of a line ('2' by default, '1' for
 * n8n 1.x; $N8N_LINE when not given). Progress lines go to stderr.
 * @param {{ line?: string }} [opts]
 * @returns {Promise<{ nodeBin: string, n8nBin: string, hostDir: string, n8nVersion: string, line: string }>}
 */
function provisionN8n({ line = process.env.N8N_LINE || '' } = {}) {
	const key = String(line);
	if (provisioned.has(key)) return provisioned.get(key);
	const args = [PROVISION_SCRIPT, '--json', ...(key ? ['--line', key] : [])];
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

/** Major version of an n8n version string ('1.123.81' -> 1). */
function majorOf(version) {
	return Number(String(version).split('.')[0]);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

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
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, text: string, body: any }>}
 */
function request(url, { method = 'GET', headers = {}, body, timeoutMs = 60000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		let payload;
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
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed = text;
					if (/json/i.test(res.headers['content-type'] || '')) {
						try {
							parsed = JSON.parse(text);
						} catch {}
					}
					resolve({ status: res.statusCode, headers: res.headers, text, body: parsed });
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
 * @returns {{ name: string, version: string, dir: string }}
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

/** Environment for an offline, quiet, single-user n8n (of major version `major`). */
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

// Process groups of every n8n started by this process, killed if the process exits early.
const liveGroups = new Set();
process.on('exit', () => {
	for (const pid of liveGroups) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
	}
});

/**
 * Runs an n8n CLI command (import:credentials, import:workflow, publish:workflow, execute, …)
 * against a user folder, with the same environment as startN8n. Use it while that n8n is
 * stopped (the CLI and a running n8n share the SQLite database).
 */
async function runN8nCli(
	args,
	{ userFolder, env = {}, encryptionKey = TEST_ENCRYPTION_KEY, timeoutMs = 180000, line } = {},
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

class N8nInstance {
	constructor(opts) {
		Object.assign(this, opts);
		this.browserId = crypto.randomUUID();
		this.cookie = '';
		this.apiKey = undefined;
		this.flatted = undefined;
	}

	get restUrl() {
		return `${this.baseUrl}/rest`;
	}

	/** Major version of the running n8n (1 or 2): the few REST differences branch on it. */
	get major() {
		return majorOf(this.n8nVersion);
	}

	/** Authenticated call to the editor's REST API (/rest/…); returns the `data` of the reply. */
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

	/** Call to the public API (/api/v1/…) with an API key created on first use. */
	async publicApi(method, route, body, { raw = false } = {}) {
		if (!this.apiKey) await this.createApiKey();
		const url = `${this.baseUrl}/api/v1${route}`;
		const res = await request(url, {
			method,
			body,
			headers: { 'x-n8n-api-key': this.apiKey, accept: 'application/json' },
		});
		if (raw) return res;
		if (res.status >= 400) throw new N8nApiError(method, url, res);
		return res.body;
	}

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

	async login({ email, password } = this.owner) {
		this.user = await this.rest('POST', '/login', { emailOrLdapLoginId: email, password });
		return this.user;
	}

	/** Creates a public-API key with every scope the owner may grant; stored for publicApi(). */
	async createApiKey(label = `e2e-${Date.now()}`) {
		const scopes = await this.rest('GET', '/api-keys/scopes');
		const key = await this.rest('POST', '/api-keys', { label, scopes, expiresAt: null });
		this.apiKey = key.rawApiKey || key.apiKey;
		return this.apiKey;
	}

	// --- credentials ---------------------------------------------------------------------------

	/** POST /rest/credentials. `data` is plaintext; n8n encrypts it. Returns { id, name, type, … }. */
	async createCredential({ name, type, data }) {
		return await this.rest('POST', '/credentials', { name, type, data });
	}

	/** Creates each credential ({ name, type, data }) and returns them with their ids, in order. */
	async importCredentials(list) {
		const out = [];
		for (const c of list) out.push(await this.createCredential(c));
		return out;
	}

	async getCredential(id, { includeData = false } = {}) {
		return await this.rest('GET', `/credentials/${id}${includeData ? '?includeData=true' : ''}`);
	}

	async updateCredential(id, { name, type, data }) {
		const current = await this.getCredential(id);
		return await this.rest('PATCH', `/credentials/${id}`, {
			name: name ?? current.name,
			type: type ?? current.type,
			data,
		});
	}

	async deleteCredential(id) {
		return await this.rest('DELETE', `/credentials/${id}`);
	}

	/**
	 * The editor's "test credential" (POST /rest/credentials/test), which runs the credential
	 * type's `test` request. Tests the stored data, or `data` (merged over it) if given.
	 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
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
	async createWorkflow(workflow, { credentials } = {}) {
		const wf = credentials ? bindCredentials(workflow, credentials) : workflow;
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

	async importWorkflow(workflow, opts) {
		return await this.createWorkflow(workflow, opts);
	}

	async getWorkflow(id) {
		return await this.rest('GET', `/workflows/${id}`);
	}

	/** PATCH /rest/workflows/:id with the current versionId (n8n rejects stale updates). */
	async updateWorkflow(id, changes) {
		const current = await this.getWorkflow(id);
		return await this.rest('PATCH', `/workflows/${id}`, {
			...changes,
			versionId: current.versionId,
		});
	}

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
	async deactivateWorkflow(id, { timeoutMs = 60000 } = {}) {
		const deactivated = await this.rest('POST', `/workflows/${id}/deactivate`, {});
		deactivated.publication = await this.waitForPublication(id, { timeoutMs });
		return deactivated;
	}

	/**
	 * GET /rest/workflows/:id/publication-status until no publication is in flight.
	 * @returns {Promise<{ status: 'published' | 'partial' | 'failed' | 'not_published', liveVersionId: string | null, triggers: Array<{ nodeId: string, status: string, errorMessage: string | null }> }>}
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
	async getExecution(id) {
		const ex = await this.rest('GET', `/executions/${id}`);
		if (ex && typeof ex.data === 'string') ex.data = this._parseFlatted(ex.data);
		if (ex && typeof ex.workflowData === 'string') ex.workflowData = JSON.parse(ex.workflowData);
		return ex;
	}

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
	async listExecutions(workflowId, { status, limit = 100 } = {}) {
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
	async waitForExecutions(workflowId, { count = 1, timeoutMs = 90000, intervalMs = 500 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const list = await this.listExecutions(workflowId);
			const done = list.filter((e) => FINISHED_STATUSES.has(e.status) && e.stoppedAt);
			if (done.length >= count && done.length === list.length) {
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

	async deleteExecutions(ids) {
		return await this.rest('POST', '/executions/delete', { ids: ids.map(String) });
	}

	/** json of the items a node emitted: output `outputIndex` of run `runIndex`. */
	nodeOutput(execution, nodeName, { outputIndex = 0, runIndex = 0 } = {}) {
		return nodeOutput(execution, nodeName, { outputIndex, runIndex });
	}

	// --- webhooks --------------------------------------------------------------------------------

	webhookUrl(pathSuffix, { test = false } = {}) {
		return `${this.baseUrl}/${test ? 'webhook-test' : 'webhook'}/${String(pathSuffix).replace(/^\//, '')}`;
	}

	/**
	 * Calls a production webhook. n8n answers 404 for a short moment after activation or a
	 * start, so 404 is retried for `retry404Ms`.
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

	_parseFlatted(text) {
		if (!this.flatted) {
			this.flatted = require(
				require.resolve('flatted', { paths: [path.join(this.hostDir, 'n8n')] }),
			);
		}
		return this.flatted.parse(text);
	}

	/** Stops n8n and its task runner children (SIGTERM to the process group, SIGKILL after 20 s). */
	async stop({ timeoutMs = 20000 } = {}) {
		const child = this.process;
		if (!child || this.stopped) return;
		this.stopped = true;
		const pid = child.pid;
		const exited = new Promise((r) =>
			child.exitCode !== null || child.signalCode ? r() : child.once('exit', r),
		);
		const groupAlive = () => {
			try {
				process.kill(-pid, 0);
				return true;
			} catch {
				return false;
			}
		};
		try {
			process.kill(-pid, 'SIGTERM');
		} catch {}
		const deadline = Date.now() + timeoutMs;
		let timer;
		await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
		clearTimeout(timer);
		while (groupAlive() && Date.now() < deadline) await sleep(200);
		if (groupAlive()) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {}
			await sleep(200);
		}
		liveGroups.delete(pid);
		if (this._logFd !== undefined) {
			try {
				fs.closeSync(this._logFd);
			} catch {}
			this._logFd = undefined;
		}
	}
}

function nodeOutput(execution, nodeName, { outputIndex = 0, runIndex = 0 } = {}) {
	const runs =
		execution && execution.data && execution.data.resultData && execution.data.resultData.runData;
	if (!runs || !runs[nodeName]) return undefined;
	const run = runs[nodeName][runIndex];
	if (!run) return undefined;
	if (run.error && !run.data) return undefined;
	const main = run.data && run.data.main;
	const items = main && main[outputIndex];
	return (items || []).map((i) => i.json);
}

/**
 * Returns a copy of a workflow whose nodes reference the given credentials:
 * `credentials` maps a credential type (e.g. 'infinityCrmApi') to { id, name }.
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
 * Starts a real n8n and logs in as its owner.
 * @param {object} [o]
 * @param {string} [o.userFolder]       N8N_USER_FOLDER (created; a temp dir if omitted). The
 *                                      SQLite database lives in <userFolder>/.n8n.
 * @param {number} [o.port]             HTTP port (a free one if omitted); fails if taken.
 * @param {Record<string,string>} [o.env] extra/overriding environment variables.
 * @param {string|string[]} [o.packageTarball] `npm pack` tarball(s) installed as community packages.
 * @param {boolean} [o.clean]           delete userFolder first (fresh database).
 * @param {object} [o.owner]            { email, firstName, lastName, password }.
 * @param {string} [o.encryptionKey]
 * @param {number} [o.readyTimeoutMs]
 * @param {boolean} [o.inheritOutput]   also copy n8n's output to this process's stderr.
 * @param {string} [o.line]             n8n line: '2' (default) or '1'; $N8N_LINE when omitted.
 * @returns {Promise<N8nInstance>}
 */
async function startN8n(o = {}) {
	const { nodeBin, n8nBin, hostDir, n8nVersion } = await provisionN8n({ line: o.line });
	const userFolder = path.resolve(
		o.userFolder || fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-')),
	);
	if (o.clean) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });

	const packages = [];
	for (const t of [].concat(o.packageTarball || []))
		packages.push(installPackageTarball(userFolder, t));

	fs.mkdirSync(path.join(userFolder, 'files'), { recursive: true });

	const port = o.port || (await freePort());
	if (await portInUse(port))
		throw new Error(`port ${port} is already in use (another n8n running?)`);
	const brokerPort = await freePort();
	const encryptionKey = o.encryptionKey || TEST_ENCRYPTION_KEY;
	const env = n8nEnv({
		userFolder,
		port,
		brokerPort,
		encryptionKey,
		extra: o.env,
		major: majorOf(n8nVersion),
	});

	const logFile = path.join(userFolder, 'n8n.log');
	const logFd = fs.openSync(logFile, 'a');
	const logStart = fs.fstatSync(logFd).size;
	fs.writeSync(logFd, `\n===== n8n start ${new Date().toISOString()} port ${port} =====\n`);
	const t0 = Date.now();
	const child = spawn(nodeBin, [n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true, // own process group: stop() takes the task runners down with it
		stdio: ['ignore', o.inheritOutput ? 'pipe' : logFd, o.inheritOutput ? 'pipe' : logFd],
	});
	if (o.inheritOutput) {
		for (const s of [child.stdout, child.stderr]) {
			s.on('data', (d) => {
				fs.writeSync(logFd, d);
				process.stderr.write(d);
			});
		}
	}
	liveGroups.add(child.pid);

	const instance = new N8nInstance({
		process: child,
		pid: child.pid,
		port,
		baseUrl: `http://127.0.0.1:${port}`,
		userFolder,
		filesDir: path.join(userFolder, 'files'),
		logFile,
		hostDir,
		n8nVersion,
		nodeBin,
		n8nBin,
		encryptionKey,
		packages,
		owner: { ...DEFAULT_OWNER, ...(o.owner || {}) },
		_logFd: logFd,
	});

	let exitInfo;
	child.once('exit', (code, signal) => (exitInfo = { code, signal }));
	const readyTimeoutMs = o.readyTimeoutMs || 180000;
	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (exitInfo) {
			liveGroups.delete(child.pid);
			throw new Error(
				`n8n exited during start-up (${exitInfo.code ?? exitInfo.signal}). Log ${logFile}:\n${tail(logFile)}`,
			);
		}
		try {
			const r = await request(`${instance.baseUrl}/healthz/readiness`, { timeoutMs: 2000 });
			if (r.status === 200) break;
		} catch {}
		if (Date.now() > deadline) {
			await instance.stop();
			throw new Error(
				`n8n not ready after ${readyTimeoutMs} ms. Log ${logFile}:\n${tail(logFile)}`,
			);
		}
		await sleep(250);
	}
	instance.readyMs = Date.now() - t0;
	try {
		// A package that fails to load is only logged by n8n; make it a start-up error.
		const startLog = fs.readFileSync(logFile, 'utf8').slice(logStart);
		for (const pkg of packages) {
			const at = startLog.search(
				new RegExp(
					`(Failed to load package|Skipping package) "${pkg.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`,
				),
			);
			if (at >= 0 && !o.allowPackageLoadFailure) {
				throw new Error(
					`n8n could not load ${pkg.name} from ${pkg.dir}:\n${startLog.slice(at, at + 1500)}\n(log: ${logFile})`,
				);
			}
		}
		await instance.setupOwnerOrLogin();
	} catch (e) {
		await instance.stop();
		throw e;
	}
	return instance;
}

module.exports = {
	startN8n,
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
};
