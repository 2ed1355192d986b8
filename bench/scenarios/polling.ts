/**
 * (c) Property Finder polling: the Polling Trigger (a backlog, then an idle poll) and the
 * Property Finder node's Get Many against the HTTP Request node with pagination.
 */
import type { Env } from '../harness';
import {
	apiSpanMs,
	createWorkflow,
	executionMs,
	finishedCount,
	resetLog,
	retrying,
	runManual,
	waitForFinished,
} from '../harness';
import type { PollRow } from '../report';
import { SIZES, log, pfDate, sleep } from '../settings';
import {
	manualTrigger,
	noOp,
	pfHttpNodes,
	pollingTriggerNode,
	propertyFinderGetAllNode,
} from '../workflows';

export async function scenarioPolling(env: Env, rows: PollRow[]) {
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
