/**
 * What every scenario uses: the environment (n8n, the simulators, the credentials), running a
 * workflow and reading its measurements, and n8n's REST reads retried through its transient
 * failures.
 */
import type { CredentialRef, Execution, N8nInstance, WorkflowJson } from '../tooling/n8n/index.cjs';
import type { AlterEstateSimulator } from '../tooling/simulators/alterEstate';
import type { ClosingDealzSimulator } from '../tooling/simulators/closingDealz';
import type { Simulator } from '../tooling/simulators/framework';
import type { InfinitySimulator } from '../tooling/simulators/infinity';
import type { PropertyFinderSimulator } from '../tooling/simulators/propertyFinder';
import type { PropertyFinderWebhooks } from '../tooling/simulators/propertyFinderWebhooks';
import { LATENCY_MS, RUN_TIMEOUT_MS, log, sleep } from './settings';
import type { NodeJson } from './workflows';
import { chain } from './workflows';

export interface Env {
	n8n: N8nInstance;
	infinity: InfinitySimulator;
	alterEstate: AlterEstateSimulator;
	closingDealz: ClosingDealzSimulator;
	pf: PropertyFinderSimulator;
	webhooks: PropertyFinderWebhooks;
	creds: Record<string, CredentialRef>;
}

export interface NodeRun {
	ms: number;
	startTime: number;
	items: number;
	error?: string;
}

export function nodeRun(execution: Execution, name: string): NodeRun {
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

export function executionMs(execution: Execution): number {
	return Date.parse(String(execution.stoppedAt)) - Date.parse(String(execution.startedAt));
}

export function statusCount(sim: Simulator, status: number): number {
	return sim.requests.filter((request) => request.status === status).length;
}

export function resetLog(sim: Simulator) {
	sim.resetLog();
	sim.clearFaults();
}

let offsetSeq = 0;
/** A fresh range of lead numbers, so no two runs share a phone or an e-mail. */
export const nextOffset = () => ++offsetSeq * 1_000_000;

export async function createWorkflow(n8n: N8nInstance, name: string, nodes: NodeJson[]) {
	return await n8n.createWorkflow(chain(name, nodes));
}

/**
 * Retries a read of n8n's REST API through its transient failures: 503 "Database is not
 * ready!" while SQLite is busy writing a large execution (n8n's database ping times out), and
 * a connection reset while its event loop is blocked.
 */
export async function retrying<T>(
	what: string,
	read: () => Promise<T>,
	timeoutMs = 300_000,
): Promise<T> {
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
export async function runManual(
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
export async function forget(n8n: N8nInstance, executions: Execution[]) {
	await retrying('delete executions', () =>
		n8n.deleteExecutions(executions.map((execution) => execution.id)),
	);
}

/**
 * One measured run: creates the Manual Trigger workflow `nodes`, announces it, runs it, reads
 * the run of the node named `measured`, then deletes the execution (see forget).
 */
export async function runOnce(
	n8n: N8nInstance,
	name: string,
	nodes: NodeJson[],
	measured: string,
	announce: string,
): Promise<{ execution: Execution; run: NodeRun }> {
	const workflow = await createWorkflow(n8n, name, nodes);
	log(announce);
	const execution = await runManual(n8n, workflow);
	const run = nodeRun(execution, measured);
	await forget(n8n, [execution]);
	return { execution, run };
}

export const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** How many executions of the workflow have finished (the REST list pages by 100; its `count` does not). */
export async function finishedCount(n8n: N8nInstance, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: FINISHED }));
	const page = await retrying('execution count', () =>
		n8n.rest<{ count: number }>('GET', `/executions?limit=1&filter=${filter}`),
	);
	return page.count;
}

export async function waitForFinished(
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

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sorted.length) - 1;
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function apiSpanMs(sim: Simulator): number {
	if (sim.requests.length === 0) return 0;
	const first = sim.requests[0].at;
	const last = sim.requests[sim.requests.length - 1].at;
	return last + LATENCY_MS - first;
}
