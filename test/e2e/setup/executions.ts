/** Waiting for the executions a trigger starts, without timing assumptions. */
import type { Execution, ExecutionSummary, N8nInstance } from '../../../tooling/n8n/index.cjs';

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ids of the workflow's executions so far (to tell new ones apart later). */
export async function executionIds(n8n: N8nInstance, workflowId: string): Promise<Set<string>> {
	return new Set((await n8n.listExecutions(workflowId, { limit: 100 })).map((e) => String(e.id)));
}

/**
 * Waits until the workflow has at least `count` finished executions not in `known`, and
 * returns all of them in full, oldest first.
 */
export async function waitForNewExecutions(
	n8n: N8nInstance,
	workflowId: string,
	known: Set<string>,
	{ count = 1, timeoutMs = 60_000 }: { count?: number; timeoutMs?: number } = {},
): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await n8n.listExecutions(workflowId, { limit: 100 })).filter(
			(e) => !known.has(String(e.id)),
		);
		const done = fresh.filter((e) => FINISHED.has(e.status) && e.stoppedAt);
		if (done.length >= count && done.length === fresh.length) {
			const full: Execution[] = [];
			for (const e of done.sort((a, b) => Number(a.id) - Number(b.id)))
				full.push(await n8n.getExecution(String(e.id)));
			return full;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId}: ${done.length}/${count} new finished executions after ${timeoutMs} ms`,
			);
		}
		await sleep(250);
	}
}

/** The executions not in `known` right now (finished or not). */
export async function newExecutionIds(
	n8n: N8nInstance,
	workflowId: string,
	known: Set<string>,
): Promise<string[]> {
	return (await n8n.listExecutions(workflowId, { limit: 100 }))
		.map((e) => String(e.id))
		.filter((id) => !known.has(id));
}

/** The error of a failed execution, for assertion messages. */
export function executionError(execution: Execution): string {
	const error = execution.data?.resultData?.error;
	return error ? `${String(execution.data.resultData.lastNodeExecuted)}: ${error.message}` : '';
}

/** Every execution of the instance (all workflows), newest first, page by page. */
export async function allExecutions(n8n: N8nInstance): Promise<ExecutionSummary[]> {
	const all: ExecutionSummary[] = [];
	let lastId: string | undefined;
	for (;;) {
		const query = `?limit=100&filter=${encodeURIComponent('{}')}${lastId ? `&lastId=${lastId}` : ''}`;
		const page = ((await n8n.rest('GET', `/executions${query}`)) as { results: ExecutionSummary[] })
			.results;
		all.push(...page);
		if (page.length < 100) return all;
		lastId = String(page[page.length - 1].id);
	}
}
