/**
 * The benchmark: this package's nodes against n8n's HTTP Request node, side by side in one
 * real n8n with the package installed from its tarball, against the simulators with a fixed
 * latency and the documented rate limits on. Started by bench/run.mjs (`npm run bench`),
 * which builds, packs and compiles first; writes the report, a chart and the raw results.
 *
 *   node bench/out/bench/main.js --tarball <tgz> [--commit <text>] [--quick] [--out <dir>]
 *                                [--only <part of a scenario name>,…] [--pool-size <n>]
 *
 * --pool-size <n> starts n8n with N8N_EXPRESSION_ENGINE_POOL_SIZE=<n> (n8n's default: 1);
 * --expression-engine <vm|legacy> with N8N_EXPRESSION_ENGINE (n8n 2.41's default: vm).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_PARALLEL_REQUESTS } from '../nodes/shared/leads';
import type * as N8nLib from '../tooling/n8n/index.cjs';
import type { CredentialRef, Execution, N8nInstance, WorkflowJson } from '../tooling/n8n/index.cjs';
import { AlterEstateSimulator } from '../test/simulators/alterEstate';
import { ClosingDealzSimulator } from '../test/simulators/closingDealz';
import type { Capacity, Simulator } from '../test/simulators/framework';
import { InfinitySimulator } from '../test/simulators/infinity';
import { PropertyFinderSimulator } from '../test/simulators/propertyFinder';
import {
	PropertyFinderWebhooks,
	deliver,
	leadEvent,
} from '../test/simulators/propertyFinderWebhooks';
import { burst } from '../test/e2e/queue/deliveries';
import { cpuBenchmarks } from './cpu';
import type { AckRow, BenchResults, CrmRow, PollRow } from './report';
import { writeReport } from './report';
import type { Batching, NodeJson } from './workflows';
import {
	alterEstateNode,
	chain,
	closingDealzNode,
	editFieldsNode,
	httpPost,
	infinityNode,
	leadsCode,
	manualTrigger,
	noOp,
	pfHttpNodes,
	plainWebhookNode,
	propertyFinderGetAllNode,
	pollingTriggerNode,
	webhookTriggerNode,
} from './workflows';

const REPO = path.resolve(__dirname, '..', '..', '..');

// No keep-alive towards n8n: while n8n's event loop is busy with thousands of items, its
// keep-alive timer closes idle sockets late, and a request sent on such a socket at that moment
// fails with ECONNRESET. A fresh connection per request avoids the race (127.0.0.1: cheap).
http.globalAgent = new http.Agent({ keepAlive: false });
// The driver from its source folder (not a copy compiled into bench/out): it finds its pinned
// n8n host files next to itself.
const lib = createRequire(__filename)(
	path.join(REPO, 'tooling', 'n8n', 'index.cjs'),
) as typeof N8nLib;

// ------------------------------------------------------------------------------- settings

const args = process.argv.slice(2);
const argValue = (name: string) => {
	const at = args.indexOf(name);
	return at >= 0 ? args[at + 1] : undefined;
};
const QUICK = args.includes('--quick');
const TARBALL = argValue('--tarball');
const OUT_DIR = path.resolve(
	argValue('--out') ?? (QUICK ? path.join(REPO, 'bench', 'out') : path.join(REPO, 'bench')),
);

/** Added by every simulator before each answer. */
const LATENCY_MS = 50;

const SIZES = QUICK
	? {
			closingDealz: 1_000,
			cdDefaultSample: 1_000,
			cdPacedSample: 30,
			crm: 200,
			backlog: 500,
			ackRounds: 2,
			ackSingles: 5,
			cpu: 10_000,
		}
	: {
			closingDealz: 10_000,
			cdDefaultSample: 10_000,
			cdPacedSample: 150,
			crm: 2_000,
			backlog: 5_000,
			ackRounds: 6,
			ackSingles: 20,
			cpu: 10_000,
		};

/** HTTP Request node, tuned for ClosingDealz per item: 1 request every 650 ms (≈ 92 a minute). */
const CD_PACED: Batching = { size: 1, intervalMs: 650 };
/** HTTP Request node, tuned for arrays of 100: at most 100 requests per 61 s. */
const CD_ARRAYS: Batching = { size: 100, intervalMs: 61_000 };
/** HTTP Request node, tuned for Infinity CRM and AlterEstate: 5 requests every 100 ms. */
const CRM_TUNED: Batching = { size: 5, intervalMs: 100 };
/** The capacity-limit scenarios: a server that refuses with 503 and Retry-After ("not acted on") beyond this many requests in flight. */
const CRM_CAPACITY: Capacity = { maxInFlight: 10, status: 503, retryAfter: '1' };
/** Concurrent signed deliveries per round in the acknowledgement benchmark. */
const ACK_CONCURRENCY = 50;
const RUN_TIMEOUT_MS = 20 * 60_000;

const started = Date.now();
function log(...parts: unknown[]) {
	const s = Math.round((Date.now() - started) / 1000);
	console.error(
		`[bench ${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`,
		...parts,
	);
}
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const pfDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ------------------------------------------------------------------------------- helpers

interface NodeRun {
	ms: number;
	startTime: number;
	items: number;
	error?: string;
}

function nodeRun(execution: Execution, name: string): NodeRun {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const run: any = execution.data.resultData.runData[name]?.[0];
	if (!run) return { ms: Number.NaN, startTime: Number.NaN, items: 0, error: 'node did not run' };
	return {
		ms: run.executionTime,
		startTime: run.startTime,
		items: run.data?.main?.[0]?.length ?? 0,
		error: run.error?.message,
	};
}

function executionMs(execution: Execution): number {
	return Date.parse(String(execution.stoppedAt)) - Date.parse(String(execution.startedAt));
}

function statusCount(sim: Simulator, status: number): number {
	return sim.requests.filter((request) => request.status === status).length;
}

function resetLog(sim: Simulator) {
	sim.resetLog();
	sim.clearFaults();
}

let offsetSeq = 0;
/** A fresh range of lead numbers, so no two runs share a phone or an e-mail. */
const nextOffset = () => ++offsetSeq * 1_000_000;

async function createWorkflow(n8n: N8nInstance, name: string, nodes: NodeJson[]) {
	return await n8n.createWorkflow(chain(name, nodes));
}

/**
 * Retries a read of n8n's REST API through its transient failures: 503 "Database is not
 * ready!" while SQLite is busy writing a large execution (n8n's database ping times out), and
 * a connection reset while its event loop is blocked.
 */
async function retrying<T>(what: string, read: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await read();
		} catch (error) {
			const e = error as { status?: number; code?: string; message?: string };
			const transient =
				e.status === 503 ||
				e.code === 'ECONNRESET' ||
				/ECONNRESET|socket hang up/.test(String(e.message));
			if (!transient || Date.now() > deadline) throw error;
			log(`${what}: ${e.message ?? String(error)}; retrying`);
			await sleep(1_000);
		}
	}
}

/**
 * Runs a Manual Trigger workflow the way the editor's "Execute workflow" button does and
 * waits for the execution (like the library's runWorkflow, with transient failures retried).
 */
async function runManual(
	n8n: N8nInstance,
	workflow: WorkflowJson & { id: string },
): Promise<Execution> {
	// Not retried: a repeated POST would start a second execution.
	const started = await n8n.rest<{ executionId?: string }>(
		'POST',
		`/workflows/${workflow.id}/run`,
		{
			triggerToStartFrom: { name: 'Start' },
		},
	);
	const id = started?.executionId;
	if (!id)
		throw new Error(
			`workflow ${workflow.id} did not start an execution: ${JSON.stringify(started)}`,
		);
	const deadline = Date.now() + RUN_TIMEOUT_MS;
	for (;;) {
		const res = await retrying('execution status', () =>
			n8n.rest('GET', `/executions/${id}`, undefined, { raw: true }),
		);
		if (res.status === 200) {
			const summary = (
				res.body as { data?: { finished?: boolean; status?: string; stoppedAt?: string } }
			).data;
			if (
				summary &&
				(summary.finished || FINISHED.includes(String(summary.status))) &&
				summary.stoppedAt
			) {
				return await retrying('execution data', () => n8n.getExecution(id));
			}
		} else if (res.status !== 404 && res.status !== 503) {
			throw new Error(`GET /rest/executions/${id} -> ${res.status}: ${res.text.slice(0, 300)}`);
		}
		if (Date.now() > deadline)
			throw new Error(`execution ${id} did not finish within ${RUN_TIMEOUT_MS} ms`);
		await sleep(500);
	}
}

/** Deletes measured executions: large ones slow SQLite down for the scenarios that follow. */
async function forget(n8n: N8nInstance, executions: Execution[]) {
	await retrying('delete executions', () =>
		n8n.deleteExecutions(executions.map((execution) => execution.id)),
	);
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** How many executions of the workflow have finished (the REST list pages by 100; its `count` does not). */
async function finishedCount(n8n: N8nInstance, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: FINISHED }));
	const page = await retrying('execution count', () =>
		n8n.rest<{ count: number }>('GET', `/executions?limit=1&filter=${filter}`),
	);
	return page.count;
}

async function waitForFinished(
	n8n: N8nInstance,
	workflowId: string,
	count: number,
	timeoutMs = 180_000,
) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const done = await finishedCount(n8n, workflowId);
		if (done >= count) return done;
		if (Date.now() > deadline)
			throw new Error(`workflow ${workflowId}: ${done}/${count} executions finished`);
		await sleep(300);
	}
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sorted.length) - 1;
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function osName(): string {
	try {
		const text = fs.readFileSync('/etc/os-release', 'utf8');
		return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? os.type();
	} catch {
		return os.type();
	}
}

// ------------------------------------------------------------------------------- scenarios

interface Env {
	n8n: N8nInstance;
	infinity: InfinitySimulator;
	alterEstate: AlterEstateSimulator;
	closingDealz: ClosingDealzSimulator;
	pf: PropertyFinderSimulator;
	webhooks: PropertyFinderWebhooks;
	creds: Record<string, CredentialRef>;
}

/** Ours last sent to ClosingDealz at this time: n8n's shared limiter remembers it for 63 s. */
let oursClosingDealzLastRun = 0;

async function closingDealzLimiterIdle() {
	const wait = oursClosingDealzLastRun + 65_000 - Date.now();
	if (wait > 0) {
		log(`waiting ${Math.ceil(wait / 1000)} s until our node's ClosingDealz pacing window is empty`);
		await sleep(wait);
	}
}

function resetClosingDealz(sim: ClosingDealzSimulator) {
	resetLog(sim);
	sim.resetRateLimit();
	sim.leads.length = 0;
}

/** Runs one ClosingDealz workflow (Manual Trigger → leads → sender) and measures it. */
async function closingDealzRun(
	env: Env,
	label: string,
	count: number,
	sender: NodeJson,
	opts: { groupSize?: number; offset?: number; shape?: 'plain' | 'closingDealzColumns' } = {},
) {
	const sim = env.closingDealz;
	resetClosingDealz(sim);
	const workflow = await createWorkflow(env.n8n, `Bench: ClosingDealz ${label}`, [
		manualTrigger(),
		leadsCode(count, opts.offset ?? nextOffset(), opts.groupSize, opts.shape),
		sender,
	]);
	log(`ClosingDealz: ${label}, ${count} leads`);
	const execution = await runManual(env.n8n, workflow);
	const run = nodeRun(execution, sender.name);
	await forget(env.n8n, [execution]);
	return {
		execution,
		run,
		requests: sim.requests.length,
		created: sim.leads.length,
		rejected429: statusCount(sim, 429),
		peak: sim.peakInFlight,
		/** What was stored, in order, to compare two variants that sent the same leads. */
		stored: JSON.stringify(sim.leads.map((stored) => stored.lead)),
	};
}

async function scenarioClosingDealz(
	env: Env,
	rows: CrmRow[],
	setReference: (reference: BenchResults['reference']) => void,
) {
	const L = SIZES.closingDealz;
	const cred = env.creds.closingDealzApi;
	const header = env.creds.closingDealzHeader;
	const url = `${env.closingDealz.url}/api/v1/leads`;
	const oneLeadBody =
		'={{ JSON.stringify([{ company: $json.company, contactPerson: $json.name, email: $json.email, phoneNumber: $json.phone }]) }}';

	// Ours: batches of 100, paced under 100 requests per minute.
	await closingDealzLimiterIdle();
	const oursOffset = nextOffset();
	const ours = await closingDealzRun(env, 'ours', L, closingDealzNode(cred), { offset: oursOffset });
	oursClosingDealzLastRun = Date.now();
	rows.push({
		scenario: 'closingDealz',
		role: 'ours',
		variant: 'Ours: ClosingDealz node (defaults)',
		tuning: 'batches of 100, paced under 100 requests/min per key',
		leads: L,
		sample: L,
		extrapolated: false,
		wallMs: ours.run.ms,
		executionMs: executionMs(ours.execution),
		requests: ours.requests,
		created: ours.created,
		failed: L - ours.created,
		rejected429: ours.rejected429,
		peakInFlight: ours.peak,
		status: ours.execution.status,
	});

	// Ours with "Map Automatically": the same leads under column names that match the fields,
	// no expression per field. Same offset, so the stored leads must be identical.
	await closingDealzLimiterIdle();
	const auto = await closingDealzRun(env, 'ours, Map Automatically', L, closingDealzNode(cred, 'auto'), {
		offset: oursOffset,
		shape: 'closingDealzColumns',
	});
	oursClosingDealzLastRun = Date.now();
	const sameLeads = auto.stored === ours.stored;
	rows.push({
		scenario: 'closingDealz',
		role: 'oursAuto',
		variant: 'Ours: ClosingDealz node, Map Automatically',
		tuning: 'input columns named like the fields ("Contact Person", "Phone Number"…), no expression per field; otherwise defaults',
		leads: L,
		sample: L,
		extrapolated: false,
		wallMs: auto.run.ms,
		executionMs: executionMs(auto.execution),
		requests: auto.requests,
		created: auto.created,
		failed: L - auto.created,
		rejected429: auto.rejected429,
		peakInFlight: auto.peak,
		status: auto.execution.status,
		note: sameLeads ? 'stored leads identical to the four-expression run' : 'STORED LEADS DIFFER from the four-expression run',
	});

	// Reference: what n8n itself spends resolving the same four field mappings per item.
	{
		const editFields = editFieldsNode();
		const workflow = await createWorkflow(env.n8n, 'Bench: Edit Fields reference', [
			manualTrigger(),
			leadsCode(L, nextOffset()),
			editFields,
		]);
		log(`reference: Edit Fields node with the same 4 expressions, ${L} items`);
		const execution = await runManual(env.n8n, workflow);
		setReference({ items: L, editFieldsMs: nodeRun(execution, editFields.name).ms });
		await forget(env.n8n, [execution]);
	}

	// HTTP Request node, default settings: one request per item, started without waiting for
	// answers; the first refused request stops the node (after every request was sent).
	{
		const s = SIZES.cdDefaultSample;
		const r = await closingDealzRun(
			env,
			'HTTP Request default',
			s,
			httpPost('HTTP Request', url, oneLeadBody, header),
		);
		const measured = {
			sample: s,
			wallMs: r.run.ms,
			requests: r.requests,
			created: r.created,
			failed: s - r.created,
			rejected429: r.rejected429,
		};
		// On a sample: time scales with the items; requests are one per lead; the sliding window
		// admits 100 per started minute and refuses the rest.
		const wallMs = (r.run.ms * L) / s;
		const created =
			s === L ? r.created : Math.min(L, 100 * Math.max(1, Math.ceil(wallMs / 60_000)));
		rows.push({
			scenario: 'closingDealz',
			role: 'httpDefault',
			variant: 'HTTP Request node, default settings',
			tuning:
				'one request per item (a one-lead array), started without waiting for answers; On Error: stop',
			leads: L,
			sample: s,
			extrapolated: s !== L,
			wallMs,
			executionMs: executionMs(r.execution),
			requests: s === L ? r.requests : L,
			created,
			failed: L - created,
			rejected429: s === L ? r.rejected429 : L - created,
			peakInFlight: r.peak,
			status: r.execution.status,
			measured: s === L ? undefined : measured,
			note: r.run.error,
		});
	}

	// HTTP Request node, tuned per item: Batching 1 item per 650 ms, On Error: continue.
	{
		const s = SIZES.cdPacedSample;
		const r = await closingDealzRun(
			env,
			'HTTP Request paced per item',
			s,
			httpPost('HTTP Request', url, oneLeadBody, header, {
				batching: CD_PACED,
				continueOnFail: true,
			}),
		);
		const scale = L / s;
		rows.push({
			scenario: 'closingDealz',
			role: 'httpTuned',
			variant: 'HTTP Request node, tuned: paced per item',
			tuning: `Batching: ${CD_PACED.size} item per batch, ${CD_PACED.intervalMs} ms interval (≈ 92 requests/min); On Error: continue`,
			leads: L,
			sample: s,
			extrapolated: s !== L,
			wallMs: r.run.ms * scale,
			executionMs: executionMs(r.execution),
			requests: Math.round(r.requests * scale),
			created: Math.round(r.created * scale),
			failed: Math.round((s - r.created) * scale),
			rejected429: Math.round(r.rejected429 * scale),
			peakInFlight: r.peak,
			status: r.execution.status,
			measured: {
				sample: s,
				wallMs: r.run.ms,
				requests: r.requests,
				created: r.created,
				failed: s - r.created,
				rejected429: r.rejected429,
			},
		});
	}

	// HTTP Request node, tuned with arrays: leads grouped by 100 in the Code node, at most 100
	// requests per 61 s.
	{
		const r = await closingDealzRun(
			env,
			'HTTP Request arrays of 100',
			L,
			httpPost('HTTP Request', url, '={{ JSON.stringify($json.leads) }}', header, {
				batching: CD_ARRAYS,
				continueOnFail: true,
			}),
			{ groupSize: 100 },
		);
		rows.push({
			scenario: 'closingDealz',
			role: 'httpTunedArray',
			variant: 'HTTP Request node, tuned: arrays of 100',
			tuning: `Code node groups 100 leads per item; Batching: ${CD_ARRAYS.size} items per batch, ${CD_ARRAYS.intervalMs / 1000} s interval; On Error: continue`,
			leads: L,
			sample: L,
			extrapolated: false,
			wallMs: r.run.ms,
			executionMs: executionMs(r.execution),
			requests: r.requests,
			created: r.created,
			failed: L - r.created,
			rejected429: r.rejected429,
			peakInFlight: r.peak,
			status: r.execution.status,
		});
	}
}

/** Two executions of the same workflow started at the same moment (e.g. two imports). */
async function scenarioClosingDealzTwice(env: Env, rows: CrmRow[]) {
	const L = SIZES.closingDealz;
	const sim = env.closingDealz;
	const variants: Array<{
		role: CrmRow['role'];
		variant: string;
		tuning: string;
		make: () => NodeJson;
		groupSize?: number;
	}> = [
		{
			role: 'ours',
			variant: 'Ours: ClosingDealz node (defaults)',
			tuning: 'the pacing is shared by every execution using the key',
			make: () => closingDealzNode(env.creds.closingDealzApi),
		},
		{
			role: 'httpTunedArray',
			variant: 'HTTP Request node, tuned: arrays of 100',
			tuning: 'as above; Batching paces within one execution only',
			make: () =>
				httpPost(
					'HTTP Request',
					`${sim.url}/api/v1/leads`,
					'={{ JSON.stringify($json.leads) }}',
					env.creds.closingDealzHeader,
					{
						batching: CD_ARRAYS,
						continueOnFail: true,
					},
				),
			groupSize: 100,
		},
	];
	for (const v of variants) {
		if (v.role === 'ours') await closingDealzLimiterIdle();
		resetClosingDealz(sim);
		const sender = v.make();
		const workflows = [];
		for (const n of [1, 2]) {
			workflows.push(
				await createWorkflow(env.n8n, `Bench: ClosingDealz twice ${v.role} #${n}`, [
					manualTrigger(),
					leadsCode(L, nextOffset(), v.groupSize),
					{ ...sender, id: randomUUID() },
				]),
			);
		}
		log(`ClosingDealz: 2 × ${L} leads at once, ${v.variant}`);
		const executions = await Promise.all(workflows.map((workflow) => runManual(env.n8n, workflow)));
		if (v.role === 'ours') oursClosingDealzLastRun = Date.now();
		const runs = executions.map((execution) => nodeRun(execution, sender.name));
		await forget(env.n8n, executions);
		const begin = Math.min(...runs.map((run) => run.startTime));
		const end = Math.max(...runs.map((run) => run.startTime + run.ms));
		rows.push({
			scenario: 'closingDealzTwice',
			role: v.role,
			variant: v.variant,
			tuning: v.tuning,
			leads: 2 * L,
			sample: 2 * L,
			extrapolated: false,
			wallMs: end - begin,
			executionMs: Math.max(...executions.map(executionMs)),
			requests: sim.requests.length,
			created: sim.leads.length,
			failed: 2 * L - sim.leads.length,
			rejected429: statusCount(sim, 429),
			peakInFlight: sim.peakInFlight,
			status: executions.map((execution) => execution.status).join(' + '),
		});
	}
}

/**
 * Infinity CRM or AlterEstate, one lead per request. Without `capacity` the simulator takes
 * everything (neither API documents a limit); with it, it refuses requests beyond the limit
 * with 503 (the simulators' capacity mode), and only our default and the HTTP Request node's
 * default are compared.
 */
async function scenarioOneByOne(
	env: Env,
	rows: CrmRow[],
	which: 'infinity' | 'alterEstate',
	capacity?: Capacity,
) {
	const L = SIZES.crm;
	const sim = which === 'infinity' ? env.infinity : env.alterEstate;
	const stored = () =>
		which === 'infinity' ? env.infinity.leads.length : env.alterEstate.contacts.length;
	const reset = () => {
		resetLog(sim);
		sim.limitCapacity(capacity);
		if (which === 'infinity') {
			env.infinity.leads.length = 0;
			env.infinity.duplicates.length = 0;
		} else {
			env.alterEstate.contacts.length = 0;
			env.alterEstate.duplicateLogs.length = 0;
		}
	};
	const service = which === 'infinity' ? 'Infinity CRM' : 'AlterEstate';
	const url =
		which === 'infinity' ? `${sim.url}/api/crm/external/leads` : `${sim.url}/api/v1/leads/`;
	const body =
		which === 'infinity'
			? "={{ JSON.stringify({ name: $json.name, phone: $json.phone, email: $json.email, lead_source: 'api' }) }}"
			: '={{ JSON.stringify({ full_name: $json.name, phone: $json.phone, email: $json.email }) }}';
	const header = which === 'infinity' ? env.creds.infinityHeader : env.creds.alterEstateHeader;
	const ours = (concurrency?: number, fieldMapping: 'manual' | 'auto' = 'manual') =>
		which === 'infinity'
			? infinityNode(env.creds.infinityCrmApi, concurrency, fieldMapping)
			: alterEstateNode(env.creds.alterEstateApi, concurrency, fieldMapping);

	const variants: Array<{
		role: CrmRow['role'];
		variant: string;
		tuning: string;
		sender: NodeJson;
	}> = [
		{
			role: 'ours',
			variant: `Ours: ${service} node (defaults)`,
			tuning: `adaptive parallelism, Parallel Requests (the ceiling) ${DEFAULT_PARALLEL_REQUESTS} (default)`,
			sender: ours(),
		},
		{
			role: 'oursAuto',
			variant: `Ours: ${service} node, Map Automatically`,
			tuning: 'as the default, the fields read from the columns of the same name (no expression per field)',
			sender: ours(undefined, 'auto'),
		},
		{
			role: 'httpDefault',
			variant: 'HTTP Request node, default settings',
			tuning: 'one request per item, started without waiting for answers; On Error: stop',
			sender: httpPost('HTTP Request', url, body, header),
		},
		{
			role: 'httpTuned',
			variant: 'HTTP Request node, tuned: batching',
			tuning: `Batching: ${CRM_TUNED.size} items per batch, ${CRM_TUNED.intervalMs} ms interval (≤ 50 requests/s); On Error: continue`,
			sender: httpPost('HTTP Request', url, body, header, {
				batching: CRM_TUNED,
				continueOnFail: true,
			}),
		},
	];
	const measured = capacity
		? variants.filter((v) => v.role === 'ours' || v.role === 'httpDefault')
		: variants;
	for (const v of measured) {
		reset();
		const workflow = await createWorkflow(env.n8n, `Bench: ${service} ${v.variant}`, [
			manualTrigger(),
			leadsCode(L, nextOffset(), undefined, v.role === 'oursAuto' && which === 'alterEstate' ? 'fullNameColumn' : 'plain'),
			v.sender,
		]);
		log(`${service}${capacity ? ' (capacity limit)' : ''}: ${v.variant}, ${L} leads`);
		const execution = await runManual(env.n8n, workflow);
		const run = nodeRun(execution, v.sender.name);
		await forget(env.n8n, [execution]);
		rows.push({
			scenario: capacity ? (which === 'infinity' ? 'infinityCapacity' : 'alterEstateCapacity') : which,
			role: v.role,
			variant: v.variant,
			tuning: v.tuning,
			leads: L,
			sample: L,
			extrapolated: false,
			wallMs: run.ms,
			executionMs: executionMs(execution),
			requests: sim.requests.length,
			created: stored(),
			failed: L - stored(),
			rejected429: statusCount(sim, 429),
			refused: statusCount(sim, 429) + statusCount(sim, 503),
			apiMs: apiSpanMs(sim),
			peakInFlight: sim.peakInFlight,
			status: execution.status,
			note: run.error,
		});
	}
	sim.limitCapacity(undefined);
}

function apiSpanMs(sim: Simulator): number {
	if (sim.requests.length === 0) return 0;
	const first = sim.requests[0].at;
	const last = sim.requests[sim.requests.length - 1].at;
	return last + LATENCY_MS - first;
}

async function scenarioPolling(env: Env, rows: PollRow[]) {
	const { n8n, pf } = env;
	const count = SIZES.backlog;
	// The backlog: `count` leads over the last two days, the newest two minutes old.
	const now = Date.now();
	const from = now - 2 * 24 * 3_600_000;
	const to = now - 2 * 60_000;
	const before = pf.leads.length;
	for (let i = 0; i < count; i++) {
		pf.addLead({
			createdAt: new Date(
				from + Math.round(((to - from) * i) / Math.max(1, count - 1)),
			).toISOString(),
		});
	}
	const sinceIso = pfDate(from - 3_600_000);
	log(`Property Finder polling: backlog of ${count} leads (${before} leads existed before)`);

	// Ours: the polling trigger with "Since" polls at activation.
	const trigger = pollingTriggerNode(env.creds.propertyFinderPoll, sinceIso);
	const workflow = await createWorkflow(n8n, 'Bench: PF polling trigger', [trigger, noOp()]);
	resetLog(pf);
	let tokens = pf.tokenCalls;
	const t0 = Date.now();
	await n8n.activateWorkflow(workflow.id, { timeoutMs: 300_000 });
	await waitForFinished(n8n, workflow.id, 1, 300_000);
	const [execution] = await retrying('executions', () =>
		n8n.listExecutions(workflow.id, { limit: 1 }),
	);
	const full = await retrying('execution data', () => n8n.getExecution(execution.id));
	const stored = await n8n.getWorkflow(workflow.id);
	const staticBytes = Buffer.byteLength(JSON.stringify(stored.staticData ?? {}));
	rows.push({
		variant: 'Ours: Property Finder Polling Trigger',
		run: 'backlog',
		requests: pf.requests.length,
		tokenCalls: pf.tokenCalls - tokens,
		pageRequests: pf.calls('GET', '/v1/leads').length,
		emitted: n8n.nodeOutput(full, trigger.name)?.length ?? 0,
		apiMs: apiSpanMs(pf),
		totalMs: Date.parse(String(execution.stoppedAt)) - t0,
		staticDataBytes: staticBytes,
		note: 'activation (with Since = 2 days + 1 h ago) → poll → execution finished',
	});

	// Ours, idle: deactivate + activate polls again; nothing new has arrived.
	resetLog(pf);
	tokens = pf.tokenCalls;
	await n8n.deactivateWorkflow(workflow.id);
	const t1 = Date.now();
	await n8n.activateWorkflow(workflow.id, { timeoutMs: 120_000 });
	const idleMs = Date.now() - t1;
	await sleep(3_000);
	const executionsAfter = await finishedCount(n8n, workflow.id);
	const storedIdle = await n8n.getWorkflow(workflow.id);
	rows.push({
		variant: 'Ours: Property Finder Polling Trigger',
		run: 'idle',
		requests: pf.requests.length,
		tokenCalls: pf.tokenCalls - tokens,
		pageRequests: pf.calls('GET', '/v1/leads').length,
		emitted: executionsAfter - 1,
		apiMs: apiSpanMs(pf),
		totalMs: idleMs,
		staticDataBytes: Buffer.byteLength(JSON.stringify(storedIdle.staticData ?? {})),
		note: 'deactivate + activate (a poll runs at activation); emitted = new executions',
	});
	await n8n.deactivateWorkflow(workflow.id);

	// Ours as an action: the Property Finder node, Lead → Get Many with Return All (manual run).
	{
		const getMany = propertyFinderGetAllNode(env.creds.propertyFinderPoll, sinceIso);
		const actionWorkflow = await createWorkflow(n8n, 'Bench: PF node Get Many', [
			manualTrigger(),
			getMany,
		]);
		resetLog(pf);
		tokens = pf.tokenCalls;
		log('Property Finder: Property Finder node, Lead → Get Many (Return All)');
		const result = await runManual(n8n, actionWorkflow);
		rows.push({
			variant: 'Ours: Property Finder node, Lead → Get Many, Return All',
			run: 'backlog',
			requests: pf.requests.length,
			tokenCalls: pf.tokenCalls - tokens,
			pageRequests: pf.calls('GET', '/v1/leads').length,
			emitted: n8n.nodeOutput(result, getMany.name)?.length ?? 0,
			apiMs: apiSpanMs(pf),
			totalMs: executionMs(result),
			staticDataBytes: 0,
			note: `manual run, pages of 50, leads simplified (status ${result.status}); an action keeps no cursor`,
		});
	}

	// HTTP Request node: token, then GET /v1/leads with its pagination, then Split Out.
	const nodes = pfHttpNodes(pf.url, pf.apiKey, pf.apiSecret, sinceIso);
	const httpWorkflow = await createWorkflow(n8n, 'Bench: PF HTTP Request pagination', [
		manualTrigger(),
		...nodes,
	]);
	for (const run of ['backlog', 'idle'] as const) {
		resetLog(pf);
		tokens = pf.tokenCalls;
		log(`Property Finder polling: HTTP Request pagination, ${run} run`);
		const result = await runManual(n8n, httpWorkflow);
		rows.push({
			variant: 'HTTP Request node with pagination',
			run,
			requests: pf.requests.length,
			tokenCalls: pf.tokenCalls - tokens,
			pageRequests: pf.calls('GET', '/v1/leads').length,
			emitted: n8n.nodeOutput(result, 'Split Out')?.length ?? 0,
			apiMs: apiSpanMs(pf),
			totalMs: executionMs(result),
			staticDataBytes: 0,
			note:
				run === 'backlog'
					? `manual run: token request + pages of 50 (status ${result.status})`
					: 'the same workflow run again: without a stored cursor it reads the whole window again',
		});
	}
}

/** Sends one signed delivery and returns how long the answer took (ms) and its status. */
async function timedDelivery(url: string, secret: string, pf: PropertyFinderSimulator) {
	const event = leadEvent('lead.created', pf.addLead(), pf.now);
	const t = process.hrtime.bigint();
	const [result] = await deliver(url, event, { secret });
	return { ms: Number(process.hrtime.bigint() - t) / 1e6, status: result.status };
}

async function scenarioAcknowledgement(env: Env, rows: AckRow[]) {
	const { n8n, pf, webhooks } = env;
	const trigger = webhookTriggerNode(env.creds.propertyFinderHooks);
	const ours = await createWorkflow(n8n, 'Bench: PF Trigger', [trigger, noOp()]);
	await n8n.activateWorkflow(ours.id);
	const subscription = webhooks.subscriptions.find((entry) => entry.eventType === 'lead.created');
	if (!subscription?.secret)
		throw new Error('the Property Finder Trigger did not subscribe with a secret');

	const hookPath = `bench-ack-${randomUUID().slice(0, 8)}`;
	const plain = await createWorkflow(n8n, 'Bench: Webhook node', [
		plainWebhookNode(hookPath),
		noOp(),
	]);
	await n8n.activateWorkflow(plain.id);
	// The same Webhook node with one parameter set by an expression: n8n then evaluates its
	// parameters in the expression isolate during the webhook phase, as for every other node.
	const exprPath = `bench-ack-expr-${randomUUID().slice(0, 8)}`;
	const withExpression = plainWebhookNode(exprPath);
	withExpression.parameters.options = { ignoreBots: '={{ false }}' };
	const plainExpr = await createWorkflow(n8n, 'Bench: Webhook node with an expression', [
		withExpression,
		noOp(),
	]);
	await n8n.activateWorkflow(plainExpr.id);

	const targets = [
		{
			variant: 'Ours: Property Finder Trigger',
			url: subscription.url,
			secret: subscription.secret,
			workflowId: ours.id,
			checks: 'signature verified, repeats dropped, lead simplified, static data saved',
		},
		{
			variant: "n8n's Webhook node (Respond: Immediately)",
			url: n8n.webhookUrl(hookPath),
			secret: 'unused-by-the-webhook-node',
			workflowId: plain.id,
			checks: 'nothing',
		},
		{
			variant: "n8n's Webhook node, one option set by an expression",
			url: n8n.webhookUrl(exprPath),
			secret: 'unused-by-the-webhook-node',
			workflowId: plainExpr.id,
			checks: 'nothing',
		},
	];
	for (const target of targets) {
		// Let n8n register the webhook and warm up (not measured).
		const warm = await Promise.all(
			Array.from({ length: 10 }, () => timedDelivery(target.url, target.secret, pf)),
		);
		let expected = warm.length;
		await waitForFinished(n8n, target.workflowId, expected);

		// Unloaded: one delivery at a time, n8n idle in between.
		const single: number[] = [];
		for (let i = 0; i < SIZES.ackSingles; i++) {
			const result = await timedDelivery(target.url, target.secret, pf);
			single.push(result.ms);
			expected++;
			await waitForFinished(n8n, target.workflowId, expected);
		}

		const latencies: number[] = [];
		let non2xx = 0;
		log(
			`acknowledgement: ${target.variant}, ${SIZES.ackRounds} rounds of ${ACK_CONCURRENCY} concurrent deliveries`,
		);
		for (let round = 0; round < SIZES.ackRounds; round++) {
			const results = await Promise.all(
				Array.from({ length: ACK_CONCURRENCY }, () => timedDelivery(target.url, target.secret, pf)),
			);
			for (const result of results) {
				latencies.push(result.ms);
				if (result.status < 200 || result.status >= 300) non2xx++;
			}
			expected += results.length;
			// Every round starts with n8n idle: the executions of the previous one have finished.
			await waitForFinished(n8n, target.workflowId, expected);
		}
		// The burst Property Finder makes: 50 leads × (created, assigned) × 2 copies at once,
		// each counted when answered with a 2xx within its 5 s (first try; no resends here).
		const roundsFinished = await finishedCount(n8n, target.workflowId);
		const burstLeads = Array.from({ length: 50 }, () => pf.addLead());
		const burstEvents = burstLeads.flatMap((lead) => [
			leadEvent('lead.created', lead, pf.now),
			leadEvent('lead.assigned', lead, pf.now),
		]);
		const burstDeliveries = [...burstEvents, ...burstEvents];
		log(`acknowledgement: ${target.variant}, a burst of ${burstDeliveries.length} deliveries`);
		const burstResult = await burst(target.url, burstDeliveries, { secret: target.secret, maxRounds: 1 });
		// Until n8n is idle again (timed-out requests still run): no new finished execution for 5 s.
		for (let last = -1, now = await finishedCount(n8n, target.workflowId); now !== last; ) {
			await sleep(5_000);
			last = now;
			now = await finishedCount(n8n, target.workflowId);
		}

		const sorted = [...latencies].sort((a, b) => a - b);
		rows.push({
			variant: target.variant,
			checks: target.checks,
			singleP50: percentile(
				[...single].sort((a, b) => a - b),
				50,
			),
			deliveries: latencies.length,
			concurrency: ACK_CONCURRENCY,
			p50: percentile(sorted, 50),
			p90: percentile(sorted, 90),
			p99: percentile(sorted, 99),
			max: sorted[sorted.length - 1],
			mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
			non2xx,
			executions: roundsFinished - warm.length - single.length,
			burstDeliveries: burstResult.deliveries,
			burstFirstTry: burstResult.firstTryAcknowledged,
		});
	}
	for (const workflow of [ours, plain, plainExpr]) await n8n.deactivateWorkflow(workflow.id);
}

// ------------------------------------------------------------------------------- main

async function main() {
	if (!TARBALL || !fs.existsSync(TARBALL))
		throw new Error('--tarball <package .tgz> is required (bench/run.mjs passes it)');
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	const results: BenchResults = {
		quick: QUICK,
		startedAt: new Date(started).toISOString(),
		machine: {
			os: `${osName()} (kernel ${os.release()})`,
			cpu: os.cpus()[0]?.model ?? 'unknown',
			cores: os.availableParallelism?.() ?? os.cpus().length,
			memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		},
		versions: {
			benchNode: process.version,
			n8n: '',
			n8nNode: '',
			package: `${pkg.name}@${pkg.version}`,
			commit: argValue('--commit') ?? 'unknown',
		},
		settings: {
			latencyMs: LATENCY_MS,
			limits: [
				'ClosingDealz: 100 requests per 60 s sliding window per API key (429 beyond)',
				'Property Finder: token endpoint 60 requests/min, data endpoints 650 requests/min (429 beyond)',
				'Infinity CRM, AlterEstate: no limit (none documented, none simulated), except in the capacity-limit scenarios: 503 beyond ' +
					`${CRM_CAPACITY.maxInFlight} requests in flight`,
			],
			sizes: SIZES,
			poolSize: argValue('--pool-size'),
			expressionEngine: argValue('--expression-engine'),
		},
		crm: [],
		polling: [],
		ack: [],
		cpu: [],
		errors: [],
		totalMs: 0,
	};

	log(`${QUICK ? 'quick' : 'full'} run; simulators with ${LATENCY_MS} ms latency`);
	const infinity = new InfinitySimulator();
	const alterEstate = new AlterEstateSimulator();
	const closingDealz = new ClosingDealzSimulator();
	const pf = new PropertyFinderSimulator();
	const webhooks = new PropertyFinderWebhooks(pf);
	const sims: Simulator[] = [infinity, alterEstate, closingDealz, pf];
	for (const sim of sims) {
		sim.latencyMs = LATENCY_MS;
		await sim.start();
	}

	const provisioned = await lib.provisionN8n();
	results.versions.n8n = provisioned.n8nVersion;
	results.versions.n8nNode = provisioned.nodeVersion;
	log(
		`starting n8n ${provisioned.n8nVersion} (Node ${provisioned.nodeVersion}) with ${path.basename(TARBALL)}`,
	);
	const n8n = await lib.startN8n({
		userFolder: path.join(REPO, 'bench', 'out', 'n8n-user'),
		clean: true,
		packageTarball: TARBALL,
		env: {
			N8N_LOG_LEVEL: 'warn',
			...(argValue('--pool-size') ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: argValue('--pool-size')! } : {}),
			...(argValue('--expression-engine') ? { N8N_EXPRESSION_ENGINE: argValue('--expression-engine')! } : {}),
		},
	});
	log(`n8n ready in ${n8n.readyMs} ms at ${n8n.baseUrl}`);
	try {
		const created = await n8n.importCredentials([
			{
				name: 'Infinity CRM (simulator)',
				type: 'infinityCrmApi',
				data: { apiKey: infinity.apiKey, baseUrl: infinity.url },
			},
			{
				name: 'AlterEstate (simulator)',
				type: 'alterEstateApi',
				data: {
					apiKey: alterEstate.apiKey,
					publicToken: alterEstate.publicToken,
					baseUrl: alterEstate.url,
				},
			},
			{
				name: 'ClosingDealz (simulator)',
				type: 'closingDealzApi',
				data: { apiKey: closingDealz.apiKey, baseUrl: closingDealz.url },
			},
			{
				name: 'Property Finder, polling (simulator)',
				type: 'propertyFinderApi',
				data: { apiKey: pf.apiKey, apiSecret: pf.apiSecret, baseUrl: pf.url },
			},
			{
				name: 'Property Finder, webhooks (simulator)',
				type: 'propertyFinderApi',
				data: { apiKey: pf.apiKey, apiSecret: pf.apiSecret, baseUrl: pf.url },
			},
			{
				name: 'Infinity CRM header (simulator)',
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: infinity.apiKey },
			},
			{
				name: 'AlterEstate header (simulator)',
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Token ${alterEstate.apiKey}` },
			},
			{
				name: 'ClosingDealz header (simulator)',
				type: 'httpHeaderAuth',
				data: { name: 'X-API-Key', value: closingDealz.apiKey },
			},
		]);
		const ref = (index: number): CredentialRef => ({
			id: String(created[index].id),
			name: created[index].name,
		});
		const env: Env = {
			n8n,
			infinity,
			alterEstate,
			closingDealz,
			pf,
			webhooks,
			creds: {
				infinityCrmApi: ref(0),
				alterEstateApi: ref(1),
				closingDealzApi: ref(2),
				propertyFinderPoll: ref(3),
				propertyFinderHooks: ref(4),
				infinityHeader: ref(5),
				alterEstateHeader: ref(6),
				closingDealzHeader: ref(7),
			},
		};

		const scenarios: Array<[string, () => Promise<unknown>]> = [
			[
				'(a) ClosingDealz',
				() =>
					scenarioClosingDealz(env, results.crm, (reference) => (results.reference = reference)),
			],
			['(b) Infinity CRM', () => scenarioOneByOne(env, results.crm, 'infinity')],
			['(b) AlterEstate', () => scenarioOneByOne(env, results.crm, 'alterEstate')],
			[
				'(b) Infinity CRM, capacity limit',
				() => scenarioOneByOne(env, results.crm, 'infinity', CRM_CAPACITY),
			],
			[
				'(b) AlterEstate, capacity limit',
				() => scenarioOneByOne(env, results.crm, 'alterEstate', CRM_CAPACITY),
			],
			['(c) Property Finder polling', () => scenarioPolling(env, results.polling)],
			[
				'(d) Property Finder Trigger acknowledgement',
				() => scenarioAcknowledgement(env, results.ack),
			],
			[
				'(a) ClosingDealz, two executions at once',
				() => scenarioClosingDealzTwice(env, results.crm),
			],
			['(e) CPU per item', async () => results.cpu.push(...(await cpuBenchmarks(SIZES.cpu)))],
		];
		// `--only "Infinity,AlterEstate"`: just the scenarios whose name contains one of these.
		const only = argValue('--only')?.split(',').map((part) => part.trim().toLowerCase());
		for (const [name, run] of scenarios) {
			if (only && !only.some((part) => name.toLowerCase().includes(part))) continue;
			const t = Date.now();
			try {
				await run();
				log(`${name}: done in ${Math.round((Date.now() - t) / 1000)} s`);
			} catch (error) {
				const message = (error as Error).stack ?? String(error);
				log(`${name}: FAILED\n${message}`);
				results.errors.push(`${name}: ${(error as Error).message}`);
			}
		}
	} finally {
		await n8n.stop();
		for (const sim of sims) await sim.stop();
	}
	results.totalMs = Date.now() - started;
	const files = writeReport(results, OUT_DIR);
	log(`report: ${files.join(', ')}`);
	log(
		`total ${Math.round(results.totalMs / 1000)} s${results.errors.length ? `, ${results.errors.length} scenario(s) failed` : ''}`,
	);
	if (results.errors.length) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
