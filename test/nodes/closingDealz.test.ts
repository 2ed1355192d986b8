import { randomBytes } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { expectNoSecrets, useSimulator } from '../harness/assert';
import type { RunNodeOptions, RunNodeResult } from '../harness/n8n';
import { packageCredentialTypes, packageNodeTypes, runNode } from '../harness/n8n';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';

// Generated per run: never a real key, and never a literal in the source.
const SANDBOX_KEY = `cdz-sandbox-${randomBytes(12).toString('hex')}`;
const sim = useSimulator(new ClosingDealzSimulator(SANDBOX_KEY));
const LEADS_PATH = '/api/v1/leads';

beforeEach(() => {
	sim.resetLog();
	sim.clearFaults();
	sim.leads.length = 0;
	sim.freePlan = false;
	sim.latencyMs = 0;
	sim.resetRateLimit();
	// Most tests are about other things than pacing: give them room. The pacing tests below
	// set both sides to a small window.
	sim.rateLimit = { limit: 10_000, windowMs: 60_000 };
});

/** Leave room on our side too, so the file's many runs are not paced a minute apart. */
const roomyOptions = { rateLimit: 10_000 };

/** Every field mapped from the input item with an expression, as users build it. */
function mapped(options: IDataObject = {}, extra: IDataObject = {}): IDataObject {
	return {
		resource: 'lead',
		operation: 'create',
		additionalFields: {
			company: '={{ $json.company }}',
			contactPerson: '={{ $json.name }}',
			email: '={{ $json.email }}',
			phoneNumber: '={{ $json.phone }}',
		},
		options: { ...roomyOptions, ...options },
		...extra,
	};
}

function lead(i: number): IDataObject {
	return {
		company: `Company ${i}`,
		name: `Person ${i}`,
		email: `person${i}@example.com`,
		phone: `+97150${String(1_000_000 + i)}`,
	};
}

function leads(count: number, from = 0): IDataObject[] {
	return Array.from({ length: count }, (_, i) => lead(from + i));
}

function run(
	items: IDataObject[],
	parameters: IDataObject = mapped(),
	extra: Partial<RunNodeOptions> = {},
) {
	return runNode({
		type: 'closingDealz',
		parameters,
		items,
		credentials: { closingDealzApi: { apiKey: SANDBOX_KEY, baseUrl: sim.url } },
		...extra,
	});
}

function expectNoSecret(value: unknown) {
	expectNoSecrets(value, [SANDBOX_KEY]);
}

function expectPaired(items: INodeExecutionData[], indexes?: number[]) {
	const expected = indexes ?? items.map((_, i) => i);
	expect(items.map((item) => item.pairedItem)).toEqual(expected.map((item) => ({ item })));
}

function errorsOf(result: RunNodeResult) {
	return result.outputs[0].filter((item) => item.json.error !== undefined);
}

function posts() {
	return sim.calls('POST', LEADS_PATH);
}

let workflowCounter = 0;
function freshWorkflowId() {
	workflowCounter += 1;
	return `closingdealz-wf-${workflowCounter}-${Date.now()}`;
}

describe('ClosingDealz → create leads', () => {
	it('sends every field in the API spelling as a JSON array and reports each item as created', async () => {
		const result = await run(
			[
				{
					phone: '050 123 4567',
					labels: ['Property Finder', ' Hot '],
					when: '2025-05-31T10:00:00Z',
				},
			],
			{
				resource: 'lead',
				operation: 'create',
				additionalFields: {
					company: ' Acme Properties ',
					contactPerson: 'Ahmed Khan',
					jobTitle: 'Head of Sales',
					email: 'Ahmed@Example.com',
					phoneNumber: '={{ $json.phone }}',
					notes: 'Wants a 2-bed in Creek Harbour',
					labels: '={{ $json.labels }}',
					industry: 'Real Estate',
					employeeCount: 25,
					website: 'https://acme.example',
					linkedIn: 'https://linkedin.com/in/ahmed',
					twitter: 'https://x.com/acme',
					facebook: 'https://facebook.com/acme',
					address: 'Business Bay, Dubai',
					date: '={{ $json.when }}',
					contacts: {
						contact: [
							{
								name: 'Sara',
								lastName: 'Ali',
								email: 'sara@example.com',
								phoneNumber: '0509876543',
								role: 'Buyer',
							},
							{ name: '', lastName: '' },
						],
					},
					customJson: '{"isContact": true, "Company": "ignored", "source": "n8n"}',
				},
				options: roomyOptions,
			},
		);
		expect(result.error).toBeUndefined();
		expect(posts()).toHaveLength(1);
		const request = posts()[0];
		expect(request.headers['x-api-key']).toBe(SANDBOX_KEY);
		expect(request.headers['content-type']).toMatch(/application\/json/);
		expect(Array.isArray(request.body)).toBe(true);
		expect(request.body).toEqual([
			{
				isContact: true,
				source: 'n8n',
				company: 'Acme Properties',
				contactPerson: 'Ahmed Khan',
				jobTitle: 'Head of Sales',
				email: 'Ahmed@Example.com',
				phoneNumber: '+971501234567',
				notes: 'Wants a 2-bed in Creek Harbour',
				labels: ['Property Finder', 'Hot'],
				industry: 'Real Estate',
				employeeCount: 25,
				website: 'https://acme.example',
				linkedIn: 'https://linkedin.com/in/ahmed',
				twitter: 'https://x.com/acme',
				facebook: 'https://facebook.com/acme',
				address: 'Business Bay, Dubai',
				date: '2025-05-31T10:00:00.000Z',
				contacts: [
					{
						name: 'Sara',
						lastName: 'Ali',
						email: 'sara@example.com',
						phoneNumber: '+971509876543',
						role: 'Buyer',
					},
				],
			},
		]);
		expect(sim.leads).toHaveLength(1);
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({
			outcome: 'created',
			leadId: null,
			existingLeadId: null,
			message: null,
			succeeded: true,
			statusCode: 200,
			statusCodeDescription: 'NONE',
			batch: 0,
		});
		expect((item.json.lead as IDataObject).company).toBe('Acme Properties');
		expectPaired(result.outputs[0]);
		expectNoSecret(result.outputs);
	});

	it('takes labels as comma-separated text', async () => {
		const labelled = await run([lead(2)], {
			...mapped(),
			additionalFields: { company: 'Acme', labels: 'Property Finder, Hot,, ' },
		});
		expect(labelled.error).toBeUndefined();
		expect((posts()[0].body as IDataObject[])[0].labels).toEqual(['Property Finder', 'Hot']);
	});

	it('paces with the default of 100 requests per minute when no rate limit is set', async () => {
		const result = await run(leads(3), { ...mapped(), options: {} });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.outcome)).toEqual([
			'created',
			'created',
			'created',
		]);
		const options = packageNodeTypes().closingDealz.description.properties.find(
			(property) => property.name === 'options',
		)?.options as unknown as IDataObject[];
		const defaults = Object.fromEntries(options.map((option) => [option.name, option.default]));
		expect(defaults).toMatchObject({
			batchSize: 100,
			skipAlreadySent: false,
			rateLimit: 100,
			rateLimitWindow: 60,
			normalizePhone: true,
			defaultCountryCode: '971',
		});
	});
});

describe('batching', () => {
	it.each([
		[1, 1],
		[99, 1],
		[100, 1],
		[101, 2],
		[250, 3],
		[1000, 10],
	])(
		'%i items go out in %i request(s), one output item per input item',
		async (count, requests) => {
			const result = await run(leads(count));
			expect(result.error).toBeUndefined();
			expect(posts()).toHaveLength(requests);
			const sizes = posts().map((request) => (request.body as unknown[]).length);
			expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
			expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
			expect(sim.leads).toHaveLength(count);
			const output = result.outputs[0];
			expect(output).toHaveLength(count);
			expect(output.every((item) => item.json.outcome === 'created')).toBe(true);
			expect(output.map((item) => item.json.batch)).toEqual(
				output.map((_, i) => Math.floor(i / 100)),
			);
			// The order of the leads is kept, so item i is the i-th lead ClosingDealz stored.
			expect(sim.leads.map((stored) => stored.lead.company)).toEqual(
				leads(count).map((l) => l.company),
			);
			expectPaired(output);
		},
	);

	it('honours a smaller batch size', async () => {
		const result = await run(leads(100), mapped({ batchSize: 30 }));
		expect(result.error).toBeUndefined();
		expect(posts().map((request) => (request.body as unknown[]).length)).toEqual([30, 30, 30, 10]);
		expect(result.outputs[0].map((item) => item.json.batch)).toEqual(
			Array.from({ length: 100 }, (_, i) => Math.floor(i / 30)),
		);
	});
});

describe('bad input fails before any request', () => {
	const base = lead(0);
	// [label, item overrides, additional fields, message, the fix the description must give]
	it.each<[string, IDataObject, IDataObject, RegExp, RegExp]>([
		[
			'nothing identifying',
			{ company: '', name: '', email: '', phone: '' },
			{},
			/Company, Contact Person, Email or Phone Number/,
			/^Add at least one of these fields/,
		],
		[
			'email',
			{ email: 'not-an-email' },
			{},
			/^Email: "not-an-email" is not a valid e-mail address/,
			/^Use the form name@example\.com/,
		],
		['phone number', { phone: '12ab' }, {}, /^Phone Number: "12ab" is not a phone number/, /^Use a number such as \+971 50 123 4567/],
		[
			'notes',
			{},
			{ notes: 'x'.repeat(6943) },
			/^Notes: is 6943 characters long; ClosingDealz stores at most 6942/,
			/^Shorten the notes/,
		],
		[
			'notes in custom JSON',
			{},
			{ customJson: JSON.stringify({ notes: 'y'.repeat(7000) }) },
			/^Notes: is 7000 characters/,
			/^Shorten the notes/,
		],
		[
			'employee count',
			{},
			{ employeeCount: 0 },
			/^Employee Count: "0" is not a whole number of 1 or more/,
			/^Enter a number such as 25, or remove the field/,
		],
		[
			'employee count (text)',
			{},
			{ employeeCount: 'many' },
			/^Employee Count: "many" is not a whole number/,
			/^Enter a number such as 25, or remove the field/,
		],
		['date', {}, { date: 'next tuesday-ish' }, /^Date: "next tuesday-ish" is not a date/, /^Use a date such as 2025-05-31/],
		[
			'custom JSON syntax',
			{},
			{ customJson: '{"isContact": tru' },
			/^Custom Fields \(JSON\): is not valid JSON/,
			/^Write an object such as \{"isContact": true\}, with double quotes around names/,
		],
		[
			'custom JSON list',
			{},
			{ customJson: '[1, 2]' },
			/^Custom Fields \(JSON\): must be a JSON object/,
			/^Write an object such as \{"isContact": true\}/,
		],
		['labels', {}, { labels: '={{ [{ "a": 1 }] }}' }, /^Labels: must be text or a list of texts/, /^Enter labels separated by commas/],
		[
			'contact email',
			{},
			{ contacts: { contact: [{ name: 'Sara', email: 'sara@' }] } },
			/^Contacts › Contact 1 › Email: "sara@" is not a valid e-mail/,
			/^Use the form name@example\.com/,
		],
		[
			'contact phone',
			{},
			{ contacts: { contact: [{ name: 'Sara', phoneNumber: '+1 2' }] } },
			/^Contacts › Contact 1 › Phone Number: "\+1 2" is not a phone number/,
			/^Use a number such as \+971 50 123 4567/,
		],
	])('%s', async (_label, itemOverrides, fieldOverrides, message, fix) => {
		const parameters = mapped();
		parameters.additionalFields = {
			...(parameters.additionalFields as IDataObject),
			...fieldOverrides,
		};
		const result = await run([lead(1), { ...base, ...itemOverrides }, lead(2)], parameters);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(fix);
		expect(posts()).toHaveLength(0);
		expect(sim.leads).toHaveLength(0);
		expectNoSecret(result.error);
	});

	it.each([0, 101, 2.5])('batch size %p', async (batchSize) => {
		const result = await run(leads(2), mapped({ batchSize }));
		expect(result.error?.message).toMatch(/^Batch Size: .* is not allowed/);
		expect(result.error?.description).toMatch(/1 to 100/);
		expect(posts()).toHaveLength(0);
	});

	it('with continue on fail, bad items become error items and the others are still sent', async () => {
		const items = [
			lead(0),
			{ ...lead(1), email: 'broken@' },
			lead(2),
			{ company: '', name: '', email: '', phone: '' },
		];
		const result = await run(items, mapped(), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const output = result.outputs[0];
		expect(output).toHaveLength(4);
		expectPaired(output);
		expect(output[0].json.outcome).toBe('created');
		expect(output[1].json.error).toMatch(/^Email:/);
		expect(output[2].json.outcome).toBe('created');
		expect(output[3].json.error).toMatch(/Company, Contact Person, Email or Phone Number/);
		expect(posts()).toHaveLength(1);
		expect((posts()[0].body as IDataObject[]).map((l) => l.company)).toEqual([
			'Company 0',
			'Company 2',
		]);
	});
});

describe('duplicates within one run', () => {
	it('collapses the same phone in another spelling, the same e-mail in another case, and the same company', async () => {
		const items = [
			{ ...lead(1), phone: '050 111 2222' },
			{ ...lead(2), phone: '+971501112222' },
			{ ...lead(3), phone: '', email: 'dup@example.com' },
			{ ...lead(4), phone: '', email: 'DUP@Example.com' },
			{ company: 'Solo Co', name: '', email: '', phone: '' },
			{ company: 'solo co', name: '', email: '', phone: '' },
			lead(7),
		];
		const result = await run(items);
		expect(result.error).toBeUndefined();
		const output = result.outputs[0];
		expect(output.map((item) => item.json.outcome)).toEqual([
			'created',
			'duplicate',
			'created',
			'duplicate',
			'created',
			'duplicate',
			'created',
		]);
		expect(output[1].json).toMatchObject({ duplicateOf: 0, leadId: null });
		expect(output[3].json).toMatchObject({ duplicateOf: 2 });
		expect(output[5].json).toMatchObject({ duplicateOf: 4 });
		expectPaired(output);
		expect(posts()).toHaveLength(1);
		expect(sim.leads).toHaveLength(4);
	});

	it('routes duplicates to the Duplicate output', async () => {
		const result = await run(
			[lead(1), lead(1), lead(2)],
			mapped({}, { onDuplicate: 'separateOutput' }),
		);
		expect(result.outputs).toHaveLength(2);
		expect(result.outputs[0].map((item) => item.json.outcome)).toEqual(['created', 'created']);
		expectPaired(result.outputs[0], [0, 2]);
		expect(result.outputs[1].map((item) => item.json.outcome)).toEqual(['duplicate']);
		expectPaired(result.outputs[1], [1]);
		expect(result.sinks[1]).toHaveLength(1);
	});

	it('fails on a duplicate when asked to', async () => {
		const result = await run([lead(1), lead(1)], mapped({}, { onDuplicate: 'error' }));
		expect(result.error?.message).toMatch(/^Duplicate lead: Same lead as input item 0/);
		// The first item was still sent once.
		expect(sim.leads).toHaveLength(1);
	});
});

describe('Skip Already Sent (across executions)', () => {
	it('is off by default: the same leads are sent again by the next execution', async () => {
		const workflowId = freshWorkflowId();
		await run(leads(2), mapped(), { workflowId });
		const second = await run(leads(2), mapped(), { workflowId });
		expect(second.outputs[0].map((item) => item.json.outcome)).toEqual(['created', 'created']);
		expect(sim.leads).toHaveLength(4);
	});

	it('skips leads an earlier execution sent, by phone, else e-mail, else company', async () => {
		const workflowId = freshWorkflowId();
		const first = [
			{ ...lead(1), phone: '050 222 3333' },
			{ ...lead(2), phone: '', email: 'Mail@Example.com' },
			{ company: 'Only Company', name: '', email: '', phone: '' },
		];
		const one = await run(first, mapped({ skipAlreadySent: true }), { workflowId });
		expect(one.outputs[0].map((item) => item.json.outcome)).toEqual([
			'created',
			'created',
			'created',
		]);

		sim.resetLog();
		const again = [
			{ ...lead(9), phone: '+971 50 222 3333' },
			{ ...lead(8), phone: '', email: 'mail@example.com' },
			{ company: 'ONLY COMPANY', name: 'Someone', email: '', phone: '' },
			lead(4),
		];
		const two = await run(again, mapped({ skipAlreadySent: true }), { workflowId });
		const output = two.outputs[0];
		expect(output.map((item) => item.json.outcome)).toEqual([
			'duplicate',
			'duplicate',
			'duplicate',
			'created',
		]);
		expect(output[0].json.message).toMatch(/earlier execution.*same phone/);
		expect(output[1].json.message).toMatch(/same email/);
		expect(output[2].json.message).toMatch(/same company/);
		expect(output[0].json.skippedAlreadySent).toBe(true);
		expectPaired(output);
		expect(posts()).toHaveLength(1);
		expect((posts()[0].body as IDataObject[]).map((l) => l.company)).toEqual(['Company 4']);

		// Another workflow has its own memory.
		sim.resetLog();
		const other = await run(first, mapped({ skipAlreadySent: true }), {
			workflowId: freshWorkflowId(),
		});
		expect(other.outputs[0].every((item) => item.json.outcome === 'created')).toBe(true);
		expect(posts()).toHaveLength(1);
	});

	it('does not remember a batch ClosingDealz rejected (continue on fail)', async () => {
		const workflowId = freshWorkflowId();
		sim.fault(
			{
				kind: 'status',
				status: 400,
				body: {
					succeeded: false,
					statusCode: 400,
					statusCodeDescription: 'NONE',
					message: 'Lead 0 is not valid.',
				},
			},
			{
				match: (req) => (req.body as IDataObject[])[0]?.company === 'Company 3',
			},
		);
		const one = await run(leads(6), mapped({ skipAlreadySent: true, batchSize: 3 }), {
			workflowId,
			continueOnFail: true,
		});
		expect(one.outputs[0].map((item) => item.json.outcome ?? 'error')).toEqual([
			'created',
			'created',
			'created',
			'error',
			'error',
			'error',
		]);
		expect(errorsOf(one)[0].json.error).toBe('ClosingDealz: Lead 0 is not valid.');

		sim.resetLog();
		const two = await run(leads(6), mapped({ skipAlreadySent: true, batchSize: 3 }), {
			workflowId,
		});
		expect(two.outputs[0].map((item) => item.json.outcome)).toEqual([
			'duplicate',
			'duplicate',
			'duplicate',
			'created',
			'created',
			'created',
		]);
		expect(posts()).toHaveLength(1);
		expect(sim.leads).toHaveLength(6);
	});

	it('does not remember a refused batch, nor the batches never sent after it (node stops)', async () => {
		const workflowId = freshWorkflowId();
		sim.fault({
			kind: 'status',
			status: 400,
			body: {
				succeeded: false,
				statusCode: 400,
				statusCodeDescription: 'NONE',
				message: 'Lead 0 is not valid.',
			},
		});
		const one = await run(leads(5), mapped({ skipAlreadySent: true, batchSize: 2 }), {
			workflowId,
		});
		expect(one.error?.message).toMatch(/^Batch 0 \(items 0–1\) failed: /);
		expect(posts()).toHaveLength(1);

		sim.resetLog();
		const two = await run(leads(5), mapped({ skipAlreadySent: true, batchSize: 2 }), {
			workflowId,
		});
		expect(two.error).toBeUndefined();
		expect(two.outputs[0].every((item) => item.json.outcome === 'created')).toBe(true);
		expect(posts()).toHaveLength(3);
	});

	it('keeps an ambiguous batch (500) as "maybe sent" and forgets only the batches never sent (node stops)', async () => {
		const workflowId = freshWorkflowId();
		sim.fault({ kind: 'status', status: 500, acted: true, body: { succeeded: false, statusCode: 500, statusCodeDescription: 'NONE', message: 'Internal error' } });
		const one = await run(leads(5), mapped({ skipAlreadySent: true, batchSize: 2 }), { workflowId });
		expect(one.error?.message).toMatch(/^Batch 0 \(items 0–1\) failed: .*unknown whether created/);
		expect(sim.leads).toHaveLength(2);

		sim.resetLog();
		const two = await run(leads(5), mapped({ skipAlreadySent: true, batchSize: 2 }), {
			workflowId,
			continueOnFail: true,
		});
		const out = two.outputs[0];
		expect(out.slice(0, 2).map((item) => item.json.outcomeUnknown)).toEqual([true, true]);
		expect(String(out[0].json.error)).toMatch(/^Maybe sent: /);
		expect(String(out[0].json.errorDescription)).toMatch(/Search ClosingDealz for the phone number \+971/);
		expect(out.slice(2).map((item) => item.json.outcome)).toEqual(['created', 'created', 'created']);
		// Items 0 and 1 were not sent again: every lead is stored once.
		expect(posts()).toHaveLength(2);
		const phones = sim.leads.map((entry) => entry.lead.phoneNumber);
		expect(new Set(phones).size).toBe(5);
		expect(phones).toHaveLength(5);
	});

	it('remembers leads whose creation is unknown after a timeout, and reports them as maybe sent', async () => {
		const workflowId = freshWorkflowId();
		sim.fault({ kind: 'hang', acted: true });
		const one = await run(leads(2), mapped({ skipAlreadySent: true, timeout: 1000 }), {
			workflowId,
			continueOnFail: true,
		});
		expect(errorsOf(one)).toHaveLength(2);
		expect(sim.leads).toHaveLength(2);
		sim.resetLog();
		// Without continue on fail: the node stops before any request and names the items.
		const two = await run(leads(2), mapped({ skipAlreadySent: true, timeout: 1000 }), {
			workflowId,
		});
		expect(two.error?.message).toMatch(/^Items 0–1 may already be in ClosingDealz/);
		expect(two.error?.description).toMatch(/Search ClosingDealz/);
		expect(posts()).toHaveLength(0);
		// And again: still remembered, still not sent.
		const three = await run(leads(2), mapped({ skipAlreadySent: true, timeout: 1000 }), {
			workflowId,
			continueOnFail: true,
		});
		expect(three.outputs[0].map((item) => item.json.outcomeUnknown)).toEqual([true, true]);
		expect(posts()).toHaveLength(0);
		expect(sim.leads).toHaveLength(2);
	});
});

describe('API errors', () => {
	it('reports an invalid API key on every item, without the key', async () => {
		const wrongKey = `wrong-${randomBytes(8).toString('hex')}`;
		const result = await runNode({
			type: 'closingDealz',
			parameters: mapped(),
			items: leads(3),
			credentials: { closingDealzApi: { apiKey: wrongKey, baseUrl: sim.url } },
			continueOnFail: true,
		});
		const output = result.outputs[0];
		expect(output).toHaveLength(3);
		expectPaired(output);
		for (const item of output) {
			expect(item.json.error).toBe('ClosingDealz: Invalid API key.');
			expect(item.json.errorDescription).toMatch(/credential/);
		}
		expect(JSON.stringify(result.outputs)).not.toContain(wrongKey);
		expect(sim.leads).toHaveLength(0);
	});

	it('fails the node naming the batch and item range when continue on fail is off', async () => {
		sim.freePlan = true;
		const overflow = await run(leads(6), mapped({ batchSize: 3 }));
		expect(overflow.error?.message).toBe(
			'Batch 1 (items 3–5) failed: ClosingDealz: Can not have more than 5 leads on the free plan. (items 0–2 were already created — do not send them again)',
		);
		expect(overflow.error?.description).toMatch(/Free plan.*5 leads.*Basic plan/);
		expect(posts()).toHaveLength(2);
		expectNoSecret(overflow.error);
	});

	it('explains both free-plan limits in plain words and keeps the other batches', async () => {
		sim.freePlan = true;
		const result = await run(leads(8), mapped({ batchSize: 4 }), { continueOnFail: true });
		const output = result.outputs[0];
		expect(output).toHaveLength(8);
		expectPaired(output);
		expect(output.slice(0, 4).every((item) => item.json.outcome === 'created')).toBe(true);
		for (const item of output.slice(4)) {
			expect(item.json.error).toBe(
				'ClosingDealz: Can not have more than 5 leads on the free plan.',
			);
			expect(item.json.errorDescription).toMatch(/Free plan, which holds at most 5 leads/);
		}
		sim.resetLog();
		await run([lead(20)], mapped());
		const full = await run([lead(21)], mapped(), { continueOnFail: true });
		expect(full.outputs[0][0].json.error).toBe(
			'ClosingDealz: Reached the maximum limit of leads on the free plan.',
		);
		expect(full.outputs[0][0].json.errorDescription).toMatch(
			/Upgrade the workspace to the Basic plan/,
		);
		expect(sim.leads).toHaveLength(5);
	});
});

describe('faults', () => {
	const rejected = (status: number, message: string) => ({
		succeeded: false,
		statusCode: status,
		statusCodeDescription: 'NONE',
		message,
	});

	it('429 with Retry-After: the same batch is sent again and created once', async () => {
		sim.fault({
			kind: 'status',
			status: 429,
			retryAfter: '0',
			body: rejected(429, 'Too many requests. Please try again later.'),
		});
		const result = await run(leads(3));
		expect(result.error).toBeUndefined();
		expect(posts().map((request) => request.status)).toEqual([429, 200]);
		expect(posts()[0].rawBody).toBe(posts()[1].rawBody);
		expect(sim.leads).toHaveLength(3);
		expectPaired(result.outputs[0]);
	});

	it('429 without Retry-After: backs off and retries', async () => {
		sim.fault({
			kind: 'status',
			status: 429,
			body: rejected(429, 'Too many requests. Please try again later.'),
		});
		// After a bare 429 the node sends nothing for the key until its own oldest request has
		// left the rate-limit window (a quarter window when it has none there): a short window of
		// its own keeps this test short and independent of the other tests' requests.
		const result = await run(leads(2), mapped({ rateLimitWindow: 2 }));
		expect(result.error).toBeUndefined();
		expect(posts().map((request) => request.status)).toEqual([429, 200]);
		expect(sim.leads).toHaveLength(2);
	});

	it('429s beyond a fixed retry count: still retried until the window clears, created once', async () => {
		// A 429 is not acted on, so retrying is safe; ClosingDealz's window is a minute, so
		// refusals can outlast any small fixed number of retries.
		sim.fault(
			{
				kind: 'status',
				status: 429,
				retryAfter: '0',
				body: rejected(429, 'Too many requests. Please try again later.'),
			},
			{ times: 12 },
		);
		const result = await run(leads(2), mapped(), { continueOnFail: true });
		expect(errorsOf(result)).toHaveLength(0);
		expect(posts().map((request) => request.status)).toEqual([...Array(12).fill(429), 200]);
		expect(sim.leads).toHaveLength(2);
	});

	it('429 that never clears: retried for a full rate-limit window, then fails with the API message', async () => {
		sim.fault(
			{
				kind: 'status',
				status: 429,
				body: rejected(429, 'Too many requests. Please try again later.'),
			},
			{ times: 1000 },
		);
		const result = await run(leads(2), mapped({ rateLimitWindow: 1 }), { continueOnFail: true });
		for (const item of result.outputs[0]) {
			expect(item.json.error).toBe(
				'ClosingDealz is rate limiting requests (HTTP 429): Too many requests. Please try again later.',
			);
		}
		const tries = posts();
		expect(tries.every((request) => request.status === 429)).toBe(true);
		// The guarantee, not a speed: the node did not give up before one window had passed.
		expect(tries[tries.length - 1].at - tries[0].at).toBeGreaterThanOrEqual(1000);
		expect(sim.leads).toHaveLength(0);
	});

	it('503 with Retry-After (the server did not act): retried', async () => {
		sim.fault({ kind: 'status', status: 503, retryAfter: '0' }, { times: 2 });
		const result = await run(leads(2));
		expect(result.error).toBeUndefined();
		expect(posts().map((request) => request.status)).toEqual([503, 503, 200]);
		expect(sim.leads).toHaveLength(2);
	});

	it('503 without Retry-After after storing the batch: not resent, "unknown whether created"', async () => {
		sim.fault({ kind: 'status', status: 503, acted: true });
		const result = await run(leads(2), mapped(), { continueOnFail: true });
		expect(posts()).toHaveLength(1);
		expect(sim.leads).toHaveLength(2);
		for (const item of result.outputs[0]) {
			expect(item.json.outcomeUnknown).toBe(true);
			expect(item.json.error).toMatch(/unknown whether created/);
		}
	});

	it('500: never resent; every item of the batch is marked "unknown whether created"', async () => {
		sim.fault({ kind: 'status', status: 500, body: rejected(500, 'Something went wrong.') });
		const result = await run(leads(3), mapped(), { continueOnFail: true });
		expect(posts()).toHaveLength(1);
		const output = result.outputs[0];
		expectPaired(output);
		for (const item of output) {
			expect(item.json.error).toBe(
				'ClosingDealz: Something went wrong. (HTTP 500); unknown whether created',
			);
			expect(item.json.outcomeUnknown).toBe(true);
		}
	});

	it('a hang past the timeout: never resent, outcome unknown', async () => {
		sim.fault({ kind: 'hang', acted: true });
		const result = await run(leads(101), mapped({ timeout: 1000 }), { continueOnFail: true });
		expect(posts()).toHaveLength(2);
		const output = result.outputs[0];
		expect(output).toHaveLength(101);
		expectPaired(output);
		for (const item of output.slice(0, 100)) {
			expect(item.json.error).toMatch(
				/ClosingDealz did not answer in time; unknown whether created/,
			);
			expect(item.json.outcomeUnknown).toBe(true);
		}
		expect(output[100].json).toMatchObject({ outcome: 'created', batch: 1 });
		// The batch was stored once by ClosingDealz and never sent a second time.
		expect(sim.leads).toHaveLength(101);
	});

	it('a dropped connection: never resent, outcome unknown', async () => {
		sim.fault({ kind: 'reset', acted: false });
		const result = await run(leads(2), mapped(), { continueOnFail: true });
		expect(posts()).toHaveLength(1);
		for (const item of result.outputs[0]) {
			expect(item.json.error).toMatch(/connection to ClosingDealz broke.*unknown whether created/);
			expect(item.json.outcomeUnknown).toBe(true);
		}
	});

	it('a 200 with a body that is not JSON: outcome unknown, not resent', async () => {
		sim.fault({ kind: 'malformed', acted: true });
		const result = await run(leads(2), mapped(), { continueOnFail: true });
		expect(posts()).toHaveLength(1);
		for (const item of result.outputs[0]) {
			expect(item.json.error).toMatch(/not valid JSON \(HTTP 200\); unknown whether created/);
			expect(item.json.outcomeUnknown).toBe(true);
		}
		expect(sim.leads).toHaveLength(2);
	});

	it('an HTML page from a proxy or firewall', async () => {
		sim.fault({ kind: 'html', status: 403 });
		const result = await run(leads(2), mapped());
		expect(result.error?.message).toMatch(
			/^Batch 0 \(items 0–1\) failed: ClosingDealz answered with a web page instead of data \(HTTP 403\)/,
		);
		expect(posts()).toHaveLength(1);
		expectNoSecret(result.error);
	});
});

describe('rate limit pacing', () => {
	it('a 1,000-item run against the sliding-window limiter finishes with zero failed items', async () => {
		// 100 requests of 10 leads against 20 requests per second; the node paces to the same limit.
		sim.rateLimit = { limit: 20, windowMs: 1000 };
		const result = await run(
			leads(1000),
			mapped({ batchSize: 10, rateLimit: 20, rateLimitWindow: 1 }),
			{
				continueOnFail: true,
			},
		);
		expect(result.error).toBeUndefined();
		expect(errorsOf(result)).toHaveLength(0);
		// Pacing keeps the node under the limit; on a loaded machine a request can still reach
		// the server late and land in a full window — such a 429 is retried, never lost.
		const accepted = posts().filter((request) => request.status === 200);
		expect(accepted).toHaveLength(100);
		expect(posts().length - accepted.length).toBe(sim.rateLimited);
		expect(sim.rateLimited).toBeLessThan(accepted.length / 10);
		expect(sim.leads).toHaveLength(1000);
		expect(new Set(sim.leads.map((stored) => stored.lead.phoneNumber)).size).toBe(1000);
		expectPaired(result.outputs[0]);
	});

	it('without matching pacing the limiter answers 429, and the retries create nothing twice', async () => {
		sim.rateLimit = { limit: 5, windowMs: 1000 };
		const result = await run(leads(100), mapped({ batchSize: 10 }), { continueOnFail: true });
		expect(errorsOf(result)).toHaveLength(0);
		expect(sim.rateLimited).toBeGreaterThan(0);
		expect(posts().filter((request) => request.status === 429)).toHaveLength(sim.rateLimited);
		expect(sim.leads).toHaveLength(100);
		expect(new Set(sim.leads.map((stored) => stored.lead.phoneNumber)).size).toBe(100);
	});
});

describe('credential test', () => {
	const credential = packageCredentialTypes().closingDealzApi;

	async function testCredential(apiKey: string) {
		const request = credential.test!.request;
		const response = await fetch(`${sim.url}${request.url}`, {
			method: request.method,
			headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
			body: JSON.stringify(request.body),
		});
		const body = (await response.json()) as IDataObject;
		const failed = (credential.test!.rules ?? []).find(
			(rule) =>
				rule.type === 'responseSuccessBody' && body[rule.properties.key] === rule.properties.value,
		);
		return { status: response.status, body, failed };
	}

	it('tells a valid key from an invalid one without creating a lead', async () => {
		expect(credential.test!.request.body).toEqual([]);
		expect(credential.test!.request.ignoreHttpStatusErrors).toBe(true);
		const valid = await testCredential(SANDBOX_KEY);
		expect(valid.status).toBe(400);
		expect(valid.failed).toBeUndefined();
		const invalid = await testCredential('not-the-key');
		expect(invalid.status).toBe(401);
		expect(invalid.failed?.properties.message).toMatch(/refused the API key/);
		expect(sim.leads).toHaveLength(0);
	});

	it('sends the key as X-API-Key', async () => {
		const auth = credential.authenticate as { properties: { headers: IDataObject } };
		expect(Object.keys(auth.properties.headers)).toEqual(['X-API-Key']);
	});
});
