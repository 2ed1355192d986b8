/**
 * The queue profile: n8n in queue mode as a brokerage runs it when one process is not
 * enough — Postgres, Redis, one main process (production webhooks off), 2 `n8n worker` and 2
 * `n8n webhook` processes behind a round-robin load balancer (WEBHOOK_URL points at it), the
 * package installed in every process — with the example workflows and every API simulated.
 *
 *   npm run build && npx jest -c jest.e2e-queue.config.js
 *
 * The assertions are the package's promise (every lead once, nothing lost, nothing created
 * twice) where it holds whatever the timing. What depends on the timing of several processes
 * (acknowledgements within 5 s, runs per lead with two webhook processes, 429s with two
 * workers) is measured, printed and written to $TMPDIR/property-leads-queue-report.json, never
 * asserted; the comments at those tests say why it cannot be promised.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { PfLead } from '../../../tooling/simulators/propertyFinder';
import type { PfEvent } from '../../../tooling/simulators/propertyFinderWebhooks';
import { PERSIST_EVERY_MS, readRecent } from '../../../nodes/PropertyFinderTrigger/delivery';
import { deliver, leadEvent } from '../../../tooling/simulators/propertyFinderWebhooks';
import type {
	CredentialRef,
	Execution,
	N8nInstance,
	QueueDeployment,
	WorkflowJson,
} from '../../../tooling/n8n/index.cjs';
import { nodeOutput, startQueueDeployment } from '../../../tooling/n8n/index.cjs';
import { packPackage } from '../setup/environment';
import type { ExampleKey, LocalOptions } from '../setup/examples';
import { EXAMPLES, localExample, triggerWebhookPath } from '../setup/examples';
import { executionError, executionIds, waitForNewExecutions } from '../setup/executions';
import type { CredentialType, Simulators } from '../setup/simulators';
import { credentialData, credentialInputs, startSimulators } from '../setup/simulators';
import type { BurstResult } from './deliveries';
import { burst } from './deliveries';

const PACKAGE = 'n8n-nodes-property-leads';
const LEADS = 50;
const CLOSINGDEALZ_ROWS = 6000;

let q: QueueDeployment;
let n8n: N8nInstance;
let sims: Simulators;
let workDir: string;
const credentials = {} as Record<CredentialType, CredentialRef>;
const startedAt = Date.now();

/** What the profile measured; written to the report at the end. */
const report: Record<string, unknown> = {};

/**
 * PROPERTY_LEADS_QUEUE_POOL_SIZE=<n>: start every n8n process with
 * N8N_EXPRESSION_ENGINE_POOL_SIZE=<n> (n8n's default is 1), to measure what it changes.
 */
const POOL_SIZE = process.env.PROPERTY_LEADS_QUEUE_POOL_SIZE;
report.expressionEnginePoolSize = POOL_SIZE ?? 'default (1)';
/**
 * Every process runs with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, as README "Running in queue
 * mode" recommends: a delivery to the trigger (version 2) then needs no expression isolate.
 * PROPERTY_LEADS_QUEUE_LAZY_ACQUIRE=false measures n8n's default instead.
 */
const LAZY_ACQUIRE = process.env.PROPERTY_LEADS_QUEUE_LAZY_ACQUIRE !== 'false';
report.expressionEngineLazyAcquire = LAZY_ACQUIRE;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs = 30_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) return false;
		await sleep(100);
	}
	return true;
}

async function importExample(key: ExampleKey, local: LocalOptions = {}) {
	const json = localExample(EXAMPLES[key], local);
	const workflow = await n8n.importWorkflow(json, { credentials });
	return { workflow, json };
}

/** Execution counts of a workflow by status, straight from Postgres. */
function executionStatuses(workflowId: string): Record<string, number> {
	const rows = q.postgres
		.sql(
			`SELECT status, count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' GROUP BY status`,
		)
		.trim();
	const out: Record<string, number> = {};
	for (const line of rows ? rows.split('\n') : []) {
		const [status, count] = line.split('|');
		out[status] = Number(count);
	}
	return out;
}

/** Waits until the workflow has no unfinished execution and no new one for `quietMs`. */
async function settle(
	workflowId: string,
	{ quietMs = 3000, timeoutMs = 300_000 } = {},
): Promise<Record<string, number>> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	let since = Date.now();
	for (;;) {
		const statuses = executionStatuses(workflowId);
		const key = JSON.stringify(statuses);
		const unfinished = (statuses.new ?? 0) + (statuses.running ?? 0) + (statuses.waiting ?? 0);
		if (key !== last) {
			last = key;
			since = Date.now();
		} else if (unfinished === 0 && Date.now() - since >= quietMs) {
			return statuses;
		}
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId} did not settle: ${key}`);
		await sleep(500);
	}
}

function staticDataOf(workflowId: string): Record<string, Record<string, unknown>> {
	const text = q.postgres
		.sql(`SELECT "staticData" FROM workflow_entity WHERE id = '${workflowId}'`)
		.trim();
	return text ? (JSON.parse(text) as Record<string, Record<string, unknown>>) : {};
}

function expectSuccess(execution: Execution) {
	expect({ status: execution.status, error: executionError(execution) }).toEqual({
		status: 'success',
		error: '',
	});
}

/** The lead's phone as Property Finder sends it (E.164 already, as the CRM stores it). */
function phoneOf(lead: PfLead): string | undefined {
	return lead.sender.contacts.find((contact) => contact.type === 'phone')?.value;
}

/** Infinity CRM create requests that carry this Property Finder lead (one per execution). */
function infinityCreatesFor(lead: PfLead): number {
	const id = new RegExp(`\\b${lead.id}\\b`);
	return sims.infinity
		.calls('POST', '/api/crm/external/leads')
		.filter((call) => id.test(String((call.body as Record<string, unknown>)?.notes ?? ''))).length;
}

/** What a create-lead node's items came out as, over executions ("Skip Already Sent" skips by why). */
interface CreateOutcomes {
	created: number;
	duplicate: number;
	/** Skipped: another run claimed the lead at the same moment, and its claim held. */
	sameMoment: number;
	/** Skipped: the lead was recorded by a run before. */
	earlier: number;
	/** Neither a result nor a skip (an error item). */
	notSent: number;
}

function createOutcomes(executions: Execution[], nodeName: string): CreateOutcomes {
	const counts: CreateOutcomes = { created: 0, duplicate: 0, sameMoment: 0, earlier: 0, notSent: 0 };
	for (const execution of executions) {
		for (const outputIndex of [0, 1]) {
			for (const item of (nodeOutput(execution, nodeName, { outputIndex }) ?? []) as Array<Record<string, unknown>>) {
				if (item.skippedAlreadySent === true) {
					if (/at the same moment/.test(String(item.message ?? ''))) counts.sameMoment++;
					else counts.earlier++;
				} else if (item.outcome === 'created') counts.created++;
				else if (item.outcome === 'duplicate') counts.duplicate++;
				else counts.notSent++;
			}
		}
	}
	return counts;
}

beforeAll(async () => {
	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'property-leads-queue-'));
	const tarball = packPackage(path.join(workDir, 'pack'));
	sims = await startSimulators();
	try {
		q = await startQueueDeployment({
			workDir,
			packageTarball: tarball,
			workers: 2,
			webhooks: 2,
			env: {
				...(POOL_SIZE ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: POOL_SIZE } : {}),
				...(LAZY_ACQUIRE ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
			},
		});
	} catch (error) {
		await sims.stop();
		throw error;
	}
	n8n = q.main;
	for (const credential of await n8n.importCredentials(credentialInputs(sims))) {
		credentials[credential.type as CredentialType] = {
			id: String(credential.id),
			name: credential.name,
		};
	}
	report.startUpMs = q.startedInMs;
}, 600_000);

afterAll(async () => {
	report.profileMs = Date.now() - startedAt;
	const file = path.join(os.tmpdir(), 'property-leads-queue-report.json');
	fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
	process.stderr.write(`[queue] report ${file}:\n${JSON.stringify(report, null, 2)}\n`);
	if (q) {
		// The logs outlive the run; KEEP_E2E=1 keeps the whole folder.
		const logs = path.join(os.tmpdir(), 'property-leads-queue-logs');
		fs.rmSync(logs, { recursive: true, force: true });
		fs.mkdirSync(logs, { recursive: true });
		for (const p of [n8n, ...q.workers, ...q.webhooks] as Array<N8nInstance & { name?: string }>) {
			fs.copyFileSync(p.logFile, path.join(logs, `${p.name ?? 'main'}.log`));
		}
		await q.stop();
		process.stderr.write(`[queue] n8n logs: ${logs}\n`);
	}
	await sims?.stop();
	if (workDir && process.env.KEEP_E2E !== '1') fs.rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('the deployment', () => {
	test('main serves every node of the package; workers and webhook processes loaded it at start', async () => {
		const names = [
			'infinityCrm',
			'propertyFinder',
			'propertyFinderTrigger',
			'propertyFinderPollingTrigger',
			'alterEstate',
			'closingDealz',
		];
		const types = (await n8n.rest('POST', '/node-types', {
			nodeInfos: names.map((name) => ({ name: `${PACKAGE}.${name}`, version: 1 })),
		})) as Array<{ displayName: string }>;
		expect(types.map((t) => t.displayName).sort()).toEqual(
			[
				'AlterEstate',
				'ClosingDealz',
				'Infinity CRM',
				'Property Finder',
				'Property Finder Polling Trigger',
				'Property Finder Trigger',
			].sort(),
		);
		expect(q.workers).toHaveLength(2);
		expect(q.webhooks).toHaveLength(2);
		for (const p of [...q.workers, ...q.webhooks]) {
			expect(p.packages).toEqual([expect.objectContaining({ name: PACKAGE })]);
		}
	});
});

describe('manual runs go to the workers', () => {
	test('the spreadsheet example creates its 250 leads in ClosingDealz from a worker', async () => {
		const { workflow } = await importExample('spreadsheetToClosingDealz');
		sims.closingDealz.resetLog();
		const before = sims.closingDealz.leads.length;
		const execution = await n8n.runWorkflow(workflow.id);
		expectSuccess(execution);
		expect(q.workerOf(String(execution.id))).toHaveLength(1);
		expect(sims.closingDealz.leads.length - before).toBe(250);
		expect(
			sims.closingDealz.calls('POST', '/api/v1/leads').map((r) => (r.body as unknown[]).length),
		).toEqual([100, 100, 50]);
	});

	test('12 executions on both workers fetch at most one Property Finder token per worker', async () => {
		// A credential of its own, so no token from another test is in it yet.
		const [credential] = await n8n.importCredentials([
			{
				name: 'Property Finder (token test)',
				type: 'propertyFinderApi',
				data: credentialData(sims).propertyFinderApi,
			},
		]);
		const workflow = await n8n.createWorkflow({
			name: 'Newest Property Finder lead',
			nodes: [
				{
					id: randomUUID(),
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: randomUUID(),
					name: 'Newest Lead',
					type: `${PACKAGE}.propertyFinder`,
					typeVersion: 1,
					position: [240, 0],
					parameters: { resource: 'lead', operation: 'getAll', returnAll: false, limit: 1 },
					credentials: { propertyFinderApi: { id: String(credential.id), name: credential.name } },
				},
			],
			connections: { Start: { main: [[{ node: 'Newest Lead', type: 'main', index: 0 }]] } },
		});
		const tokensBefore = sims.propertyFinder.tokenCalls;
		const started = await Promise.all(
			Array.from({ length: 12 }, () =>
				n8n.rest('POST', `/workflows/${workflow.id}/run`, {
					triggerToStartFrom: { name: 'Start' },
				}),
			),
		);
		const executions = await Promise.all(
			(started as Array<{ executionId: string }>).map((s) =>
				n8n.waitForExecution(s.executionId, { timeoutMs: 180_000 }),
			),
		);
		for (const execution of executions) {
			expectSuccess(execution);
			expect(nodeOutput(execution, 'Newest Lead')).toHaveLength(1);
		}
		const workers = new Set(executions.flatMap((e) => q.workerOf(String(e.id))));
		const tokenRequests = sims.propertyFinder.tokenCalls - tokensBefore;
		report.pfToken = { executions: executions.length, workers: [...workers], tokenRequests };
		expect([...workers].sort()).toEqual(['worker-1', 'worker-2']);
		// The token is kept in the credential (in the database) once fetched; the first runs on
		// the two workers can each find none and fetch one (seen: 1 or 2), never more.
		expect(tokenRequests).toBeGreaterThanOrEqual(1);
		expect(tokenRequests).toBeLessThanOrEqual(q.workers.length);
	});
});

describe("Skip Already Sent in n8n's own store, executions of the same leads at once on both workers", () => {
	// Three executions of the same 40 leads started together on the two workers, against n8n's
	// own processed-items store in Postgres. Whether their claims meet within the same few
	// milliseconds (the race claims.ts closes) depends on when each worker gets to the node: the
	// report's claimRace says how each skipped item was caught (sameMoment: its claim was
	// replaced; earlier: it found the lead recorded). The race itself is exercised on a model of
	// the store, with every interleaving fast-check draws (test/unit/claims.test.ts).
	test('3 executions of the same 40 leads started together: each lead sent to Infinity CRM once, every item accounted for', async () => {
		const example = localExample(EXAMPLES.webhookToInfinity);
		const create = example.nodes.find((node) => node.type === `${PACKAGE}.infinityCrm`)!;
		create.parameters.options = { ...(create.parameters.options as object), skipAlreadySent: true };
		const run = randomUUID().slice(0, 8);
		const leadIds = Array.from({ length: 40 }, (_, i) => `race-${run}-${i}`);
		const json = {
			name: 'Skip Already Sent race',
			nodes: [
				{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: randomUUID(),
					name: 'Leads',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: {
						jsCode: `return ${JSON.stringify(leadIds)}.map((id, i) => ({ json: { id, eventId: 'evt-' + id, channel: 'whatsapp', name: 'Race ' + i, phone: '+9715' + String(20000000 + i), email: id + '@mail.example' } }));`,
					},
				},
				{ ...create, position: [400, 0] },
			],
			connections: {
				Start: { main: [[{ node: 'Leads', type: 'main', index: 0 }]] },
				Leads: { main: [[{ node: create.name, type: 'main', index: 0 }]] },
			},
		} as unknown as WorkflowJson;
		const workflow = await n8n.importWorkflow(json, { credentials });
		const started = (await Promise.all(
			[1, 2, 3].map(async () => await n8n.rest('POST', `/workflows/${workflow.id}/run`, { triggerToStartFrom: { name: 'Start' } })),
		)) as Array<{ executionId: string }>;
		const executions = await Promise.all(
			started.map(async (s) => await n8n.waitForExecution(s.executionId, { timeoutMs: 180_000 })),
		);
		const sentPerLead = leadIds.map(
			(id) =>
				sims.infinity
					.calls('POST', '/api/crm/external/leads')
					.filter((call) => new RegExp(`\\b${id}\\b`).test(String((call.body as Record<string, unknown>)?.notes ?? ''))).length,
		);
		for (const execution of executions) expect(executionError(execution)).toBe('');
		const outcomes = createOutcomes(executions, create.name);
		report.claimRace = { executions: executions.length, workers: executions.map((e) => q.workerOf(String(e.id))), ...outcomes };
		expect(sentPerLead).toEqual(leadIds.map(() => 1));
		expect(outcomes.created).toBe(leadIds.length);
		expect(outcomes.created + outcomes.duplicate + outcomes.sameMoment + outcomes.earlier).toBe(3 * leadIds.length);
	}, 300_000);
});

describe('Property Finder Polling Trigger on main, executions on the workers', () => {
	test('60 new leads over two polls: each created in AlterEstate exactly once', async () => {
		const { workflow } = await importExample('pollingToAlterEstate');
		sims.propertyFinder.resetLog();
		await n8n.activateWorkflow(workflow.id);
		expect(await until(() => sims.propertyFinder.calls('GET', '/v1/leads').length > 0)).toBe(true);
		const pollNow = async () => {
			await n8n.deactivateWorkflow(workflow.id);
			await n8n.activateWorkflow(workflow.id);
		};
		const fresh: PfLead[] = [];
		for (const offset of [60_000, 50_000]) {
			const at = sims.propertyFinder.now - offset;
			const batch = Array.from({ length: 30 }, (_, i) =>
				sims.propertyFinder.addLead({ createdAt: new Date(at + i).toISOString() }),
			);
			fresh.push(...batch);
			await pollNow();
			const hasContact = (lead: PfLead) =>
				sims.alterEstate.contacts.some((c) => String(c.body.notes ?? '').includes(lead.id));
			expect(await until(() => batch.every(hasContact), 120_000)).toBe(true);
		}
		await n8n.deactivateWorkflow(workflow.id);
		const statuses = await settle(workflow.id);
		const perLead = fresh.map(
			(lead) =>
				sims.alterEstate.contacts.filter((c) =>
					new RegExp(`\\b${lead.id}\\b`).test(String(c.body.notes ?? '')),
				).length,
		);
		report.polling = { leads: fresh.length, executions: statuses };
		expect(perLead).toEqual(fresh.map(() => 1));
		expect(statuses).toEqual({ success: expect.any(Number) });
	});
});

describe('Property Finder Trigger through the load balancer', () => {
	test('activation subscribes the load balancer URL; a delivery runs once on a worker', async () => {
		const { workflow, json } = await importExample('webhookToInfinity');
		await n8n.activateWorkflow(workflow.id);
		const url = `${q.balancer.url}/webhook/${triggerWebhookPath(json)}`;
		await until(() => sims.pfWebhooks.subscriptions.filter((s) => s.url === url).length === 2);
		expect(sims.pfWebhooks.subscriptions.map((s) => s.url)).toEqual([url, url]);
		const secret = sims.pfWebhooks.subscriptions.find((s) => s.url === url)!.secret!;

		const known = await executionIds(n8n, workflow.id);
		const lead = sims.propertyFinder.addLead();
		const [answer] = await deliver(url, leadEvent('lead.created', lead), { secret });
		expect(answer.status).toBe(200);
		const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
		expectSuccess(execution);
		expect(execution.mode).toBe('webhook');
		expect(q.workerOf(String(execution.id))).toHaveLength(1);
		expect(infinityCreatesFor(lead)).toBe(1);
		await n8n.deactivateWorkflow(workflow.id);
	});
});

interface BurstMeasure {
	webhookProcesses: number;
	n8nWebhookNode: BurstResult;
	propertyFinderTrigger: BurstResult;
	forwardedPerProcess: number[];
	executions: Record<string, number>;
	/** How many leads ran 0, 1, 2, … times. */
	/** How many leads were sent to Infinity CRM once, twice… (`{"1": 50}`: each once). */
	sentPerLead: Record<string, number>;
	/** How Skip Already Sent kept the runs that repeated a lead from sending it. */
	skipped: Pick<CreateOutcomes, 'sameMoment' | 'earlier'>;
	/** Executions the burst started (one per lead when the trigger let no repeat through). */
	runs: number;
	/** Lead keys in static data when the burst's executions had finished. */
	leadKeysRightAfter: number;
	/** Lead keys in static data after one repeat per webhook process, the save interval later. */
	leadKeysInStaticData: number;
	/** First-try acknowledgements of the trigger as a share of the Webhook node's. */
	firstTryRatio: number;
	perLead: number[];
	/** Leads Infinity holds for each lead of the burst (by its phone). */
	storedPerLead: number[];
}

const bursts: Record<number, BurstMeasure> = {};

/** 50 leads × (lead.created, lead.assigned) × 2 copies, all at once, first to n8n's Webhook node, then to the trigger. */
async function measureBurst(processes: number): Promise<BurstMeasure> {
	q.balancer.use(Array.from({ length: processes }, (_, i) => i));
	const leads = Array.from({ length: LEADS }, () => sims.propertyFinder.addLead());
	const events: PfEvent[] = leads.flatMap((lead) => [
		leadEvent('lead.created', lead),
		leadEvent('lead.assigned', lead),
	]);
	const deliveries = [...events, ...events];

	// n8n's own Webhook node in the same deployment, as the yardstick.
	const hookPath = randomUUID();
	const plain = await n8n.createWorkflow({
		name: `n8n Webhook node, ${processes} webhook process(es)`,
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
			},
		],
		connections: {},
	} as WorkflowJson);
	await n8n.activateWorkflow(plain.id);
	let n8nWebhookNode: BurstResult;
	try {
		n8nWebhookNode = await burst(`${q.balancer.url}/webhook/${hookPath}`, deliveries);
		await settle(plain.id);
	} finally {
		await n8n.deactivateWorkflow(plain.id);
	}

	// The example as a queue-mode user runs it: Infinity CRM's "Skip Already Sent" on (README
	// "Running in queue mode"), so a lead both webhook processes let through is sent once.
	const json = localExample(EXAMPLES.webhookToInfinity);
	const create = json.nodes.find((node) => node.type === `${PACKAGE}.infinityCrm`)!;
	create.parameters.options = { ...(create.parameters.options as object), skipAlreadySent: true };
	const workflow = await n8n.importWorkflow(json, { credentials });
	await n8n.activateWorkflow(workflow.id);
	let propertyFinderTrigger: BurstResult;
	let executions: Record<string, number>;
	let leadKeysRightAfter: Set<string>;
	let leadKeys: Set<string>;
	let skipped: Pick<CreateOutcomes, 'sameMoment' | 'earlier'>;
	const before = q.balancer.counts();
	const leadKeysNow = () =>
		new Set(
			readRecent(staticDataOf(workflow.id)['node:Property Finder Trigger']?.recentEvents)
				.flatMap(([keys]) => keys)
				.filter((key) => key.startsWith('lead:')),
		);
	try {
		const url = `${q.balancer.url}/webhook/${triggerWebhookPath(json)}`;
		await until(() => sims.pfWebhooks.subscriptions.filter((s) => s.url === url).length === 2);
		expect(sims.pfWebhooks.subscriptions.map((s) => s.url)).toEqual([url, url]);
		const secret = sims.pfWebhooks.subscriptions.find((s) => s.url === url)!.secret!;
		propertyFinderTrigger = await burst(url, deliveries, { secret });
		executions = await settle(workflow.id);
		const runs = await Promise.all([...(await executionIds(n8n, workflow.id))].map(async (id) => await n8n.getExecution(id)));
		const { sameMoment, earlier } = createOutcomes(runs, create.name);
		skipped = { sameMoment, earlier };
		leadKeysRightAfter = leadKeysNow();
		// The trigger saves its memory at most once per interval per process, and n8n 2.x keeps
		// only the saves of requests that start no execution: the first repeat each process gets
		// once the interval is over saves everything it accepted (a resend, as Property Finder
		// makes; the balancer takes turns, so each process gets one).
		await sleep(PERSIST_EVERY_MS + 500);
		for (let i = 0; i < processes; i++) {
			const [answer] = await deliver(url, events[i], { secret });
			expect(answer.status).toBe(200);
		}
		await settle(workflow.id);
		leadKeys = leadKeysNow();
		const row = staticDataOf(workflow.id);
		const node = row['node:Property Finder Trigger'];
		report[`staticDataShape${processes}`] = {
			type: typeof row,
			keys: Object.keys(row),
			nodeKeys: node && typeof node === 'object' ? Object.keys(node) : typeof node,
			recentEvents: Array.isArray(node?.recentEvents) ? (node.recentEvents as unknown[]).length : typeof node?.recentEvents,
		};
	} finally {
		await n8n.deactivateWorkflow(workflow.id);
	}
	const after = q.balancer.counts();

	const perLead = leads.map(infinityCreatesFor);
	const sentPerLead: Record<string, number> = {};
	for (const count of perLead) sentPerLead[String(count)] = (sentPerLead[String(count)] ?? 0) + 1;
	const measure: BurstMeasure = {
		webhookProcesses: processes,
		n8nWebhookNode,
		propertyFinderTrigger,
		forwardedPerProcess: q.webhooks.map(
			(w) => (after.get(w.port) ?? 0) - (before.get(w.port) ?? 0),
		),
		executions,
		sentPerLead,
		skipped,
		runs: executions.success ?? 0,
		leadKeysRightAfter: leads.filter((lead) => leadKeysRightAfter.has(`lead:${lead.id}`)).length,
		leadKeysInStaticData: leads.filter((lead) => leadKeys.has(`lead:${lead.id}`)).length,
		firstTryRatio: n8nWebhookNode.firstTryAcknowledged
			? propertyFinderTrigger.firstTryAcknowledged / n8nWebhookNode.firstTryAcknowledged
			: 0,
		perLead,
		storedPerLead: leads.map((lead) => sims.infinity.leads.filter((stored) => stored.phone === phoneOf(lead)).length),
	};
	report[`burst${processes}`] = { ...measure, perLead: undefined, storedPerLead: undefined };
	return measure;
}

describe.each([1, 2])(
	'a burst of %i webhook process(es): 50 leads × 2 events × 2 copies at once',
	(processes) => {
		// Acknowledgements within Property Finder's 5 s are measured (the report), not asserted:
		// they depend on the machine's load. What must hold whatever the timing: no lead lost.
		test('after the deliveries and their resends, every lead has run (none lost)', async () => {
			const measure = await measureBurst(processes);
			bursts[processes] = measure;
			expect(measure.forwardedPerProcess.filter((count) => count > 0)).toHaveLength(processes);
			expect(measure.perLead.filter((count) => count === 0)).toEqual([]);
			expect(measure.executions.error ?? 0).toBe(0);
		}, 900_000);

		const exactlyOnce = () => {
			const measure = bursts[processes];
			expect(measure.runs).toBe(LEADS);
			expect(measure.perLead).toEqual(measure.perLead.map(() => 1));
		};
		// The dedupe memory never loses what it recorded: once the save interval is over, one
		// repeat per process leaves every lead of the burst in the saved static data, whichever
		// process saved last (n8n 2.x drops what a request that starts an execution changed:
		// nodes/PropertyFinderTrigger/delivery.ts).
		test('the dedupe memory in static data holds all 50 lead keys after the next repeat', () => {
			expect(bursts[processes]).toBeDefined();
			expect(bursts[processes].leadKeysInStaticData).toBe(LEADS);
		});
		if (processes === 1) {
			test('every lead runs exactly once', () => {
				expect(bursts[processes]).toBeDefined();
				exactlyOnce();
			});
		} else {
			// Runs per lead are measured, not asserted: each webhook process remembers deliveries
			// in its own memory, and a request sees the other process's deliveries only through
			// the static data loaded when it arrived, so lead.created on one process and
			// lead.assigned on the other at the same moment can both start the workflow — how
			// many do depends on the timing (the report's runs). n8n gives a webhook node no
			// shared atomic store (docs/queue-mode/n8n-internals.md). Asserted: Skip Already Sent
			// keeps the second run of a lead from sending it again, also when the two runs claim
			// it at the same instant (nodes/shared/claims.ts), and the CRM stores each lead once.
			test('Skip Already Sent sends each lead to the CRM once, and the CRM stores each once', () => {
				expect(bursts[processes]).toBeDefined();
				const { perLead, storedPerLead } = bursts[processes];
				expect({ sent: perLead, stored: storedPerLead }).toEqual({
					sent: perLead.map(() => 1),
					stored: storedPerLead.map(() => 1),
				});
			});
		}
	},
);

describe('ClosingDealz: 2 × 6,000 leads on 2 workers at once', () => {
	test('12,000 created, none lost, none twice, one run on each worker', async () => {
		const json = localExample(EXAMPLES.spreadsheetToClosingDealz);
		const code = json.nodes.find((node) => node.name === 'Demo Leads')!;
		code.parameters.jsCode = [
			`const rows = [];`,
			`for (let i = 1; i <= ${CLOSINGDEALZ_ROWS}; i++) {`,
			`  rows.push({ json: { company: 'Queue ' + i, contactPerson: 'Lead ' + i, email: 'q' + $execution.id + '-' + i + '@mail.example', phone: '+97150' + String(10000000 + i).slice(-7), interest: 'JVC' } });`,
			`}`,
			`return rows;`,
		].join('\n');
		json.name = 'ClosingDealz 6,000';
		const workflow = await n8n.importWorkflow(json, { credentials });
		sims.closingDealz.resetLog();
		sims.closingDealz.resetRateLimit();
		const before = sims.closingDealz.leads.length;
		const started = (await Promise.all(
			[0, 1].map(() =>
				n8n.rest('POST', `/workflows/${workflow.id}/run`, {
					triggerToStartFrom: { name: 'Start' },
				}),
			),
		)) as Array<{ executionId: string }>;
		const executions = await Promise.all(
			started.map((s) => n8n.waitForExecution(s.executionId, { timeoutMs: 600_000 })),
		);
		const stored = sims.closingDealz.leads.slice(before).map((entry) => String(entry.lead.email));
		const expected = executions.flatMap((e) =>
			Array.from({ length: CLOSINGDEALZ_ROWS }, (_, i) => `q${e.id}-${i + 1}@mail.example`),
		);
		const unique = new Set(stored);
		const measured = {
			created: stored.length,
			unique: unique.size,
			lost: expected.filter((email) => !unique.has(email)).length,
			duplicated: stored.length - unique.size,
			rateLimited: sims.closingDealz.rateLimited,
			workers: executions.flatMap((e) => q.workerOf(String(e.id))),
		};
		report.closingDealz = {
			...measured,
			requests: sims.closingDealz.calls('POST', '/api/v1/leads').length,
			runMs: executions.map((e) => {
				const times = e as unknown as { startedAt: string; stoppedAt: string };
				return Date.parse(times.stoppedAt) - Date.parse(times.startedAt);
			}),
		};
		for (const execution of executions) expectSuccess(execution);
		expect(measured).toMatchObject({
			created: 2 * CLOSINGDEALZ_ROWS,
			unique: 2 * CLOSINGDEALZ_ROWS,
			lost: 0,
			duplicated: 0,
		});
		expect([...measured.workers].sort()).toEqual(['worker-1', 'worker-2']);
	}, 900_000);

	// Not asserted (it depends on the timing of the two workers): the 429 answers, reported as
	// `closingDealz.rateLimited` of `requests`. The pacer lives in each worker's memory; a 429
	// slows every sender of the key in that worker, so each worker meets the limit about once.
});
