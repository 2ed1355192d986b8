/**
 * Fault injection: 10,000 leads through the Infinity CRM node while the simulator answers
 * 20 % of requests with 429, 5 % with 5xx, lets 2 % hang past the timeout (half of them after
 * creating the lead), answers 1 % with 503 after storing the lead, and garbles some bodies.
 * Every input item must come out as created, duplicate or an error item that says what
 * happened; retries must never create a lead twice, nor report our own lead as a duplicate.
 */
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { runNode } from '../harness/n8n';
import { InfinitySimulator } from '../../tooling/simulators/infinity';

const API_KEY = 'fault-infinity-key-0c51';
const COUNT = 10_000;
const sim = useSimulator(new InfinitySimulator(API_KEY));

it(
	'accounts for every one of 10,000 leads and never creates one twice',
	async () => {
		sim.faultRates(
			{
				rateLimited: 0.2,
				serverError: 0.03,
				unavailable: 0.02,
				// A proxy's 503 after the server stored the lead: never repeated for a create that
				// cannot be recognised again, ends as "unknown whether created".
				unavailableAfterActing: 0.01,
				timeout: 0.02,
				malformed: 0.005,
				actedRatio: 0.5,
				retryAfter: '0',
			},
			7,
		);
		// Every fourth lead has no phone: the CRM cannot recognise a repeat of those, so they
		// must never be sent twice after an ambiguous failure.
		const items: IDataObject[] = Array.from({ length: COUNT }, (_, i) => ({
			name: `Fault Lead ${i}`,
			phone: i % 4 === 3 ? '' : `+97150${String(i).padStart(7, '0')}`,
		}));
		const result = await runNode({
			type: 'infinityCrm',
			parameters: {
				resource: 'lead',
				operation: 'create',
				name: '={{ $json.name }}',
				additionalFields: { phone: '={{ $json.phone }}' },
				options: { concurrency: 20, timeout: 1000 },
			},
			items,
			credentials: { infinityCrmApi: { apiKey: API_KEY, baseUrl: sim.url } },
			continueOnFail: true,
		});
		sim.faultRates(undefined);

		const out = result.outputs[0];
		// Nothing lost: one output item per input item, paired to it.
		expect(out).toHaveLength(COUNT);
		out.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));

		const created = out.filter((item) => item.json.outcome === 'created');
		const duplicates = out.filter((item) => item.json.outcome === 'duplicate');
		const errors = out.filter((item) => item.json.error !== undefined);
		expect(created.length + duplicates.length + errors.length).toBe(COUNT);
		for (const item of errors) {
			expect(item.json.error).toMatch(/^Infinity CRM/);
		}

		// None reported wrong: every input phone is unique and the CRM starts empty, so no
		// item is a duplicate — a repeat that meets its own lead is "created (confirmed on retry)".
		expect(duplicates).toHaveLength(0);

		// No double creations: one stored lead per name at most.
		const names = sim.leads.map((lead) => lead.name);
		expect(new Set(names).size).toBe(names.length);

		// Every "created" output is a stored lead; every lead with a phone that is not an error
		// is stored (a repeat after a timeout comes back as a queued duplicate of itself).
		const storedIds = new Set(sim.leads.map((lead) => lead.lead_id));
		for (const item of created) expect(storedIds.has(item.json.leadId as number)).toBe(true);
		items.forEach((input, index) => {
			const json = out[index].json;
			if (json.error === undefined) expect(names).toContain(input.name);
		});

		// Only leads without a phone may end with "unknown whether created", and nothing else
		// is left unexplained.
		for (const item of errors) {
			const input = items[item.pairedItem ? (item.pairedItem as { item: number }).item : 0];
			if (item.json.outcomeUnknown) expect(input.phone).toBe('');
		}
		const faults = sim.requests.filter((request) => request.fault !== undefined).length;
		expect(faults).toBeGreaterThan(COUNT * 0.2);
	},
	// A fifth of all answers say "too many requests": the adaptive window rightly stays small,
	// so this suite runs minutes, not seconds, and asserts what happened, not how fast.
	900_000,
);
