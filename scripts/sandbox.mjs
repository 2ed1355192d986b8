#!/usr/bin/env node
// `npm start`: a local n8n with this package installed, the example workflows running and
// Property Finder leads arriving, all against simulators on 127.0.0.1 (nothing leaves the
// machine unless you edit the credentials).
//
//   npm start                 build, pack, provision n8n (cached), start everything; Ctrl-C stops it
//   npm start -- --keep       keep the sandbox database of the last run (workflows you changed,
//                             executions); only what is missing is imported again
//   npm start -- --help
//
// Steps: `npm run build`, `npm pack` into .sandbox/, provision Node 24 + n8n (scripts/
// provision-n8n.mjs; minutes the first time, cached outside the clone), compile and start the
// simulators (tooling/simulators/serve.ts, tsconfig.sim.json) on fixed ports with demo data,
// install the tarball into .sandbox/n8n like the Community Nodes installer does, start n8n on
// 127.0.0.1:5678 with an owner account, create the sandbox credentials, import examples/*.json,
// activate the trigger workflows (run the manual ones once), then feed a new Property Finder
// lead every 10–20 s: signed webhook deliveries to the Property Finder Trigger and new leads
// for the Polling Trigger (polls every minute in the sandbox).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { bindCredentials, DEFAULT_OWNER, provisionN8n, startN8n } from '../tooling/n8n/index.cjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SANDBOX = path.join(ROOT, '.sandbox');
const USER_FOLDER = path.join(SANDBOX, 'n8n');
const SIM_OUT = path.join(SANDBOX, 'sim');
const STATE_FILE = path.join(SANDBOX, 'sandbox.json');
const EXAMPLES = path.join(ROOT, 'examples');
const PORT = 5678;
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;
/** Encrypts the sandbox's credentials in its local SQLite database; not a secret. */
const ENCRYPTION_KEY = 'property-leads-sandbox-not-a-secret-0123456789';
const OWNER = DEFAULT_OWNER;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(
		fs
			.readFileSync(fileURLToPath(import.meta.url), 'utf8')
			.split('\n\n')[0]
			.replace(/^#.*\n/, '')
			.replace(/^\/\/ ?/gm, ''),
	);
	process.exit(0);
}
const keep = args.includes('--keep');
const unknown = args.filter((a) => !['--keep'].includes(a));
if (unknown.length) {
	console.error(`unknown option ${unknown.join(' ')} (try --help)`);
	process.exit(2);
}

const t0 = Date.now();
const timings = {};
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const clock = () => new Date().toTimeString().slice(0, 8);
const log = (...a) => console.log('[sandbox]', ...a);
const warn = (...a) => console.error('[sandbox]', ...a);

// ------------------------------------------------------------------------------------------
// Lifecycle: everything started is stopped on Ctrl-C / SIGTERM / a fatal error.

let child; // the build/pack/tsc process running now
let n8n; // the N8nInstance once started
let sims; // the simulators once started
let feed;
let statusTimer;
let stateWritten = false; // .sandbox/sandbox.json (read by scripts/screenshots.mjs)
let shuttingDown = false;
let firstSignalAt = 0;

async function shutdown(code, why) {
	if (shuttingDown) return;
	shuttingDown = true;
	if (why) log(why);
	feed?.stop();
	clearInterval(statusTimer);
	if (child && child.exitCode === null) child.kill('SIGTERM');
	if (stateWritten) fs.rmSync(STATE_FILE, { force: true });
	const started = Boolean(n8n || sims);
	if (n8n) {
		log('stopping n8n …');
		await n8n.stop().catch((e) => warn(`stopping n8n: ${e.message}`));
	}
	if (sims) await sims.stop().catch((e) => warn(`stopping the simulators: ${e.message}`));
	if (started) log(code === 0 ? 'stopped: n8n and the simulators are down.' : 'stopped.');
	// The n8n library SIGKILLs any n8n process group still registered (e.g. one that was
	// starting when Ctrl-C came) when this process exits.
	process.exit(code);
}

function onSignal(signal) {
	if (shuttingDown) {
		// npm forwards the terminal's Ctrl-C as well; only a later, second Ctrl-C forces.
		if (Date.now() - firstSignalAt > 1500) {
			warn('forced exit');
			process.exit(130);
		}
		return;
	}
	firstSignalAt = Date.now();
	console.log('');
	void shutdown(0, `${signal}: shutting down …`);
}
process.on('SIGINT', () => onSignal('Ctrl-C'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

async function fail(message) {
	warn(`FAILED: ${message}`);
	await shutdown(1);
}

/**
 * Runs a command in the repository. Its output is kept and shown only when it fails (and
 * stdout is returned); `live` passes it through instead.
 */
function run(cmd, cmdArgs, { live = false } = {}) {
	return new Promise((resolve, reject) => {
		child = spawn(cmd, cmdArgs, {
			cwd: ROOT,
			stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'],
			env: { ...process.env, npm_config_update_notifier: 'false' },
		});
		let out = '';
		let all = '';
		child.stdout?.on('data', (d) => ((out += d), (all += d)));
		child.stderr?.on('data', (d) => (all += d));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			child = undefined;
			if (code === 0) return resolve(out);
			// The machine's npm config warnings are noise; everything else is shown.
			const shown = all
				.split('\n')
				.filter((l) => !/Unknown (user|env) config "nodedir"/.test(l))
				.join('\n')
				.trim();
			reject(
				new Error(
					`${cmd} ${cmdArgs.join(' ')} failed (${code ?? signal})${shown ? `:\n${shown}` : ''}`,
				),
			);
		});
	});
}

function portTaken(port) {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(true));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
	});
}

async function step(name, fn) {
	const t = Date.now();
	const result = await fn();
	timings[name] = Date.now() - t;
	return result;
}

// ------------------------------------------------------------------------------------------
// Workflows

const TRIGGER_TYPES = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-base.formTrigger']);
const isTrigger = (node) =>
	!node.disabled &&
	node.type !== 'n8n-nodes-base.manualTrigger' &&
	(/trigger$/i.test(node.type) || TRIGGER_TYPES.has(node.type));

/** The example as the sandbox runs it: HTTP callback allowed, the poller polling every minute. */
function forSandbox(workflow, credentials) {
	const wf = structuredClone(workflow);
	for (const node of wf.nodes) {
		if (node.type === `${PACKAGE}.propertyFinderTrigger`) {
			node.parameters = node.parameters || {};
			node.parameters.options = { ...(node.parameters.options || {}), allowHttpCallback: true };
		}
		if (node.type === `${PACKAGE}.propertyFinderPollingTrigger`) {
			node.parameters = node.parameters || {};
			node.parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
		}
	}
	return bindCredentials(wf, credentials);
}

/** "A → B → [duplicates: C + D → E]" along the main connections. */
function describeFlow(wf) {
	const conns = wf.connections || {};
	const walk = (name, seen) => {
		if (seen.has(name)) return name;
		seen.add(name);
		const outputs = (conns[name]?.main || []).map((targets) => targets || []);
		const used = outputs.map((targets, i) => ({ i, targets })).filter((o) => o.targets.length);
		if (!used.length) return name;
		const parts = used.map(({ i, targets }) => {
			const label =
				outputs.length > 1 && i === 1 ? 'duplicates: ' : outputs.length > 1 ? 'new: ' : '';
			return label + targets.map((t) => walk(t.node, seen)).join(' + ');
		});
		return parts.length === 1 && !parts[0].startsWith('duplicates')
			? `${name} → ${parts[0]}`
			: `${name} → [${parts.join(' | ')}]`;
	};
	const starts = wf.nodes.filter((n) => isTrigger(n) || n.type === 'n8n-nodes-base.manualTrigger');
	return starts.map((n) => walk(n.name, new Set())).join('; ');
}

function readExamples() {
	if (!fs.existsSync(EXAMPLES)) return [];
	return fs
		.readdirSync(EXAMPLES)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({
			file: f,
			workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')),
		}));
}

// ------------------------------------------------------------------------------------------

async function main() {
	const major = Number(process.versions.node.split('.')[0]);
	if (major < 20) return fail(`Node.js 20 or newer is needed (this is ${process.version})`);
	if (await portTaken(PORT)) {
		return fail(
			`port ${PORT} on 127.0.0.1 is already in use — another n8n or sandbox is running. Stop it (Ctrl-C in its terminal) and run npm start again.`,
		);
	}
	fs.mkdirSync(SANDBOX, { recursive: true });

	log('1/7 building the package (npm run build) …');
	await step('build', () => run('npm', ['run', 'build']));

	log('2/7 packing it (npm pack) …');
	const tarball = await step('pack', async () => {
		for (const f of fs.readdirSync(SANDBOX))
			if (f.endsWith('.tgz')) fs.rmSync(path.join(SANDBOX, f));
		const out = await run('npm', ['pack', '--json', '--pack-destination', SANDBOX]);
		const [info] = JSON.parse(out.slice(out.indexOf('[')));
		return path.join(SANDBOX, info.filename);
	});
	log(`    ${path.relative(ROOT, tarball)}`);

	log('3/7 compiling and starting the simulators …');
	await step('simulators', async () => {
		fs.rmSync(SIM_OUT, { recursive: true, force: true });
		await run(process.execPath, [
			path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
			'-p',
			'tsconfig.sim.json',
		]);
		// The Property Finder simulator checks every exchange against the API description it reads
		// from spec/ next to its code; tsc does not copy JSON files.
		fs.cpSync(path.join(ROOT, 'tooling', 'simulators', 'spec'), path.join(SIM_OUT, 'spec'), { recursive: true });
		const serve = createRequire(import.meta.url)(path.join(SIM_OUT, 'serve.js'));
		sims = await serve.startSandboxSimulators();
		sims.serve = serve;
	});
	for (const [name, url] of Object.entries(sims.urls)) log(`    ${name.padEnd(15)} ${url}`);

	log('4/7 provisioning Node 24 + n8n (cached after the first run; the first takes ~7 min) …');
	const host = await step('provision', () => provisionN8n());
	log(`    n8n ${host.n8nVersion} on Node ${host.nodeVersion} in ${host.hostDir}`);

	log(`5/7 starting n8n on http://127.0.0.1:${PORT} with ${PACKAGE} installed from the tarball …`);
	n8n = await step('n8nStart', () =>
		startN8n({
			userFolder: USER_FOLDER,
			port: PORT,
			clean: !keep,
			packageTarball: tarball,
			encryptionKey: ENCRYPTION_KEY,
			owner: OWNER,
			// As README "Bursts" recommends: a delivery to the trigger needs no expression isolate.
			env: { N8N_LOG_LEVEL: 'info', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
		}),
	);
	log(`    ready in ${secs(n8n.readyMs)} (log: ${path.relative(ROOT, n8n.logFile)})`);
	n8n.process.once('exit', (code, signal) => {
		if (!shuttingDown) void fail(`n8n exited (${code ?? signal}); see ${n8n.logFile}`);
	});

	log('6/7 credentials and example workflows …');
	const workflows = await step('import', () => importEverything());

	log('7/7 activating the trigger workflows …');
	await step('activate', () => activate(workflows));

	writeState(workflows);
	banner(workflows);
	startFeed();
}

async function importEverything() {
	const existingCreds = keep ? await n8n.rest('GET', '/credentials') : [];
	const refs = {};
	for (const c of sims.serve.sandboxCredentials(sims)) {
		const found = existingCreds.find((e) => e.name === c.name && e.type === c.type);
		const saved = found ? await n8n.updateCredential(found.id, c) : await n8n.createCredential(c);
		refs[c.type] = { id: String(saved.id ?? found.id), name: c.name };
	}
	const tests = [];
	for (const [type, ref] of Object.entries(refs)) {
		if (type === 'smtp') continue;
		const result = await n8n
			.testCredential(ref.id)
			.catch((e) => ({ status: 'Error', message: e.message }));
		tests.push(
			`${ref.name}: ${result.status === 'OK' ? 'OK' : `${result.status} ${result.message}`}`,
		);
	}
	log(`    credentials: ${tests.join(' · ')}`);

	const examples = readExamples();
	if (!examples.length) warn('    no examples/*.json found: nothing to import');
	const existing = keep ? await n8n.rest('GET', '/workflows') : [];
	const list = Array.isArray(existing) ? existing : existing.data || [];
	const out = [];
	for (const { file, workflow } of examples) {
		const found = list.find((w) => w.name === workflow.name);
		const wf = found
			? await n8n.getWorkflow(found.id)
			: await n8n.createWorkflow(forSandbox(workflow, refs));
		out.push({
			file,
			id: wf.id,
			name: wf.name,
			nodes: wf.nodes,
			connections: wf.connections,
			kept: Boolean(found),
			wasActive: Boolean(found && wf.active),
			activeVersionId: wf.activeVersionId,
		});
		log(
			`    ${found ? 'kept    ' : 'imported'} ${file} → "${wf.name}" (${n8n.baseUrl}/workflow/${wf.id})`,
		);
	}
	return out;
}

/**
 * Publishes the trigger workflows and runs the manual ones once. A workflow kept from the last
 * run (--keep) that was published is unpublished and published again (its published version):
 * n8n does not re-register webhook triggers at start-up, and the simulators start empty, so
 * this is what subscribes the Property Finder Trigger at the simulator again. One you left
 * unpublished stays so.
 */
async function activate(workflows) {
	for (const wf of workflows) {
		wf.trigger = wf.nodes.find(isTrigger);
		if (wf.trigger) {
			if (wf.kept && !wf.wasActive) {
				log(`    left unpublished as you left it: "${wf.name}"`);
				continue;
			}
			try {
				if (wf.kept) {
					await n8n.deactivateWorkflow(wf.id);
					await n8n.rest('POST', `/workflows/${wf.id}/activate`, { versionId: wf.activeVersionId });
					const publication = await n8n.waitForPublication(wf.id);
					if (publication.status !== 'published') throw new Error(JSON.stringify(publication));
				} else {
					await n8n.activateWorkflow(wf.id);
				}
				wf.active = true;
				log(`    active: "${wf.name}" (${wf.trigger.type.split('.').pop()})`);
			} catch (e) {
				wf.active = false;
				warn(`    could not activate "${wf.name}": ${e.message}`);
			}
		} else if (!wf.kept && wf.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger')) {
			try {
				const ex = await n8n.runWorkflow(wf.id, { timeoutMs: 180000 });
				wf.ranOnce = ex;
				log(`    ran once: "${wf.name}" → execution ${ex.id} ${ex.status}`);
			} catch (e) {
				warn(`    running "${wf.name}" failed: ${e.message}`);
			}
		}
	}
}

function writeState(workflows) {
	const state = {
		pid: process.pid,
		url: n8n.baseUrl,
		owner: { email: OWNER.email, password: OWNER.password },
		n8nPid: n8n.pid,
		log: n8n.logFile,
		startedAt: new Date(t0).toISOString(),
		simulators: sims.urls,
		workflows: workflows.map(({ file, id, name, active, trigger }) => ({
			file,
			id,
			name,
			active: Boolean(active),
			trigger: trigger ? trigger.type : 'manual',
		})),
	};
	fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
	stateWritten = true;
}

function banner(workflows) {
	const u = sims.urls;
	const line = '─'.repeat(78);
	const webhookWfs = workflows.filter(
		(w) => w.trigger?.type === `${PACKAGE}.propertyFinderTrigger`,
	);
	const pollWfs = workflows.filter(
		(w) => w.trigger?.type === `${PACKAGE}.propertyFinderPollingTrigger`,
	);
	const lines = [
		line,
		` n8n sandbox ready in ${secs(Date.now() - t0)}:  ${n8n.baseUrl}`,
		` Log in:  ${OWNER.email}  /  ${OWNER.password}`,
		'',
		' Workflows:',
		...workflows.flatMap((w) => [
			`   ${w.active ? '●' : '○'} ${w.name}  ${w.trigger ? (w.active ? '(active)' : '(inactive)') : w.ranOnce ? `(manual trigger; ran once: ${w.ranOnce.status})` : '(manual trigger: open it, Execute workflow)'}`,
			`       ${describeFlow(w)}`,
		]),
		'',
		' What flows where:',
		`   Property Finder simulator (${u.propertyFinder}): a new lead every 10–20 s`,
		`     → signed webhook deliveries (Lead Created + Lead Assigned, some repeated) to ${webhookWfs.length} Property Finder Trigger workflow(s)`,
		`     → the Polling Trigger workflow${pollWfs.length === 1 ? '' : 's'} (${pollWfs.length}) picks the same leads up on its next poll (every minute; leads older than 30 s)`,
		`   CRMs: Infinity CRM ${u.infinity} · AlterEstate ${u.alterEstate} · PF Expert CRM ${u.pfExpert} · ClosingDealz ${u.closingDealz}`,
		`   Mail sink ${u.smtp} (e-mails to the manager about duplicates); every 4th lead is a returning customer`,
		`   All credentials ("… (sandbox)") point at 127.0.0.1 with placeholder keys: nothing leaves this machine.`,
		'',
		` Executions: ${n8n.baseUrl}/home/executions    n8n log: ${path.relative(ROOT, n8n.logFile)}`,
		' Ctrl-C stops n8n and the simulators.',
		line,
	];
	console.log(lines.join('\n'));
	log(
		`timings: build ${secs(timings.build)}, pack ${secs(timings.pack)}, simulators ${secs(timings.simulators)}, provision ${secs(timings.provision)}, n8n start ${secs(timings.n8nStart)}, import ${secs(timings.import)}, activate ${secs(timings.activate)}; total ${secs(Date.now() - t0)}`,
	);
}

function startFeed() {
	const seeded = {
		infinity: sims.infinity.leads.length,
		alterEstate: sims.alterEstate.contacts.length,
		pfExpert: sims.pfExpert.leads.length,
	};
	feed = sims.serve.startLeadFeed(sims, {
		firstInMs: 3000,
		onLead: (fed) => console.log(`[feed ${clock()}] ${sims.serve.describeFedLead(fed)}`),
	});
	const reported = new Set();
	let lastLine = '';
	const status = async () => {
		try {
			const q = (filter, limit) =>
				n8n.rest(
					'GET',
					`/executions?limit=${limit}&filter=${encodeURIComponent(JSON.stringify(filter))}`,
				);
			const all = await q({}, 1);
			const failed = await q({ status: ['error', 'crashed'] }, 20);
			for (const e of failed.results || []) {
				// Only this run's failures (with --keep the database has older ones).
				if (reported.has(e.id) || Date.parse(e.startedAt) < t0) continue;
				reported.add(e.id);
				const full = await n8n.getExecution(e.id).catch(() => undefined);
				const err = full?.data?.resultData?.error;
				warn(
					`execution ${e.id} of "${e.workflowName ?? e.workflowId}" failed${err ? `: ${err.message}` : ''} (${n8n.baseUrl}/workflow/${e.workflowId}/executions/${e.id})`,
				);
			}
			const cd = sims.closingDealz;
			const text =
				`executions ${all.count} (${failed.count} failed) · `.replace(' (0 failed)', '') +
				`Infinity ${sims.infinity.leads.length - seeded.infinity} created, ${sims.infinity.duplicates.length} duplicates · ` +
				`AlterEstate ${sims.alterEstate.contacts.length - seeded.alterEstate} created, ${sims.alterEstate.duplicateLogs.length} duplicates · ` +
				`PF Expert ${sims.pfExpert.leads.length - seeded.pfExpert} created · ClosingDealz ${cd.leads.length} leads in ${cd.batches} requests · ` +
				`${sims.smtp.messages.length} e-mails`;
			if (text !== lastLine) console.log(`[status ${clock()}] ${text}`);
			lastLine = text;
		} catch (e) {
			if (!shuttingDown) warn(`status: ${e.message}`);
		}
	};
	statusTimer = setInterval(() => void status(), 30000);
	setTimeout(() => void status(), 8000);
}

// Expected failures (a command, n8n, a port) print their message; programming errors their stack.
main().catch((e) =>
	fail(e instanceof Error && e.constructor !== Error ? e.stack : (e?.message ?? String(e))),
);
