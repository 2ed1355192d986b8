import type { IDataObject } from 'n8n-workflow';

import { expectNoSecrets, useSimulator } from '../harness/assert';
import type { RunNodeOptions } from '../harness/n8n';
import { runNode } from '../harness/n8n';
import { InfinitySimulator } from '../../tooling/simulators/infinity';

const API_KEY = 'test-infinity-key-7f3a9c';
const sim = useSimulator(new InfinitySimulator(API_KEY));

beforeEach(() => {
	sim.resetLog();
	sim.clearFaults();
	sim.leads.length = 0;
	sim.duplicates.length = 0;
	sim.agents = [5, 7, 9];
	sim.failCreates = false;
	sim.latencyMs = 0;
});

const LEADS_PATH = '/api/crm/external/leads';

/** Every field mapped from the input item with an expression, as users build it. */
const mapped = {
	resource: 'lead',
	operation: 'create',
	name: '={{ $json.name }}',
	additionalFields: {
		phone: '={{ $json.phone }}',
	},
};

function run(
	items: IDataObject[],
	parameters: IDataObject = mapped,
	extra: Partial<RunNodeOptions> = {},
) {
	return runNode({
		type: 'infinityCrm',
		parameters,
		items,
		credentials: { infinityCrmApi: { apiKey: API_KEY, baseUrl: sim.url } },
		...extra,
	});
}

function expectNoSecret(value: unknown) {
	expectNoSecrets(value, [API_KEY]);
}

describe('Infinity CRM → create lead', () => {
	it('sends all fifteen fields in the API spelling and reports the created lead', async () => {
		const result = await run(
			[
				{
					name: '  Ahmed Khan ',
					phone: '050 123 4567',
					alt: '00971 50 987 6543',
					emirate: 'abu dhabi',
					category: 'Villa',
					beds: 3,
				},
			],
			{
				resource: 'lead',
				operation: 'create',
				name: '={{ $json.name }}',
				additionalFields: {
					phone: '={{ $json.phone }}',
					email: 'ahmed@example.com',
					alternatePhone: '={{ $json.alt }}',
					country: 'UAE',
					emirate: '={{ $json.emirate }}',
					project: 'Dubai Creek Harbour',
					developer: 'Emaar',
					budgetMin: 'AED 1,500,000',
					budgetMax: '2.5M',
					category: '={{ $json.category }}',
					beds: '={{ $json.beds }}',
					location: 'Creek Beach',
					leadSource: 'property_finder',
					notes: 'Interested in 2BR',
				},
			},
		);

		expect(result.error).toBeUndefined();
		const [request] = sim.calls('POST', LEADS_PATH);
		expect(request.headers['x-api-key']).toBe(API_KEY);
		expect(request.body).toEqual({
			name: 'Ahmed Khan',
			phone: '+971501234567',
			email: 'ahmed@example.com',
			alternate_phone: '+971509876543',
			country: 'UAE',
			emirate: 'Abu Dhabi',
			project: 'Dubai Creek Harbour',
			developer: 'Emaar',
			budget_min: 1_500_000,
			budget_max: 2_500_000,
			category: 'villa',
			beds: '3',
			location: 'Creek Beach',
			lead_source: 'property_finder',
			notes: 'Interested in 2BR',
		});
		const stored = sim.leads[0];
		expect(result.outputs[0]).toEqual([
			{
				json: expect.objectContaining({
					outcome: 'created',
					leadId: stored.lead_id,
					existingLeadId: null,
					message: null,
					assignedTo: stored.assigned_to,
					lead_source: 'property_finder',
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('defaults the lead source to "api" and reports the unassigned pool as a null assignee', async () => {
		sim.agents = [];
		const result = await run([{ name: 'Walk-in Client' }], {
			resource: 'lead',
			operation: 'create',
			name: '={{ $json.name }}',
		});
		expect(sim.requests[0].body).toEqual({ name: 'Walk-in Client', lead_source: 'api' });
		expect(result.outputs[0][0].json).toMatchObject({ outcome: 'created', assignedTo: null });
	});

	it('assigns leads round-robin, one output item per input item, each paired to its input', async () => {
		const items = Array.from({ length: 7 }, (_, i) => ({ name: `Lead ${i}`, phone: `05012345${10 + i}` }));
		const result = await run(items);
		const main = result.outputs[0];
		expect(main).toHaveLength(7);
		main.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.leadId).toBe(sim.leads.find((lead) => lead.name === `Lead ${index}`)?.lead_id);
		});
		expect(new Set(main.map((item) => item.json.assignedTo))).toEqual(new Set([5, 7, 9]));
	});

	describe('duplicates by phone', () => {
		async function seedExisting() {
			await run([{ name: 'Existing', phone: '+971501234567' }]);
			sim.resetLog();
			return sim.leads[0].lead_id;
		}

		it('continue: a queued duplicate goes out on the main output with the existing lead id', async () => {
			const existingId = await seedExisting();
			const result = await run([{ name: 'Again', phone: '0501234567' }, { name: 'New', phone: '0509999999' }]);
			expect(result.outputs).toHaveLength(1);
			const [duplicate, created] = result.outputs[0];
			expect(duplicate.json).toMatchObject({
				outcome: 'duplicate',
				leadId: null,
				existingLeadId: existingId,
				message: expect.stringContaining('Queued for admin review'),
				action: 'queued_duplicate',
			});
			expect(duplicate.pairedItem).toEqual({ item: 0 });
			expect(created.json.outcome).toBe('created');
			expect(sim.duplicates).toHaveLength(1);
		});

		it('separateOutput: duplicates leave on the "Duplicate" output and reach the node behind it', async () => {
			const existingId = await seedExisting();
			const result = await run([{ name: 'Again', phone: '+971 50 123 4567' }, { name: 'New', phone: '0509999999' }], {
				...mapped,
				onDuplicate: 'separateOutput',
			});
			expect(result.outputs).toHaveLength(2);
			expect(result.outputs[0].map((item) => item.json.outcome)).toEqual(['created']);
			expect(result.outputs[0][0].pairedItem).toEqual({ item: 1 });
			expect(result.outputs[1]).toHaveLength(1);
			expect(result.outputs[1][0].json.existingLeadId).toBe(existingId);
			expect(result.outputs[1][0].pairedItem).toEqual({ item: 0 });
			expect(result.sinks[1].map((item) => item.json.existingLeadId)).toEqual([existingId]);
		});

		it('error: a duplicate fails the node with a message naming the existing lead', async () => {
			const existingId = await seedExisting();
			const result = await run([{ name: 'Again', phone: '0501234567' }], { ...mapped, onDuplicate: 'error' });
			expect(result.error?.message).toMatch(/^Duplicate lead: A lead with this phone number already exists/);
			expect(result.error?.description).toContain(String(existingId));
		});

		it('error + continueOnFail: the duplicate becomes an error item, other items go through', async () => {
			await seedExisting();
			const result = await run(
				[{ name: 'Again', phone: '0501234567' }, { name: 'New', phone: '0509999999' }],
				{ ...mapped, onDuplicate: 'error' },
				{ continueOnFail: true },
			);
			const [failed, created] = result.outputs[0];
			expect(failed.json.error).toMatch(/^Duplicate lead/);
			expect(failed.json.outcome).toBe('duplicate');
			expect(failed.pairedItem).toEqual({ item: 0 });
			expect(created.json.outcome).toBe('created');
		});

		it('an in-run duplicate (same phone, other spelling) is not sent and names the first item', async () => {
			const result = await run([
				{ name: 'First', phone: '0501112233' },
				{ name: 'Other', phone: '0504445566' },
				{ name: 'Same person', phone: '+971 50 111 2233' },
			]);
			expect(sim.requests).toHaveLength(2);
			const third = result.outputs[0][2];
			expect(third.json).toMatchObject({
				outcome: 'duplicate',
				duplicateOf: 0,
				existingLeadId: result.outputs[0][0].json.leadId,
			});
			expect(third.pairedItem).toEqual({ item: 2 });
		});

		it('leads without a phone are never treated as duplicates', async () => {
			const result = await run([{ name: 'A' }, { name: 'A' }], {
				resource: 'lead',
				operation: 'create',
				name: '={{ $json.name }}',
			});
			expect(result.outputs[0].map((item) => item.json.outcome)).toEqual(['created', 'created']);
			expect(sim.requests).toHaveLength(2);
		});
	});

	describe('bad input is refused before any request, naming the field', () => {
		// [label, item, message, the fix the description must give]
		const cases: Array<[string, IDataObject, RegExp, RegExp]> = [
			['name', { name: '   ' }, /^Name: is required/, /^Enter a value or map one from the input/],
			['phone', { name: 'A', phone: 'call me' }, /^Phone: "call me" is not a phone number/, /^Use a number such as \+971 50 123 4567.*switch off "Normalize Phone"/],
			['alternate phone', { name: 'A', alternatePhone: '12' }, /^Alternate Phone: "12" is not a phone number/, /^Use a number such as \+971 50 123 4567/],
			['email', { name: 'A', email: 'ahmed@' }, /^Email: "ahmed@" is not a valid e-mail address/, /^Use the form name@example\.com/],
			['budget min', { name: 'A', budgetMin: 'about a million' }, /^Budget Min: "about a million" is not an amount/, /^Enter a plain amount such as 1500000/],
			['budget max', { name: 'A', budgetMax: '1.500' }, /^Budget Max: "1.500" is ambiguous: it could be 1,500 or 1.5/, /^Enter a plain amount such as 1500000/],
			['budget order', { name: 'A', budgetMin: '2M', budgetMax: '1M' }, /^Budget Min: 2000000 is more than Budget Max 1000000/, /^Swap the two budgets or correct one/],
			['category', { name: 'A', category: 'penthouse' }, /^Category: "penthouse" is not allowed/, /^Use one of: apartment, townhouse, villa/],
			['emirate', { name: 'A', emirate: 'Muscat' }, /^Emirate: "Muscat" is not allowed/, /^Use one of: Dubai, Abu Dhabi, Sharjah/],
		];

		it.each(cases)('%s', async (_label, input, message, fix) => {
			const { name, ...fields } = input;
			const additionalFields = Object.fromEntries(
				Object.keys(fields).map((key) => [key, `={{ $json.${key} }}`]),
			);
			const result = await run(
				[{ name: 'Valid first item', phone: '0500000001' }, input],
				{ resource: 'lead', operation: 'create', name: '={{ $json.name }}', additionalFields },
			);
			expect(result.error?.message).toMatch(message);
			expect(result.error?.context?.itemIndex).toBe(1);
			expect(result.error?.description).toMatch(fix);
			expect(sim.requests).toHaveLength(0);
			expect(name === undefined || typeof name === 'string').toBe(true);
		});

		it('with continueOnFail, bad items become error items and the good ones are sent', async () => {
			const result = await run(
				[{ name: 'Good', phone: '0501230001' }, { name: 'Bad', phone: 'none' }, { name: '' }, { name: 'Good 2' }],
				mapped,
				{ continueOnFail: true },
			);
			const outputs = result.outputs[0];
			expect(outputs.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
			expect(outputs[0].json.outcome).toBe('created');
			expect(outputs[1].json.error).toMatch(/^Phone:/);
			expect(outputs[2].json.error).toMatch(/^Name:/);
			expect(outputs[3].json.outcome).toBe('created');
			expect(sim.requests).toHaveLength(2);
		});

		it('keeps the phone as typed when normalisation is off', async () => {
			await run([{ name: 'A', phone: '050 123 4567' }], { ...mapped, options: { normalizePhone: false } });
			expect((sim.requests[0].body as IDataObject).phone).toBe('050 123 4567');
		});
	});

	describe('API errors', () => {
		it('401: wrong key gives the API message and the fix, without the key', async () => {
			const result = await runNode({
				type: 'infinityCrm',
				parameters: mapped,
				items: [{ name: 'A', phone: '0501234567' }],
				credentials: { infinityCrmApi: { apiKey: 'wrong-key-123456', baseUrl: sim.url } },
			});
			expect(result.error?.message).toBe('Infinity CRM: Invalid API key');
			expect(result.error?.description).toContain('credential');
			// n8n itself repeats a request once after a 401 (to refresh expirable tokens); the
			// API did not act on either, so no lead exists.
			expect(sim.requests.every((request) => request.status === 401)).toBe(true);
			expect(sim.leads).toHaveLength(0);
			expect(JSON.stringify(result.run)).not.toContain('wrong-key-123456');
		});

		it('400: the API validation message is shown as is', async () => {
			sim.fault({ kind: 'status', status: 400, body: { error: 'Invalid JSON body' } });
			const result = await run([{ name: 'A' }], { resource: 'lead', operation: 'create', name: '={{ $json.name }}' });
			expect(result.error?.message).toBe('Infinity CRM: Invalid JSON body');
			expect(sim.requests).toHaveLength(1);
		});

		it('500 without a phone: not repeated (it could create the lead twice), reported as unknown', async () => {
			sim.failCreates = true;
			const result = await run([{ name: 'A' }], { resource: 'lead', operation: 'create', name: '={{ $json.name }}' }, { continueOnFail: true });
			expect(sim.requests).toHaveLength(1);
			expect(result.outputs[0][0].json).toMatchObject({
				error: expect.stringContaining('Failed to create lead'),
				outcomeUnknown: true,
			});
		});

		it('500 with a phone: repeated, because the CRM turns a repeat into a queued duplicate', async () => {
			sim.fault({ kind: 'status', status: 500, body: { error: 'Failed to create lead' } });
			const result = await run([{ name: 'A', phone: '0501234567' }]);
			expect(sim.requests).toHaveLength(2);
			expect(result.outputs[0][0].json.outcome).toBe('created');
		});

		it('429 with Retry-After and 503 are waited out and repeated, even without a phone', async () => {
			sim.fault({ kind: 'status', status: 429, retryAfter: '0' });
			sim.fault({ kind: 'status', status: 503, retryAfter: '0' });
			sim.fault({ kind: 'status', status: 429 });
			const result = await run([{ name: 'A' }], { resource: 'lead', operation: 'create', name: '={{ $json.name }}' });
			expect(sim.requests.map((request) => request.status)).toEqual([429, 503, 429, 201]);
			expect(result.outputs[0][0].json.outcome).toBe('created');
			expect(sim.leads).toHaveLength(1);
		});

		it('a request that hangs past the timeout is not repeated without a phone, and says "unknown whether created"', async () => {
			sim.fault({ kind: 'hang', acted: true });
			const result = await run(
				[{ name: 'A' }, { name: 'B' }],
				{ resource: 'lead', operation: 'create', name: '={{ $json.name }}', options: { timeout: 1000, concurrency: 1 } },
				{ continueOnFail: true },
			);
			expect(result.outputs[0][0].json.error).toMatch(/did not answer in time; unknown whether created/);
			expect(result.outputs[0][0].json.outcomeUnknown).toBe(true);
			expect(result.outputs[0][1].json.outcome).toBe('created');
			expect(sim.leads).toHaveLength(2);
			expect(sim.calls('POST', LEADS_PATH)).toHaveLength(2);
		});

		it('a timed-out create with a phone is repeated, never a second lead, and reported as created (confirmed on retry)', async () => {
			sim.fault({ kind: 'hang', acted: true });
			const result = await run([{ name: 'A', phone: '0501234567' }], { ...mapped, options: { timeout: 1000 } });
			expect(sim.leads).toHaveLength(1);
			expect(sim.requests).toHaveLength(2);
			expect(result.outputs[0][0].json).toMatchObject({ outcome: 'created', leadId: sim.leads[0].lead_id, existingLeadId: null });
			expect(result.outputs[0][0].json.message).toMatch(/confirmed on retry/);
		});

		it('a queued duplicate without an earlier failed attempt is still a duplicate', async () => {
			await run([{ name: 'A', phone: '0501234567' }], mapped);
			const result = await run([{ name: 'B', phone: '0501234567' }], mapped);
			expect(result.outputs[0][0].json).toMatchObject({ outcome: 'duplicate', existingLeadId: sim.leads[0].lead_id, leadId: null });
		});

		it('a queued duplicate after a 429 (refused, not acted on) is still a duplicate', async () => {
			await run([{ name: 'A', phone: '0501234567' }], mapped);
			sim.fault({ kind: 'status', status: 429, retryAfter: '0' });
			const result = await run([{ name: 'B', phone: '0501234567' }], mapped);
			expect(result.outputs[0][0].json).toMatchObject({ outcome: 'duplicate', existingLeadId: sim.leads[0].lead_id });
		});

		it('a malformed answer to a create without a phone is reported, not repeated', async () => {
			sim.fault({ kind: 'malformed', acted: true });
			const result = await run([{ name: 'A' }], { resource: 'lead', operation: 'create', name: '={{ $json.name }}' });
			expect(result.error?.message).toMatch(/not valid JSON \(HTTP 201\); unknown whether created/);
			expect(sim.requests).toHaveLength(1);
		});

		it('an HTML page instead of JSON is reported as a firewall or proxy block', async () => {
			sim.fault({ kind: 'html', status: 403 });
			const result = await run([{ name: 'A', phone: '0501234567' }]);
			expect(result.error?.message).toMatch(/web page instead of data \(HTTP 403\).*firewall/);
		});

		it('a dropped connection on a create without a phone is reported as unknown', async () => {
			sim.fault({ kind: 'reset', acted: false });
			const result = await run([{ name: 'A' }], { resource: 'lead', operation: 'create', name: '={{ $json.name }}' }, { continueOnFail: true });
			expect(result.outputs[0][0].json.error).toMatch(/connection to Infinity CRM broke .*unknown whether created/);
			expect(sim.requests).toHaveLength(1);
		});
	});

	it('sends leads in parallel, never more than the configured number at once', async () => {
		sim.latencyMs = 40;
		const items = Array.from({ length: 20 }, (_, i) => ({ name: `L${i}`, phone: `0502000${100 + i}` }));
		const result = await run(items, { ...mapped, options: { concurrency: 4 } });
		expect(result.outputs[0]).toHaveLength(20);
		expect(sim.peakInFlight).toBeLessThanOrEqual(4);
		expect(sim.peakInFlight).toBeGreaterThan(1);
	});

	it('never puts the API key in outputs, errors or run data', async () => {
		const ok = await run([{ name: 'A', phone: '0501234567' }]);
		sim.failCreates = true;
		const failed = await run([{ name: 'B' }], { resource: 'lead', operation: 'create', name: '={{ $json.name }}' });
		expect(failed.error?.message).toMatch(/^Infinity CRM: Failed to create lead/);
		expectNoSecret(ok.run);
		expectNoSecret(failed.run);
		expectNoSecret(failed.error?.message);
		expectNoSecret(failed.error?.description);
	});
});
