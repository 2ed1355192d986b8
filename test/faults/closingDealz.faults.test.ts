/**
 * Fault injection: 10,000 leads through the ClosingDealz node (100 batches) while the
 * simulator answers 20 % of requests with 429, 5 % with 5xx, lets 2 % hang past the timeout
 * (half after storing the batch) and garbles some bodies. ClosingDealz has no duplicate check,
 * so a batch must never be sent twice after an ambiguous failure: every lead is stored at
 * most once, and every input item is accounted for.
 */
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { runNode } from '../harness/n8n';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';

const API_KEY = 'fault-closingdealz-key-91e2';
const COUNT = 10_000;
// The server's limiter stays at its real 100 requests per minute: the node must pace itself.
const sim = useSimulator(new ClosingDealzSimulator(API_KEY));

it(
	'accounts for every one of 10,000 leads and stores none twice',
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
				malformed: 0.01,
				actedRatio: 0.5,
				retryAfter: '0',
			},
			11,
		);
		const items: IDataObject[] = Array.from({ length: COUNT }, (_, i) => ({
			company: `Fault Co ${i}`,
			email: `lead${i}@example.com`,
		}));
		const result = await runNode({
			type: 'closingDealz',
			parameters: {
				resource: 'lead',
				operation: 'create',
				additionalFields: { company: '={{ $json.company }}', email: '={{ $json.email }}' },
				options: { timeout: 1000 },
			},
			items,
			credentials: { closingDealzApi: { apiKey: API_KEY, baseUrl: sim.url } },
			continueOnFail: true,
		});
		sim.faultRates(undefined);

		const out = result.outputs[0];
		expect(out).toHaveLength(COUNT);
		out.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));

		const created = out.filter((item) => item.json.outcome === 'created');
		const errors = out.filter((item) => item.json.error !== undefined);
		expect(created.length + errors.length).toBe(COUNT);

		// At most 100 requests carry leads that were accepted, one per batch: nothing resent.
		const stored = sim.leads.map((entry) => String(entry.lead.company ?? entry.lead.Company));
		expect(new Set(stored).size).toBe(stored.length);

		// Every "created" item is stored; an error item is either a batch ClosingDealz refused
		// (nothing stored) or an ambiguous one flagged "unknown whether created".
		const storedSet = new Set(stored);
		for (const item of created) {
			expect(storedSet.has(items[(item.pairedItem as { item: number }).item].company as string)).toBe(true);
		}
		for (const item of errors) {
			const company = items[(item.pairedItem as { item: number }).item].company as string;
			if (storedSet.has(company)) expect(item.json.outcomeUnknown).toBe(true);
		}
		// The node paced itself: the real 100-per-minute limiter never had to refuse it.
		expect(sim.rateLimited).toBe(0);
		expect(sim.requests.filter((request) => request.fault !== undefined).length).toBeGreaterThan(10);
	},
	300_000,
);
