/**
 * (b) Infinity CRM and AlterEstate, one lead per request: our nodes (adaptive parallelism)
 * against the HTTP Request node, with and without a server that refuses beyond a capacity.
 */
import { DEFAULT_PARALLEL_REQUESTS } from '../../nodes/shared/leads';
import type { Capacity } from '../../tooling/simulators/framework';
import type { Env } from '../harness';
import { apiSpanMs, executionMs, nextOffset, resetLog, runOnce, statusCount } from '../harness';
import type { CrmRow } from '../report';
import { CRM_TUNED, SIZES } from '../settings';
import type { NodeJson } from '../workflows';
import { alterEstateNode, httpPost, infinityNode, leadsCode, manualTrigger } from '../workflows';

/**
 * Infinity CRM or AlterEstate, one lead per request. Without `capacity` the simulator takes
 * everything (neither API documents a limit); with it, it refuses requests beyond the limit
 * with 503 (the simulators' capacity mode), and only our default and the HTTP Request node's
 * default are compared.
 */
export async function scenarioOneByOne(
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
			tuning:
				'as the default, the fields read from the columns of the same name (no expression per field)',
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
		const { execution, run } = await runOnce(
			env.n8n,
			`Bench: ${service} ${v.variant}`,
			[
				manualTrigger(),
				leadsCode(
					L,
					nextOffset(),
					undefined,
					v.role === 'oursAuto' && which === 'alterEstate' ? 'fullNameColumn' : 'plain',
				),
				v.sender,
			],
			v.sender.name,
			`${service}${capacity ? ' (capacity limit)' : ''}: ${v.variant}, ${L} leads`,
		);
		rows.push({
			scenario: capacity
				? which === 'infinity'
					? 'infinityCapacity'
					: 'alterEstateCapacity'
				: which,
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
