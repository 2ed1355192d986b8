/**
 * Fault injection: 10,000 leads through the AlterEstate node while the simulator answers
 * 20 % of requests with 429, 5 % with 5xx, lets 2 % hang past the timeout (half of them after
 * creating the contact) and garbles some bodies. Every input item ends as created, duplicate
 * or an error item; a create is never repeated after an ambiguous failure, so no contact is
 * stored twice.
 */
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { runNode } from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';

const API_KEY = 'fault-alterestate-key-5d7b';
const COUNT = 10_000;
const sim = useSimulator(new AlterEstateSimulator(API_KEY, 'fault-alterestate-public-22c1'));

it(
	'accounts for every one of 10,000 leads and never stores a contact twice',
	async () => {
		// The company allows duplicate contacts: a repeated create WOULD store a second one,
		// so the node must not repeat creates after ambiguous failures.
		sim.allowDuplicates = true;
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
			23,
		);
		const items: IDataObject[] = Array.from({ length: COUNT }, (_, i) => ({
			name: `Fault Lead ${i}`,
			phone: `+1809${String(1_000_000 + i)}`,
			email: `fault${i}@example.com`,
		}));
		const result = await runNode({
			type: 'alterEstate',
			parameters: {
				resource: 'lead',
				operation: 'create',
				fullName: '={{ $json.name }}',
				phone: '={{ $json.phone }}',
				email: '={{ $json.email }}',
				options: { concurrency: 20, timeout: 1000 },
			},
			items,
			credentials: {
				alterEstateApi: { apiKey: API_KEY, publicToken: 'fault-alterestate-public-22c1', baseUrl: sim.url },
			},
			continueOnFail: true,
		});
		sim.faultRates(undefined);

		const out = result.outputs[0];
		expect(out).toHaveLength(COUNT);
		out.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));

		const created = out.filter((item) => item.json.outcome === 'created');
		const errors = out.filter((item) => item.json.error !== undefined);
		expect(created.length + errors.length).toBe(COUNT);

		const emails = sim.contacts.map((contact) => contact.email);
		expect(new Set(emails).size).toBe(emails.length);

		const stored = new Set(emails);
		for (const item of created) {
			expect(stored.has(items[(item.pairedItem as { item: number }).item].email as string)).toBe(true);
		}
		// An error item whose contact exists anyway must say so: "unknown whether created".
		for (const item of errors) {
			const email = items[(item.pairedItem as { item: number }).item].email as string;
			if (stored.has(email)) expect(item.json.outcomeUnknown).toBe(true);
		}
		expect(sim.requests.filter((request) => request.fault !== undefined).length).toBeGreaterThan(COUNT * 0.2);
	},
	// A fifth of all answers say "too many requests": the adaptive window rightly stays small,
	// so this suite runs minutes, not seconds, and asserts what happened, not how fast.
	900_000,
);
