/**
 * Issue #11: no lead created twice, none reported wrong. Every create-lead node against a
 * simulator that stores the lead and then answers 503 (what a proxy in front of a busy server
 * does), and against the documented "not acted on" answers (429, 503 with Retry-After). Also:
 * the error that stops a run names what was already created, and ClosingDealz remembers a
 * batch whose outcome is unknown.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { useCrmSimulators } from '../harness/crmSimulators';
import type { RunNodeOptions } from '../harness/n8n';
import { PF_EXPERT_CREATE } from '../harness/fixtures';
import { runNode } from '../harness/n8n';
import { EXPERT_TOKEN_PATH } from '../../tooling/simulators/pfExpert';

const { infinity, alter, cdz, pfx } = useCrmSimulators('nd');

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
const STORED_THEN_503 = { kind: 'status', status: 503, acted: true } as const;
const NOT_ACTED_503 = { kind: 'status', status: 503, retryAfter: '0' } as const;

function runInfinity(items: IDataObject[], options: IDataObject = {}, extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'infinityCrm',
		parameters: {
			resource: 'lead',
			operation: 'create',
			name: '={{ $json.name }}',
			additionalFields: { phone: '={{ $json.phone }}' },
			options: { concurrency: 1, ...options },
		},
		items,
		credentials: { infinityCrmApi: { apiKey: infinity.apiKey, baseUrl: infinity.url } },
		...extra,
	});
}

function runAlter(items: IDataObject[], extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'alterEstate',
		parameters: {
			resource: 'lead',
			operation: 'create',
			fullName: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			email: '={{ $json.email }}',
		},
		items,
		credentials: { alterEstateApi: { apiKey: alter.apiKey, publicToken: alter.publicToken, baseUrl: alter.url } },
		...extra,
	});
}

function runCdz(items: IDataObject[], options: IDataObject = {}, extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'closingDealz',
		parameters: {
			resource: 'lead',
			operation: 'create',
			additionalFields: { company: '={{ $json.company }}', phoneNumber: '={{ $json.phone }}' },
			options: { rateLimit: 10_000, ...options },
		},
		items,
		credentials: { closingDealzApi: { apiKey: cdz.apiKey, baseUrl: cdz.url } },
		...extra,
	});
}

function runPfx(options: IDataObject = {}, extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'propertyFinder',
		parameters: {
			...PF_EXPERT_CREATE,
			options: { timeout: 1000, ...options },
		},
		items: [{}],
		credentials: {
			propertyFinderExpertApi: {
				apiKey: pfx.apiKey,
				apiSecret: pfx.apiSecret,
				baseUrl: pfx.url,
				tokenUrl: `${pfx.url}${EXPERT_TOKEN_PATH}`,
			},
		},
		...extra,
	});
}

const firstCompany = (req: { body: unknown }) =>
	Array.isArray(req.body) ? (req.body[0] as IDataObject | undefined)?.company : undefined;
const infinityPosts = () => infinity.calls('POST', '/api/crm/external/leads');
const pfxCreates = () => pfx.calls('POST', '/leads');

describe('a 503 after the server acted: a create that is not idempotent is not repeated', () => {
	it('Infinity CRM without a phone: one request, one lead, "unknown whether created"', async () => {
		infinity.fault(STORED_THEN_503);
		const result = await runInfinity([{ name: 'No Phone' }], {}, { continueOnFail: true });
		expect(infinityPosts()).toHaveLength(1);
		expect(infinity.leads).toHaveLength(1);
		const [out] = json(result.outputs[0]);
		expect(out.outcomeUnknown).toBe(true);
		expect(out.error).toMatch(/unknown whether created/);
	});

	it('AlterEstate: one request, one contact, "unknown whether created" (not a duplicate of itself)', async () => {
		alter.fault(STORED_THEN_503);
		const result = await runAlter([{ name: 'Ana', phone: '0502000001', email: 'ana@example.com' }], {
			continueOnFail: true,
		});
		expect(alter.calls('POST', '/api/v1/leads/')).toHaveLength(1);
		expect(alter.contacts).toHaveLength(1);
		expect(alter.duplicateLogs).toHaveLength(0);
		const [out] = json(result.outputs[0]);
		expect(out.outcome).toBeUndefined();
		expect(out.outcomeUnknown).toBe(true);
	});

	it('ClosingDealz: the batch is sent once and stored once', async () => {
		cdz.fault(STORED_THEN_503);
		const items = [0, 1, 2].map((i) => ({ company: `Co ${i}`, phone: `+97150200000${i}` }));
		const result = await runCdz(items, {}, { continueOnFail: true });
		expect(cdz.calls('POST', '/api/v1/leads')).toHaveLength(1);
		expect(cdz.leads).toHaveLength(3);
		expect(json(result.outputs[0]).every((out) => out.outcomeUnknown === true)).toBe(true);
	});

	it('PF Expert CRM: the create is not repeated; the lookup by mobile confirms the lead', async () => {
		pfx.fault(STORED_THEN_503, { match: (req) => req.method === 'POST' && req.path === '/leads' });
		const result = await runPfx();
		expect(result.error).toBeUndefined();
		expect(pfxCreates()).toHaveLength(1);
		expect(pfx.leads).toHaveLength(1);
		const [out] = json(result.outputs[0]);
		expect(out).toMatchObject({ outcome: 'created', leadId: pfx.leads[0].id });
		expect(out.message).toMatch(/confirmed by lookup/);
	});

	it('PF Expert CRM without the lookup: not repeated, "unknown whether created"', async () => {
		pfx.fault(STORED_THEN_503, { match: (req) => req.method === 'POST' && req.path === '/leads' });
		const result = await runPfx({ checkExisting: false }, { continueOnFail: true });
		expect(pfxCreates()).toHaveLength(1);
		expect(pfx.leads).toHaveLength(1);
		expect(json(result.outputs[0])[0].outcomeUnknown).toBe(true);
	});

	it('PF Expert CRM: a create that was not stored and has no lead afterwards stays "unknown"', async () => {
		pfx.fault({ kind: 'status', status: 502 }, { match: (req) => req.method === 'POST' && req.path === '/leads' });
		const result = await runPfx({}, { continueOnFail: true });
		expect(pfxCreates()).toHaveLength(1);
		expect(pfx.leads).toHaveLength(0);
		expect(json(result.outputs[0])[0].outcomeUnknown).toBe(true);
	});
});

describe('answers that say the server did not act are repeated', () => {
	it('429 and 503 with Retry-After: repeated, one lead each, reported created', async () => {
		infinity.fault({ kind: 'status', status: 429 });
		infinity.fault(NOT_ACTED_503);
		const result = await runInfinity([{ name: 'No Phone' }]);
		expect(infinityPosts().map((request) => request.status)).toEqual([429, 503, 201]);
		expect(json(result.outputs[0])[0].outcome).toBe('created');

		alter.fault(NOT_ACTED_503);
		const ae = await runAlter([{ name: 'Ana', phone: '0502000001', email: 'ana@example.com' }]);
		expect(json(ae.outputs[0])[0].outcome).toBe('created');
		expect(alter.contacts).toHaveLength(1);

		pfx.fault(NOT_ACTED_503, { match: (req) => req.method === 'POST' && req.path === '/leads' });
		const pf = await runPfx({ checkExisting: false });
		expect(json(pf.outputs[0])[0].outcome).toBe('created');
		expect(pfx.leads).toHaveLength(1);
		expect(pfxCreates()).toHaveLength(2);
	});
});

describe('Infinity CRM with a phone: a repeat after an ambiguous failure', () => {
	it.each([
		['a timeout', { kind: 'hang', acted: true } as const],
		['a 503 after storing', STORED_THEN_503],
		['a dropped connection', { kind: 'reset', acted: true } as const],
	])('after %s, the queued duplicate of our own lead is "created (confirmed on retry)"', async (_name, fault) => {
		infinity.fault(fault);
		const result = await runInfinity([{ name: 'Has Phone', phone: '0501234567' }], { timeout: 1000 });
		expect(infinity.leads).toHaveLength(1);
		const [out] = json(result.outputs[0]);
		expect(out).toMatchObject({ outcome: 'created', leadId: infinity.leads[0].lead_id, existingLeadId: null });
		expect(out.message).toMatch(/confirmed on retry/);
		// Routed like any created lead: not to the Duplicate output, not an error.
		const routed = await runInfinity([{ name: 'Has Phone', phone: '0501234567' }]);
		expect(json(routed.outputs[0])[0].outcome).toBe('duplicate');
	});
});

describe('an error that stops the run says what was already created', () => {
	it('item 7 fails after items 0–6 and 8–11 were created: the error lists them with their ids', async () => {
		const items = Array.from({ length: 12 }, (_, i) => ({ name: `Lead ${i}`, phone: `+9715030000${String(i).padStart(2, '0')}` }));
		infinity.fault(
			{ kind: 'status', status: 400, body: { error: 'Invalid category' } },
			{ match: (req) => (req.body as IDataObject)?.name === 'Lead 7' },
		);
		const result = await runInfinity(items, { concurrency: 12 });
		expect(result.error).toBeDefined();
		const message = String(result.error?.message);
		const description = String((result.error as { description?: string }).description);
		expect(message).toMatch(/^Infinity CRM: Invalid category/);
		expect(message).toContain('items 0–6, 8–11 were already created — do not send them again');
		for (const lead of infinity.leads) {
			const item = Number(lead.name.replace('Lead ', ''));
			expect(description).toContain(`item ${item}: lead ${lead.lead_id}`);
		}
		expect(infinity.leads).toHaveLength(11);
		expect(description).toMatch(/Failed, not created: item 7\./);
	});

	it('with one request at a time, the items never sent are named too', async () => {
		const items = Array.from({ length: 5 }, (_, i) => ({ name: `Lead ${i}` }));
		infinity.fault(STORED_THEN_503, { match: (req) => (req.body as IDataObject)?.name === 'Lead 2' });
		const result = await runInfinity(items, { concurrency: 1 });
		const message = String(result.error?.message);
		const description = String((result.error as { description?: string }).description);
		expect(message).toMatch(/unknown whether created/);
		expect(message).toContain('items 0–1 were already created');
		expect(description).toContain('Unknown whether created: item 2.');
		expect(description).toContain('Not sent: items 3–4.');
	});

	it('a ClosingDealz batch fails after earlier batches were accepted: the error names them', async () => {
		const items = Array.from({ length: 6 }, (_, i) => ({ company: `Co ${i}`, phone: `+97150400000${i}` }));
		cdz.fault(STORED_THEN_503, { match: (req) => firstCompany(req) === 'Co 4' });
		const result = await runCdz(items, { batchSize: 2 });
		const message = String(result.error?.message);
		expect(message).toMatch(/^Batch 2 \(items 4–5\) failed: .*unknown whether created/);
		expect(message).toContain('items 0–3 were already created — do not send them again');
		expect(String((result.error as { description?: string }).description)).toContain('Unknown whether created: items 4–5.');
		expect(cdz.leads).toHaveLength(6);
	});
});

describe('ClosingDealz "Skip Already Sent" and a batch whose outcome is unknown', () => {
	it('keeps its keys: the rerun does not send it again and reports "maybe sent" with how to check', async () => {
		const workflowId = `nd-wf-${Date.now()}`;
		const items = Array.from({ length: 4 }, (_, i) => ({ company: `Co ${i}`, phone: `+97150500000${i}` }));
		cdz.fault(STORED_THEN_503, { match: (req) => firstCompany(req) === 'Co 0' });
		const first = await runCdz(items, { batchSize: 2, skipAlreadySent: true }, { workflowId, continueOnFail: true });
		expect(json(first.outputs[0]).map((out) => out.outcomeUnknown ?? out.outcome)).toEqual([true, true, 'created', 'created']);
		cdz.resetLog();
		const second = await runCdz(items, { batchSize: 2, skipAlreadySent: true }, { workflowId, continueOnFail: true });
		expect(cdz.calls('POST', '/api/v1/leads')).toHaveLength(0);
		const out = json(second.outputs[0]);
		expect(out[0].error).toMatch(/^Maybe sent: .*\+971505000000/);
		expect(out[0].errorDescription).toMatch(/Search ClosingDealz for the phone number \+971505000000/);
		expect(out.slice(2).map((entry) => entry.outcome)).toEqual(['duplicate', 'duplicate']);
		expect(cdz.leads).toHaveLength(4);
	});
});

describe('ClosingDealz identifying fields given in the custom JSON', () => {
	function runCustom(items: IDataObject[], extra: Partial<RunNodeOptions> = {}) {
		return runNode({
			type: 'closingDealz',
			parameters: {
				resource: 'lead',
				operation: 'create',
				additionalFields: { company: '={{ $json.company }}', customJson: '={{ JSON.stringify($json.custom) }}' },
				options: { rateLimit: 10_000 },
			},
			items,
			credentials: { closingDealzApi: { apiKey: cdz.apiKey, baseUrl: cdz.url } },
			...extra,
		});
	}

	it('PhoneNumber and EMAIL are normalised, sent under the lead field names, and deduplicated in the run', async () => {
		const result = await runCustom([
			{ company: 'A', custom: { PhoneNumber: '050 123 4567', EMAIL: 'Ana@Example.com' } },
			{ company: 'B', custom: { phonenumber: '+971501234567' } },
			{ company: 'C', custom: { email: 'ana@example.com' } },
		]);
		expect(result.error).toBeUndefined();
		expect(cdz.leads).toHaveLength(1);
		expect(cdz.leads[0].lead).toMatchObject({ company: 'A', phoneNumber: '+971501234567', email: 'Ana@Example.com' });
		expect(Object.keys(cdz.leads[0].lead)).not.toContain('PhoneNumber');
		expect(json(result.outputs[0]).map((out) => out.outcome)).toEqual(['created', 'duplicate', 'duplicate']);
	});

	it('a bad phone or e-mail in the custom JSON fails before any request, naming the field', async () => {
		const phone = await runCustom([{ company: 'A', custom: { PhoneNumber: 'call me' } }]);
		expect(phone.error?.message).toMatch(/^Custom Fields \(JSON\) › PhoneNumber: /);
		const email = await runCustom([{ company: 'A', custom: { Email: 'not-an-address' } }]);
		expect(email.error?.message).toMatch(/^Custom Fields \(JSON\) › Email: "not-an-address" is not a valid e-mail address/);
		expect(cdz.requests).toHaveLength(0);
	});
});
