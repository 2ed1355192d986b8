/**
 * Adaptive parallelism against servers that can only take so much (the simulators' capacity
 * mode): nothing is lost, and fewer requests are refused than by a client that fires every
 * item at once, as n8n's HTTP Request node does by default (v4: no batching unless set, every
 * item's request started before any answer is awaited, no retry).
 */
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { runNode } from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';
import type { Capacity, Simulator } from '../../tooling/simulators/framework';
import { InfinitySimulator } from '../../tooling/simulators/infinity';

const INFINITY_KEY = 'test-infinity-key-adaptive-1';
const AE_KEY = 'test-alterestate-key-adaptive-1';
const AE_TOKEN = 'test-alterestate-aetoken-adaptive-1';
const infinity = useSimulator(new InfinitySimulator(INFINITY_KEY));
const alterEstate = useSimulator(new AlterEstateSimulator(AE_KEY, AE_TOKEN));

const LEADS = 240;

function leads(offset: number): IDataObject[] {
	return Array.from({ length: LEADS }, (_, i) => ({
		name: `Lead ${offset + i}`,
		phone: `+9715${String(offset + i).padStart(8, '0')}`,
		email: `lead${offset + i}@example.com`,
	}));
}

/** Every request started at once, none retried: the HTTP Request node's default behaviour. */
async function fireAll(url: string, headers: Record<string, string>, bodies: IDataObject[]) {
	const statuses = await Promise.all(
		bodies.map(async (body) => {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', ...headers },
				body: JSON.stringify(body),
			});
			await response.arrayBuffer();
			return response.status;
		}),
	);
	return { created: statuses.filter((status) => status === 201).length, refused: statuses.filter((s) => s === 429 || s === 503).length };
}

function prepare(sim: Simulator, capacity: Capacity | undefined) {
	sim.resetLog();
	sim.clearFaults();
	sim.latencyMs = 20;
	sim.limitCapacity(capacity);
}

afterEach(() => {
	infinity.limitCapacity(undefined);
	alterEstate.limitCapacity(undefined);
});

const runInfinity = (items: IDataObject[], options: IDataObject = {}) =>
	runNode({
		type: 'infinityCrm',
		parameters: {
			resource: 'lead',
			operation: 'create',
			name: '={{ $json.name }}',
			additionalFields: { phone: '={{ $json.phone }}' },
			options,
		},
		items,
		credentials: { infinityCrmApi: { apiKey: INFINITY_KEY, baseUrl: infinity.url } },
	});

const runAlterEstate = (items: IDataObject[]) =>
	runNode({
		type: 'alterEstate',
		parameters: {
			resource: 'lead',
			operation: 'create',
			fullName: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			email: '={{ $json.email }}',
		},
		items,
		credentials: { alterEstateApi: { apiKey: AE_KEY, publicToken: AE_TOKEN, baseUrl: alterEstate.url } },
	});

function createdOutputs(result: { outputs?: unknown }) {
	const main = ((result.outputs as Array<Array<{ json: IDataObject }>> | undefined) ?? [])[0] ?? [];
	return main.filter((item) => item.json.outcome === 'created');
}

describe('adaptive parallelism against a server with a capacity limit', () => {
	const capacities: Array<[string, Capacity]> = [
		// An overloaded server that says it did not act: a 503 with Retry-After (a bare 503 on a
		// create is ambiguous and is not repeated, see noDoubleLeads.test.ts).
		['8 requests in flight, 503 with Retry-After beyond', { maxInFlight: 8, status: 503, retryAfter: '1' }],
		['100 requests per second, 429 with Retry-After beyond', { perSecond: 100, status: 429, retryAfter: '1' }],
	];

	it.each(capacities)('Infinity CRM, %s: every lead created once, fewer refusals than firing all at once', async (_, capacity) => {
		prepare(infinity, capacity);
		infinity.leads.length = 0;
		const baseline = await fireAll(
			`${infinity.url}/api/crm/external/leads`,
			{ 'x-api-key': INFINITY_KEY },
			leads(1_000).map(({ name, phone }) => ({ name, phone })),
		);
		// The burst loses leads: that is what the comparison is about.
		expect(baseline.refused).toBeGreaterThan(0);
		expect(baseline.created).toBeLessThan(LEADS);

		prepare(infinity, capacity);
		infinity.leads.length = 0;
		const items = leads(2_000);
		const result = await runInfinity(items);
		expect(result.error).toBeUndefined();
		expect(createdOutputs(result)).toHaveLength(LEADS);
		// Nothing lost, nothing twice: each input phone stored exactly once.
		expect(infinity.leads.map((lead) => lead.phone).sort()).toEqual(items.map((item) => item.phone).sort());
		expect(infinity.refused).toBeLessThan(baseline.refused);
		if (capacity.maxInFlight) expect(infinity.peakAccepted).toBeLessThanOrEqual(capacity.maxInFlight);
	});

	it.each(capacities)('AlterEstate, %s: every lead created once, fewer refusals than firing all at once', async (_, capacity) => {
		alterEstate.reset();
		prepare(alterEstate, capacity);
		const baseline = await fireAll(
			`${alterEstate.url}/api/v1/leads/`,
			{ Authorization: `Token ${AE_KEY}` },
			leads(3_000).map(({ name, phone, email }) => ({ full_name: name, phone, email })),
		);
		expect(baseline.refused).toBeGreaterThan(0);
		expect(baseline.created).toBeLessThan(LEADS);

		alterEstate.reset();
		prepare(alterEstate, capacity);
		const items = leads(4_000);
		const result = await runAlterEstate(items);
		expect(result.error).toBeUndefined();
		expect(createdOutputs(result)).toHaveLength(LEADS);
		expect(alterEstate.contacts.map((contact) => contact.phone).sort()).toEqual(items.map((item) => item.phone).sort());
		expect(alterEstate.refused).toBeLessThan(baseline.refused);
	});
});

describe('adaptive parallelism against a server without a limit', () => {
	it('sends more than the old fixed five at once, and never more than "Parallel Requests"', async () => {
		prepare(infinity, undefined);
		infinity.latencyMs = 50;
		infinity.leads.length = 0;
		const unbounded = await runInfinity(leads(5_000));
		expect(createdOutputs(unbounded)).toHaveLength(LEADS);
		expect(infinity.peakInFlight).toBeGreaterThan(5);

		prepare(infinity, undefined);
		infinity.latencyMs = 50;
		const capped = await runInfinity(leads(6_000), { concurrency: 3 });
		expect(createdOutputs(capped)).toHaveLength(LEADS);
		expect(infinity.peakInFlight).toBeLessThanOrEqual(3);
	});
});
