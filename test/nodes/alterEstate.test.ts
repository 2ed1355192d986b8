import type { IDataObject } from 'n8n-workflow';

import { expectNoSecrets, useSimulator } from '../harness/assert';
import type { RunNodeOptions } from '../harness/n8n';
import { runNode } from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';

const API_KEY = 'test-alterestate-key-5d1e0b';
const PUBLIC_TOKEN = 'test-alterestate-aetoken-93c2aa';
const sim = useSimulator(new AlterEstateSimulator(API_KEY, PUBLIC_TOKEN));

beforeEach(() => sim.reset());

const LEADS_PATH = '/api/v1/leads/';

/** The three required fields mapped from the input item, as users build it. */
const mapped: IDataObject = {
	resource: 'lead',
	operation: 'create',
	fullName: '={{ $json.name }}',
	phone: '={{ $json.phone }}',
	email: '={{ $json.email }}',
};

function run(items: IDataObject[], parameters: IDataObject = mapped, extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'alterEstate',
		parameters,
		items,
		credentials: { alterEstateApi: { apiKey: API_KEY, publicToken: PUBLIC_TOKEN, baseUrl: sim.url } },
		...extra,
	});
}

function lead(i: number, extra: IDataObject = {}): IDataObject {
	return { name: `Lead ${i}`, phone: `05020${String(i).padStart(5, '0')}`, email: `lead${i}@example.com`, ...extra };
}

function expectNoSecret(value: unknown) {
	expectNoSecrets(value, [API_KEY, PUBLIC_TOKEN]);
}

describe('AlterEstate → create lead', () => {
	it('sends every field in the API spelling with the Token header and reports the created lead', async () => {
		const result = await run(
			[{ name: '  Ana Pérez ', phone: '050 123 4567', email: 'Ana@Example.com', via: '104' }],
			{
				...mapped,
				additionalFields: {
					propertyUid: 'PU000001',
					utmSource: 'facebook',
					utmCampaign: 'spring',
					utmContent: 'video-a',
					utmMedium: 'cpc',
					utmTerm: 'beach apartment',
					adsetName: 'Lookalike 1%',
					campaignName: 'Spring Launch',
					formName: 'Website form',
					platform: 'Instagram',
					listingType: 'rent',
					related: 'maria@agency.example',
					notes: 'Wants 2BR near the beach',
					via: '={{ $json.via }}',
					currency: 'usd',
					budget: '1.5M',
					customFields: '{"preferred_area": "Bávaro"}',
				},
			},
		);
		expect(result.error).toBeUndefined();
		const [request] = sim.calls('POST', LEADS_PATH);
		expect(request.headers.authorization).toBe(`Token ${API_KEY}`);
		expect(request.headers.aetoken).toBeUndefined();
		expect(request.body).toEqual({
			full_name: 'Ana Pérez',
			phone: '+971501234567',
			email: 'Ana@Example.com',
			property_uid: 'PU000001',
			utm_source: 'facebook',
			utm_campaign: 'spring',
			utm_content: 'video-a',
			utm_medium: 'cpc',
			utm_term: 'beach apartment',
			adset_name: 'Lookalike 1%',
			campaign_name: 'Spring Launch',
			form_name: 'Website form',
			platform: 'Instagram',
			listing_type: 'rent',
			related: 'maria@agency.example',
			notes: 'Wants 2BR near the beach',
			via: 104,
			currency: 'USD',
			budget: 1_500_000,
			custom_fields: { preferred_area: 'Bávaro' },
		});
		const contact = sim.contacts[0];
		expect(contact.assigned_to).toBe('maria@agency.example');
		expect(result.outputs[0]).toEqual([
			{
				json: expect.objectContaining({
					outcome: 'created',
					leadId: contact.id,
					existingLeadId: null,
					message: null,
					uid: contact.uid,
					dealId: contact.deal_id,
					logId: expect.any(Number),
					statusCode: 201,
					data: expect.objectContaining({ id: contact.id, full_name: 'Ana Pérez' }),
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('round robin wins over the related agent, which is then not checked', async () => {
		const result = await run([lead(1)], {
			...mapped,
			additionalFields: { roundRobin: 'rr_main', related: 'nobody@agency.example' },
		});
		expect(result.error).toBeUndefined();
		expect(sim.contacts[0].round_robin).toBe('rr_main');
		expect(sim.contacts[0].assigned_to).toBe('maria@agency.example');
	});

	it('one output item per input item, each paired to its input', async () => {
		const items = Array.from({ length: 6 }, (_, i) => lead(i));
		const result = await run(items);
		const main = result.outputs[0];
		expect(main).toHaveLength(6);
		main.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.leadId).toBe(sim.contacts.find((c) => c.full_name === `Lead ${index}`)?.id);
		});
		expect(sim.contacts).toHaveLength(6);
	});

	describe('duplicates', () => {
		async function seedExisting() {
			await run([{ name: 'Existing', phone: '+971501234567', email: 'known@example.com' }]);
			sim.resetLog();
			return sim.contacts[0].id;
		}

		it('continue: "already exists" (same phone, other spelling) goes out on the main output', async () => {
			await seedExisting();
			const result = await run([
				{ name: 'Again', phone: '050 123 4567', email: 'other@example.com' },
				lead(2),
			]);
			expect(result.outputs).toHaveLength(1);
			const [duplicate, created] = result.outputs[0];
			expect(duplicate.json).toMatchObject({
				outcome: 'duplicate',
				leadId: null,
				existingLeadId: null,
				message: 'This contact already exists. No new deal was created.',
				logId: sim.duplicateLogs[0].log_id,
				statusCode: 200,
			});
			expect(duplicate.pairedItem).toEqual({ item: 0 });
			expect(created.json.outcome).toBe('created');
			expect(created.pairedItem).toEqual({ item: 1 });
			expect(sim.contacts).toHaveLength(2);
			expect(sim.duplicateLogs).toHaveLength(1);
		});

		it('a known email in another case is a duplicate too', async () => {
			await seedExisting();
			const result = await run([{ name: 'Again', phone: '0509999999', email: 'KNOWN@example.com' }]);
			expect(result.outputs[0][0].json.outcome).toBe('duplicate');
			expect(sim.contacts).toHaveLength(1);
		});

		it('separateOutput: duplicates leave on the "Duplicate" output and reach the node behind it', async () => {
			await seedExisting();
			const result = await run(
				[{ name: 'Again', phone: '+971 50 123 4567', email: 'x@example.com' }, lead(3)],
				{ ...mapped, onDuplicate: 'separateOutput' },
			);
			expect(result.outputs).toHaveLength(2);
			expect(result.outputs[0].map((item) => item.json.outcome)).toEqual(['created']);
			expect(result.outputs[0][0].pairedItem).toEqual({ item: 1 });
			expect(result.outputs[1].map((item) => item.json.outcome)).toEqual(['duplicate']);
			expect(result.outputs[1][0].pairedItem).toEqual({ item: 0 });
			expect(result.sinks[1]).toHaveLength(1);
		});

		it('error: a duplicate fails the node with the API message', async () => {
			await seedExisting();
			const result = await run([{ name: 'Again', phone: '0501234567', email: 'x@example.com' }], {
				...mapped,
				onDuplicate: 'error',
			});
			expect(result.error?.message).toBe('Duplicate lead: This contact already exists. No new deal was created.');
		});

		it('error + continueOnFail: the duplicate becomes an error item, other items go through', async () => {
			await seedExisting();
			const result = await run(
				[{ name: 'Again', phone: '0501234567', email: 'x@example.com' }, lead(4)],
				{ ...mapped, onDuplicate: 'error' },
				{ continueOnFail: true },
			);
			const [failed, created] = result.outputs[0];
			expect(failed.json.error).toMatch(/^Duplicate lead/);
			expect(failed.pairedItem).toEqual({ item: 0 });
			expect(created.json.outcome).toBe('created');
			expect(created.pairedItem).toEqual({ item: 1 });
		});

		it('when the company allows duplicates, the same person is created again', async () => {
			await seedExisting();
			sim.allowDuplicates = true;
			const result = await run([{ name: 'Again', phone: '0501234567', email: 'known@example.com' }]);
			expect(result.outputs[0][0].json.outcome).toBe('created');
			expect(sim.contacts).toHaveLength(2);
		});

		it('in-run duplicates by normalised phone or lower-cased email are not sent twice', async () => {
			sim.allowDuplicates = true;
			const result = await run([
				{ name: 'First', phone: '0501112233', email: 'first@example.com' },
				{ name: 'Other', phone: '0504445566', email: 'other@example.com' },
				{ name: 'Same phone', phone: '+971 50 111 2233', email: 'new@example.com' },
				{ name: 'Same email', phone: '0507778899', email: 'OTHER@example.com' },
			]);
			expect(sim.calls('POST', LEADS_PATH)).toHaveLength(2);
			const main = result.outputs[0];
			expect(main[2].json).toMatchObject({ outcome: 'duplicate', duplicateOf: 0, existingLeadId: main[0].json.leadId });
			expect(main[3].json).toMatchObject({ outcome: 'duplicate', duplicateOf: 1, existingLeadId: main[1].json.leadId });
			expect(main.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		});
	});

	describe('bad input is refused before any request, naming the field', () => {
		// [label, item override, additional fields, message, the fix the description must give]
		const cases: Array<[string, IDataObject, IDataObject, RegExp, RegExp]> = [
			['full name', { name: '  ' }, {}, /^Full Name: is required/, /^Enter a value or map one from the input/],
			['phone missing', { phone: '' }, {}, /^Phone: is required/, /^Enter a value or map one from the input/],
			['phone', { phone: 'call me' }, {}, /^Phone: "call me" is not a phone number/, /^Use a number such as \+971 50 123 4567.*switch off "Normalize Phone"/],
			['email missing', { email: '' }, {}, /^Email: is required/, /^Enter a value or map one from the input/],
			['email', { email: 'ana@' }, {}, /^Email: "ana@" is not a valid e-mail address/, /^Use the form name@example\.com/],
			['related', {}, { related: 'maria' }, /^Related Agent: "maria" is not a valid e-mail address/, /^Use the form name@example\.com/],
			['listing type', {}, { listingType: 'lease' }, /^Listing Type: "lease" is not allowed/, /^Use one of: buy, rent/],
			['via', {}, { via: 'WhatsApp' }, /^Via \(Channel ID\): "WhatsApp" is not a channel ID/, /^Enter the numeric ID of the AlterEstate channel/],
			['budget', {}, { budget: 'about a million' }, /^Budget: "about a million" is not an amount/, /^Enter a plain amount such as 1500000/],
			['currency', {}, { currency: 'dollars' }, /^Currency: "dollars" is not a currency code/, /^Use a three-letter code such as USD/],
			['custom fields syntax', {}, { customFields: '{preferred: 1}' }, /^Custom Fields \(JSON\): is not valid JSON/, /^Write an object such as \{.*\}, with double quotes around names/],
			['custom fields shape', {}, { customFields: '[1, 2]' }, /^Custom Fields \(JSON\): must be a JSON object/, /^Write an object such as \{/],
		];

		it.each(cases)('%s', async (_label, override, fields, message, fix) => {
			const additionalFields = Object.fromEntries(Object.keys(fields).map((key) => [key, `={{ $json.${key} }}`]));
			const result = await run([lead(1), { ...lead(2), ...override, ...fields }], { ...mapped, additionalFields });
			expect(result.error?.message).toMatch(message);
			expect(result.error?.context?.itemIndex).toBe(1);
			expect(result.error?.description).toMatch(fix);
			expect(sim.requests).toHaveLength(0);
		});

		it('with continueOnFail, bad items become error items and the good ones are sent', async () => {
			const result = await run(
				[lead(1), { ...lead(2), phone: 'none' }, { ...lead(3), email: 'nope' }, lead(4)],
				mapped,
				{ continueOnFail: true },
			);
			const outputs = result.outputs[0];
			expect(outputs.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
			expect(outputs[0].json.outcome).toBe('created');
			expect(outputs[1].json.error).toMatch(/^Phone:/);
			expect(outputs[2].json.error).toMatch(/^Email:/);
			expect(outputs[3].json.outcome).toBe('created');
			expect(sim.requests).toHaveLength(2);
		});

		it('keeps the phone as typed when normalisation is off, and uses the default country code otherwise', async () => {
			await run([lead(1, { phone: '809 555 0101' })], { ...mapped, options: { normalizePhone: false } });
			await run([lead(2, { phone: '809 555 0102' })], { ...mapped, options: { defaultCountryCode: '1' } });
			expect(sim.requests.map((request) => (request.body as IDataObject).phone)).toEqual([
				'809 555 0101',
				'+18095550102',
			]);
		});
	});

	describe('API answers and faults', () => {
		it('401: a wrong API key gives the API message and the fix, without the key', async () => {
			const result = await runNode({
				type: 'alterEstate',
				parameters: mapped,
				items: [lead(1)],
				credentials: { alterEstateApi: { apiKey: 'wrong-key-123456', baseUrl: sim.url } },
			});
			expect(result.error?.message).toBe('AlterEstate: Invalid token.');
			expect(result.error?.description).toContain('API key');
			// n8n itself repeats a request once after a 401 (to refresh expiring credentials);
			// AlterEstate refused both, and nothing was created.
			expect(sim.requests.map((request) => request.status)).toEqual(
				expect.arrayContaining([401]),
			);
			expect(sim.requests.every((request) => request.status === 401)).toBe(true);
			expect(sim.requests.length).toBeLessThanOrEqual(2);
			expect(sim.contacts).toHaveLength(0);
			expect(JSON.stringify(result.run)).not.toContain('wrong-key-123456');
		});

		it('400: an unknown related agent is explained, with the way out', async () => {
			const result = await run([lead(1)], { ...mapped, additionalFields: { related: 'nobody@agency.example' } });
			expect(result.error?.message).toBe(
				'AlterEstate rejected the lead because the Related Agent "nobody@agency.example" is not a user of this AlterEstate account (User matching query does not exist.)',
			);
			expect(result.error?.description).toMatch(/Remove "Related Agent".*Round Robin/);
			expect(sim.requests).toHaveLength(1);
			expect(sim.contacts).toHaveLength(0);
		});

		it('400: other validation messages are shown as AlterEstate wrote them', async () => {
			const result = await run([lead(1)], { ...mapped, additionalFields: { roundRobin: 'rr_unknown' } });
			expect(result.error?.message).toBe('AlterEstate: Round robin matching query does not exist.');
			sim.resetLog();
			sim.fault({ kind: 'status', status: 400, body: { status: 'error', message: 'Missing required field: phone' } });
			const again = await run([lead(1)], { ...mapped, additionalFields: { related: 'maria@agency.example' } });
			expect(again.error?.message).toBe('AlterEstate: Missing required field: phone');
		});

		it('500: not repeated (it could create the lead twice), reported as unknown', async () => {
			sim.fault({ kind: 'status', status: 500, body: { detail: 'Server Error' } });
			const result = await run([lead(1), lead(2)], mapped, { continueOnFail: true });
			expect(sim.calls('POST', LEADS_PATH)).toHaveLength(2);
			expect(result.outputs[0][0].json).toMatchObject({
				error: expect.stringContaining('unknown whether created'),
				outcomeUnknown: true,
			});
			expect(result.outputs[0][0].pairedItem).toEqual({ item: 0 });
			expect(result.outputs[0][1].json.outcome).toBe('created');
			expect(result.outputs[0][1].pairedItem).toEqual({ item: 1 });
		});

		it('429 with and without Retry-After, and 503, are waited out and repeated', async () => {
			sim.fault({ kind: 'status', status: 429, retryAfter: '0' });
			sim.fault({ kind: 'status', status: 503, retryAfter: '0' });
			sim.fault({ kind: 'status', status: 429 });
			const result = await run([lead(1)]);
			expect(sim.requests.map((request) => request.status)).toEqual([429, 503, 429, 201]);
			expect(result.outputs[0][0].json.outcome).toBe('created');
			expect(sim.contacts).toHaveLength(1);
		});

		it('a request that hangs past the timeout is not repeated and says "unknown whether created"', async () => {
			sim.fault({ kind: 'hang', acted: true });
			const result = await run([lead(1), lead(2)], { ...mapped, options: { timeout: 1000, concurrency: 1 } }, { continueOnFail: true });
			expect(result.outputs[0][0].json.error).toMatch(/did not answer in time; unknown whether created/);
			expect(result.outputs[0][0].json.outcomeUnknown).toBe(true);
			expect(result.outputs[0][1].json.outcome).toBe('created');
			expect(sim.calls('POST', LEADS_PATH)).toHaveLength(2);
			expect(sim.contacts).toHaveLength(2);
		});

		it('a malformed answer is reported as unknown, not repeated', async () => {
			sim.fault({ kind: 'malformed', acted: true });
			const result = await run([lead(1)]);
			expect(result.error?.message).toMatch(/not valid JSON \(HTTP 201\); unknown whether created/);
			expect(sim.requests).toHaveLength(1);
			expect(sim.contacts).toHaveLength(1);
		});

		it('an HTML page instead of JSON is reported as a firewall or proxy block', async () => {
			sim.fault({ kind: 'html', status: 403 });
			const result = await run([lead(1)]);
			expect(result.error?.message).toMatch(/web page instead of data \(HTTP 403\).*firewall/);
			expect(sim.contacts).toHaveLength(0);
		});

		it('a dropped connection is reported as unknown and not repeated', async () => {
			sim.fault({ kind: 'reset', acted: false });
			const result = await run([lead(1)], mapped, { continueOnFail: true });
			expect(result.outputs[0][0].json.error).toMatch(/connection to AlterEstate broke .*unknown whether created/);
			expect(sim.requests).toHaveLength(1);
		});
	});

	it('sends leads in parallel, never more than the configured number at once', async () => {
		sim.latencyMs = 40;
		const items = Array.from({ length: 12 }, (_, i) => lead(i));
		const result = await run(items, { ...mapped, options: { concurrency: 3 } });
		expect(result.outputs[0]).toHaveLength(12);
		expect(sim.peakInFlight).toBe(3);
	});

	it('never puts the API key or public token in outputs, errors or run data', async () => {
		const ok = await run([lead(1)]);
		sim.fault({ kind: 'status', status: 500, body: { detail: `bad token ${API_KEY}` } });
		const failed = await run([lead(2)]);
		const related = await run([lead(3)], { ...mapped, additionalFields: { related: 'nobody@agency.example' } });
		expect(failed.error?.message).toMatch(/^AlterEstate: bad token /);
		expect(related.error?.message).toMatch(/Related Agent "nobody@agency\.example" is not a user of this AlterEstate account \(User matching query does not exist/);
		expect(related.error?.description).toMatch(/^Remove "Related Agent", choose an agent from the list/);
		for (const result of [ok, failed, related]) {
			expectNoSecret(result.run);
			expectNoSecret(result.outputs);
			expectNoSecret(result.error?.message);
			expectNoSecret(result.error?.description);
		}
	});
});
