/**
 * (d) Property Finder Trigger acknowledgement: how fast signed deliveries are answered, one at
 * a time, in concurrent rounds and in a burst, against n8n's own Webhook node.
 */
import { randomUUID } from 'node:crypto';

import { burst } from '../../test/e2e/queue/deliveries';
import type { PropertyFinderSimulator } from '../../tooling/simulators/propertyFinder';
import { deliver, leadEvent } from '../../tooling/simulators/propertyFinderWebhooks';
import type { Env } from '../harness';
import { createWorkflow, finishedCount, percentile, waitForFinished } from '../harness';
import type { AckRow } from '../report';
import { ACK_CONCURRENCY, SIZES, log, sleep } from '../settings';
import { noOp, plainWebhookNode, webhookTriggerNode } from '../workflows';

/** Sends one signed delivery and returns how long the answer took (ms) and its status. */
async function timedDelivery(url: string, secret: string, pf: PropertyFinderSimulator) {
	const event = leadEvent('lead.created', pf.addLead(), pf.now);
	const t = process.hrtime.bigint();
	const [result] = await deliver(url, event, { secret });
	return { ms: Number(process.hrtime.bigint() - t) / 1e6, status: result.status };
}

export interface AckOptions {
	/** The n8n setting this n8n runs with, as the report names it ("default" when none). */
	setting: string;
	/** Fewer rounds and single deliveries (the runs with other n8n settings). */
	light?: boolean;
}

/** Our trigger of `version` in its own workflow, and the subscription it made on activation. */
async function activeTrigger(env: Env, version: number) {
	const trigger = webhookTriggerNode(env.creds.propertyFinderHooks, version);
	const workflow = await createWorkflow(env.n8n, `Bench: PF Trigger v${version}`, [trigger, noOp()]);
	await env.n8n.activateWorkflow(workflow.id);
	const subscription = env.webhooks.subscriptions.find(
		(entry) => entry.eventType === 'lead.created' && entry.url.includes(String(trigger.webhookId)),
	);
	if (!subscription?.secret)
		throw new Error('the Property Finder Trigger did not subscribe with a secret');
	return { workflow, subscription };
}

export async function scenarioAcknowledgement(env: Env, rows: AckRow[], options: AckOptions = { setting: 'default' }) {
	const { n8n, pf } = env;
	const rounds = options.light ? Math.min(2, SIZES.ackRounds) : SIZES.ackRounds;
	const singles = options.light ? Math.min(5, SIZES.ackSingles) : SIZES.ackSingles;
	const ours = await activeTrigger(env, 2);
	const oursV1 = await activeTrigger(env, 1);

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
			url: ours.subscription.url,
			secret: ours.subscription.secret!,
			workflowId: ours.workflow.id,
			checks: 'signature verified, repeats dropped, lead simplified, static data saved',
		},
		{
			variant: 'Ours: Property Finder Trigger, version 1',
			url: oursV1.subscription.url,
			secret: oursV1.subscription.secret!,
			workflowId: oursV1.workflow.id,
			checks: 'the same (a workflow saved before version 2)',
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
		for (let i = 0; i < singles; i++) {
			const result = await timedDelivery(target.url, target.secret, pf);
			single.push(result.ms);
			expected++;
			await waitForFinished(n8n, target.workflowId, expected);
		}

		const latencies: number[] = [];
		let non2xx = 0;
		log(
			`acknowledgement (${options.setting}): ${target.variant}, ${rounds} rounds of ${ACK_CONCURRENCY} concurrent deliveries`,
		);
		for (let round = 0; round < rounds; round++) {
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
		// each counted when answered with a 2xx within its 5 s on the first try; what was not
		// answered is resent as Property Finder does (pause 2.5 s, doubling), and the executions
		// the burst started are counted (ours: one per lead).
		const roundsFinished = await finishedCount(n8n, target.workflowId);
		const burstLeads = Array.from({ length: 50 }, () => pf.addLead());
		const burstEvents = burstLeads.flatMap((lead) => [
			leadEvent('lead.created', lead, pf.now),
			leadEvent('lead.assigned', lead, pf.now),
		]);
		const burstDeliveries = [...burstEvents, ...burstEvents];
		log(`acknowledgement (${options.setting}): ${target.variant}, a burst of ${burstDeliveries.length} deliveries`);
		const burstResult = await burst(target.url, burstDeliveries, { secret: target.secret });
		// Until n8n is idle again (timed-out requests still run): no new finished execution for 5 s.
		for (let last = -1, now = await finishedCount(n8n, target.workflowId); now !== last; ) {
			await sleep(5_000);
			last = now;
			now = await finishedCount(n8n, target.workflowId);
		}

		const sorted = [...latencies].sort((a, b) => a - b);
		rows.push({
			setting: options.setting,
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
			burstRounds: burstResult.rounds.length,
			burstUnacknowledged: burstResult.unacknowledged,
			burstLeads: burstLeads.length,
			burstExecutions: (await finishedCount(n8n, target.workflowId)) - roundsFinished,
		});
	}
	for (const workflow of [ours.workflow, oursV1.workflow, plain, plainExpr])
		await n8n.deactivateWorkflow(workflow.id);
}
