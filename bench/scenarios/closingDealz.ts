/**
 * (a) ClosingDealz: our node (batches of 100, paced under the API's 100 requests a minute)
 * against the HTTP Request node with its defaults and two tunings, and two executions of the
 * same workflow at once.
 */
import { randomUUID } from 'node:crypto';

import type { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';
import type { Env } from '../harness';
import {
	createWorkflow,
	executionMs,
	forget,
	nextOffset,
	nodeRun,
	resetLog,
	runManual,
	runOnce,
	statusCount,
} from '../harness';
import type { BenchResults, CrmRow } from '../report';
import { CD_ARRAYS, CD_PACED, SIZES, log, sleep } from '../settings';
import type { NodeJson } from '../workflows';
import { closingDealzNode, editFieldsNode, httpPost, leadsCode, manualTrigger } from '../workflows';

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
	const { execution, run } = await runOnce(
		env.n8n,
		`Bench: ClosingDealz ${label}`,
		[
			manualTrigger(),
			leadsCode(count, opts.offset ?? nextOffset(), opts.groupSize, opts.shape),
			sender,
		],
		sender.name,
		`ClosingDealz: ${label}, ${count} leads`,
	);
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

/** What a run on a sample of `sample` leads measured, before it is scaled to the full size. */
function measuredSample(r: Awaited<ReturnType<typeof closingDealzRun>>, sample: number) {
	return {
		sample,
		wallMs: r.run.ms,
		requests: r.requests,
		created: r.created,
		failed: sample - r.created,
		rejected429: r.rejected429,
	};
}

export async function scenarioClosingDealz(
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
	const ours = await closingDealzRun(env, 'ours', L, closingDealzNode(cred), {
		offset: oursOffset,
	});
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
	const auto = await closingDealzRun(
		env,
		'ours, Map Automatically',
		L,
		closingDealzNode(cred, 'auto'),
		{
			offset: oursOffset,
			shape: 'closingDealzColumns',
		},
	);
	oursClosingDealzLastRun = Date.now();
	const sameLeads = auto.stored === ours.stored;
	rows.push({
		scenario: 'closingDealz',
		role: 'oursAuto',
		variant: 'Ours: ClosingDealz node, Map Automatically',
		tuning:
			'input columns named like the fields ("Contact Person", "Phone Number"…), no expression per field; otherwise defaults',
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
		note: sameLeads
			? 'stored leads identical to the four-expression run'
			: 'STORED LEADS DIFFER from the four-expression run',
	});

	// Reference: what n8n itself spends resolving the same four field mappings per item.
	{
		const editFields = editFieldsNode();
		const { run } = await runOnce(
			env.n8n,
			'Bench: Edit Fields reference',
			[manualTrigger(), leadsCode(L, nextOffset()), editFields],
			editFields.name,
			`reference: Edit Fields node with the same 4 expressions, ${L} items`,
		);
		setReference({ items: L, editFieldsMs: run.ms });
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
		const measured = measuredSample(r, s);
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
			measured: measuredSample(r, s),
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
export async function scenarioClosingDealzTwice(env: Env, rows: CrmRow[]) {
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
