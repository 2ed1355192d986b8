import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { expectNoSecrets, seenByWorkflow, useSimulator } from '../harness/assert';
import type { RunNodeOptions } from '../harness/n8n';
import { TestCredentialsHelper, runNode } from '../harness/n8n';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from '../../tooling/simulators/pfExpert';

const API_KEY = 'pfx-test-key-5d81c2';
const API_SECRET = 'pfx-test-secret-a94be07';
const sim = useSimulator(new PfExpertSimulator(API_KEY, API_SECRET));

beforeEach(() => {
	sim.resetLog();
	sim.clearFaults();
	sim.leads.length = 0;
	sim.tokens.clear();
	sim.tokenCalls = 0;
	sim.tokenTtlSec = 1800;
	sim.warning = undefined;
	sim.deleteAllCount = 0;
	sim.now = Date.now();
});

function credentials() {
	return {
		propertyFinderExpertApi: {
			apiKey: API_KEY,
			apiSecret: API_SECRET,
			baseUrl: sim.url,
			tokenUrl: `${sim.url}${EXPERT_TOKEN_PATH}`,
		},
	};
}

function run(parameters: IDataObject, items: IDataObject[] = [{}], extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'propertyFinder',
		parameters: { resource: 'crmLead', ...parameters },
		items,
		credentials: credentials(),
		...extra,
	});
}

function json(items: INodeExecutionData[] | undefined) {
	return (items ?? []).map((item) => item.json);
}

function apiCalls() {
	return sim.requests.filter((request) => request.path !== EXPERT_TOKEN_PATH);
}

function expectNoSecret(value: unknown) {
	// Only what a workflow sees: outputs and the error (not the test's own credential store).
	const run = value as { outputs?: unknown; error?: unknown; credentialsHelper?: unknown };
	const seen = run && typeof run === 'object' && run.credentialsHelper ? seenByWorkflow(run) : value;
	expectNoSecrets(seen, [API_KEY, API_SECRET, Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64'), ...sim.tokens.keys()]);
}

function expectPaired(items: INodeExecutionData[], expected: number[]) {
	expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(expected);
}

/** The create parameters, every mandatory field mapped from the input item. */
const createParams: IDataObject = {
	operation: 'create',
	title: '={{ $json.title }}',
	firstName: '={{ $json.first }}',
	lastName: '={{ $json.last }}',
	mobile: '={{ $json.mobile }}',
	category: 'residential',
	country: 'AE',
	status: 'notYetContacted',
	source: 'portal',
	sourceChannel: 'bayut',
	financial: 'mortgage',
	preference: {
		values: {
			types: '2, 3',
			locations: 'are.2.15',
			fromPrice: '1.2M',
			toPrice: '1,500,000',
			offeringType: 'sale',
			amenities: '1,2',
			fromBedroom: '2',
			toBedroom: '3',
		},
	},
	additionalFields: {
		email: '={{ $json.email }}',
		city: 'Dubai',
		quality: 'hot',
		mortgageStatus: 'pre-approved',
		userId: '2',
		notes: 'Wants a sea view',
		properties: '7, 8',
	},
};

const person = (n: number): IDataObject => ({
	title: 'mrs',
	first: `Aisha${n}`,
	last: 'Khan',
	mobile: `050 ${String(1000000 + n).slice(-7)}`,
	email: `aisha${n}@mail.example`,
});

describe('PF Expert CRM → authentication', () => {
	it('asks for one token (Basic key:secret, client_credentials) and reuses it for 50 items', async () => {
		const leads = Array.from({ length: 50 }, () => sim.addLead());
		const result = await run(
			{ operation: 'get', leadId: '={{ $json.id }}' },
			leads.map((lead) => ({ id: lead.id })),
		);
		expect(result.error).toBeUndefined();
		expect(json(result.outputs[0]).map((lead) => lead.id)).toEqual(leads.map((lead) => lead.id));
		expect(sim.tokenCalls).toBe(1);
		const [tokenCall] = sim.calls('POST', EXPERT_TOKEN_PATH);
		expect(tokenCall.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`);
		expect(tokenCall.body).toEqual({ scope: 'openid', grant_type: 'client_credentials' });
		expect(apiCalls()).toHaveLength(50);
		expect(new Set(apiCalls().map((call) => call.headers.authorization)).size).toBe(1);
		expectPaired(result.outputs[0], leads.map((_, i) => i));
		expectNoSecret(result.outputs);
	});

	it('keeps the token across executions and asks for a new one once it has expired', async () => {
		const lead = sim.addLead();
		const credentialsHelper = new TestCredentialsHelper(credentials());
		await run({ operation: 'get', leadId: String(lead.id) }, [{}], { credentialsHelper });
		await run({ operation: 'get', leadId: String(lead.id) }, [{}], { credentialsHelper });
		expect(sim.tokenCalls).toBe(1);

		sim.advance(31 * 60 * 1000);
		sim.resetLog();
		const result = await run({ operation: 'get', leadId: String(lead.id) }, [{}, {}], { credentialsHelper });
		expect(result.error).toBeUndefined();
		expect(json(result.outputs[0]).map((out) => out.id)).toEqual([lead.id, lead.id]);
		expect(sim.tokenCalls).toBe(2);
		// The stale token got one 401, then the new token served both items.
		expect(apiCalls().map((call) => call.status)).toEqual([401, 200, 200]);
	});

	it('reports a refused key and secret without leaking them and without sending API requests', async () => {
		const result = await runNode({
			type: 'propertyFinder',
			parameters: { resource: 'crmLead', operation: 'get', leadId: '5' },
			items: [{}],
			credentials: {
				propertyFinderExpertApi: { ...credentials().propertyFinderExpertApi, apiSecret: 'wrong-secret-value' },
			},
		});
		expect(result.error?.message).toMatch(/PF Expert CRM: the API key and secret were refused \(HTTP 401\): Client authentication failed/);
		expect(apiCalls()).toHaveLength(0);
		expect(sim.tokenCalls).toBe(0);
		// One token request: the refusal must not make n8n-core ask for a token a second time.
		expect(sim.calls('POST', EXPERT_TOKEN_PATH)).toHaveLength(1);
		expectNoSecret(result.error);
		expect(JSON.stringify(result.error)).not.toContain('wrong-secret-value');
	});
});

describe('PF Expert CRM → create', () => {
	it('sends the seed body (snake_case, wrapped in lead, wishlist as preference) and outputs the created lead', async () => {
		const result = await run(createParams, [person(1)]);
		expect(result.error).toBeUndefined();
		const [post] = sim.calls('POST', '/leads');
		expect(post.body).toEqual({
			lead: {
				title: 'mrs',
				first_name: 'Aisha1',
				last_name: 'Khan',
				mobile: '+971501000001',
				email: 'aisha1@mail.example',
				category: 'residential',
				city: 'Dubai',
				country: 'AE',
				status: 'notYetContacted',
				quality: 'hot',
				source: 'portal',
				source_channel: 'bayut',
				financial: 'mortgage',
				mortgage_status: 'pre-approved',
				user: 2,
				notes: [{ body: 'Wants a sea view' }],
				properties: [7, 8],
				offering_type: 'sale',
				preference: {
					types: [2, 3],
					locations: ['are.2.15'],
					from_price: 1200000,
					to_price: 1500000,
					offering_type: 'sale',
					amenities: [1, 2],
					from_bedroom: 2,
					to_bedroom: 3,
				},
			},
		});
		// The duplicate check looked the normalised mobile up first.
		const [lookup] = sim.calls('GET', '/leads');
		expect(lookup.query['filters[mobile]']).toBe('+971501000001');

		const [stored] = sim.leads;
		const [out] = json(result.outputs[0]);
		expect(out).toMatchObject({
			outcome: 'created',
			leadId: stored.id,
			existingLeadId: null,
			message: null,
			id: stored.id,
			first_name: 'Aisha1',
			statusCode: 201,
		});
		expect(stored.user).toEqual({ id: 2 });
		expect(stored.notes.map((note) => note.body)).toEqual(['Wants a sea view']);
		expectPaired(result.outputs[0], [0]);
		expectNoSecret(result);
	});

	it('reports a lead whose mobile already exists as a duplicate and does not create it again', async () => {
		const existing = sim.addLead({ mobile: '+971501000002' });
		const result = await run(createParams, [person(2), person(3)]);
		const out = json(result.outputs[0]);
		expect(out[0]).toMatchObject({ outcome: 'duplicate', leadId: null, existingLeadId: existing.id });
		expect(out[1]).toMatchObject({ outcome: 'created' });
		expect(sim.calls('POST', '/leads')).toHaveLength(1);
		expect(sim.leads).toHaveLength(2);
	});

	it('sends a repeated mobile of the same run once; later items come out as duplicates of the first', async () => {
		const result = await run({ ...createParams, options: { checkExisting: false } }, [person(4), person(4)]);
		const out = json(result.outputs[0]);
		expect(out[0].outcome).toBe('created');
		expect(out[1]).toMatchObject({ outcome: 'duplicate', duplicateOf: 0, existingLeadId: out[0].leadId });
		expect(sim.calls('POST', '/leads')).toHaveLength(1);
		expect(sim.calls('GET', '/leads')).toHaveLength(0);
		expectPaired(result.outputs[0], [0, 1]);
	});

	it('routes duplicates to the Duplicate output when asked to', async () => {
		sim.addLead({ mobile: '+971501000005' });
		const result = await run({ ...createParams, onDuplicate: 'separateOutput' }, [person(5), person(6)]);
		expect(json(result.outputs[0]).map((out) => out.outcome)).toEqual(['created']);
		expect(json(result.outputs[1]).map((out) => out.outcome)).toEqual(['duplicate']);
		expectPaired(result.outputs[1], [0]);
	});

	it.each([
		['First Name', { first: '' }, /First Name: is required but empty/],
		['Mobile', { mobile: 'call me' }, /Mobile: "call me" is not a phone number/],
		['Title', { title: 'sir' }, /Title: "sir" is not allowed/],
		['Email', { email: 'not-an-email' }, /Email: "not-an-email" is not a valid e-mail address/],
	])('refuses a bad %s before any request', async (_field, override, message) => {
		const result = await run(createParams, [{ ...person(7), ...override }]);
		expect(result.error?.message).toMatch(message);
		expect(sim.requests).toHaveLength(0);
	});

	it.each([
		['Preference', { preference: {} }, /Preference: is required but empty/],
		['Types', { preference: { values: { ...(createParams.preference as { values: IDataObject }).values, types: '' } } }, /Preference › Types: is required/],
		['Max Price', { preference: { values: { ...(createParams.preference as { values: IDataObject }).values, toPrice: 'lots' } } }, /Preference › Max Price: "lots" is not an amount/],
		['price range', { preference: { values: { ...(createParams.preference as { values: IDataObject }).values, fromPrice: '2M' } } }, /Preference › Min Price: 2000000 is more than Max Price 1500000/],
		['Min Bedrooms', { preference: { values: { ...(createParams.preference as { values: IDataObject }).values, fromBedroom: 'two' } } }, /Preference › Min Bedrooms: "two" is not a whole number/],
		['Country', { country: '={{ "" }}' }, /Country: is required but empty/],
		['Assigned User ID', { additionalFields: { userId: 'abc' } }, /Assigned User ID: "abc" is not an ID/],
	])('refuses a bad %s before any request', async (_field, override, message) => {
		const result = await run({ ...createParams, ...override }, [person(8)]);
		expect(result.error?.message).toMatch(message);
		expect(sim.requests).toHaveLength(0);
	});

	it('with continueOnFail, a bad item becomes an error item and the others are still created', async () => {
		const result = await run(createParams, [person(9), { ...person(10), mobile: 'x' }, person(11)], {
			continueOnFail: true,
		});
		const out = json(result.outputs[0]);
		expect(out.map((o) => o.outcome ?? 'error')).toEqual(['created', 'error', 'created']);
		expect(out[1].error).toMatch(/Mobile/);
		expectPaired(result.outputs[0], [0, 1, 2]);
		expect(sim.leads).toHaveLength(2);
	});

	it('shows the API validation message when the API refuses the lead (channel not of the source)', async () => {
		const result = await run({ ...createParams, sourceChannel: 'facebook' }, [person(12)]);
		expect(result.error?.message).toMatch(/PF Expert CRM: Validation Failed \(source_channel: The channel must belong to the source "portal"\.\)/);
		expect(sim.leads).toHaveLength(0);
		expectNoSecret(result.error);
	});

	it('does not send the create again after a 500 (it may have been saved) and says so', async () => {
		sim.fault({ kind: 'status', status: 500 }, { match: (req) => req.method === 'POST' && req.path === '/leads' });
		const result = await run(createParams, [person(13)]);
		expect(result.error?.message).toMatch(/unknown whether created/);
		expect(sim.calls('POST', '/leads')).toHaveLength(1);
	});
});

describe('PF Expert CRM → get, delete, status, assignment', () => {
	it('gets a lead (unwrapped), expanded on request, with the API warning surfaced', async () => {
		const lead = sim.addLead({ user: { id: 3 } });
		sim.warning = 'API v2 is deprecated, move to v3 before 2026-01-01';
		const result = await run({ operation: 'get', leadId: String(lead.id), options: { expandData: true } });
		const [out] = json(result.outputs[0]);
		expect(out).toMatchObject({
			id: lead.id,
			first_name: lead.first_name,
			user: { id: 3, first_name: 'Ravi', last_name: 'Menon' },
			apiWarning: 'API v2 is deprecated, move to v3 before 2026-01-01',
		});
		expect(out.lead).toBeUndefined();
		expect(apiCalls()[0].headers['x-mycrm-expand-data']).toBe('true');

		const plain = await run({ operation: 'get', leadId: String(lead.id) });
		expect(json(plain.outputs[0])[0].user).toEqual({ id: 3 });
	});

	it('explains an unknown lead (404) and refuses a non-numeric ID before any request', async () => {
		const missing = await run({ operation: 'get', leadId: '999999' });
		expect(missing.error?.message).toBe('PF Expert CRM: Lead 999999 not found');
		expect(missing.error?.description).toMatch(/No lead has this ID/);

		sim.resetLog();
		const badId = await run({ operation: 'get', leadId: 'abc' });
		expect(badId.error?.message).toMatch(/Lead ID: "abc" is not an ID/);
		expect(sim.requests).toHaveLength(0);
	});

	it('deletes a lead with DELETE /leads/{id} and outputs success', async () => {
		const lead = sim.addLead();
		const keep = sim.addLead();
		const result = await run({ operation: 'delete', leadId: String(lead.id) });
		expect(json(result.outputs[0])).toEqual([{ success: true, deleted: true, leadId: lead.id }]);
		expect(sim.leads.map((l) => l.id)).toEqual([keep.id]);
		expect(apiCalls().map((call) => `${call.method} ${call.path}`)).toEqual([`DELETE /leads/${lead.id}`]);
	});

	it('updates the status with a PATCH replace operation (204)', async () => {
		const lead = sim.addLead();
		const result = await run({ operation: 'updateStatus', leadId: String(lead.id), status: 'qualified' });
		expect(json(result.outputs[0])).toEqual([{ success: true, leadId: lead.id, status: 'qualified' }]);
		const [patch] = apiCalls();
		expect(patch.method).toBe('PATCH');
		expect(patch.path).toBe(`/leads/${lead.id}`);
		// The seed's unambiguous form, "/{id}/status" (as in bulk actions), not the bare "/status".
		expect(patch.body).toEqual({ operations: [{ op: 'replace', path: `/${lead.id}/status`, value: 'qualified' }] });
		expect(sim.lead(lead.id)?.status).toBe('qualified');
	});

	it('refuses an unknown status from an expression before any request', async () => {
		const result = await run({ operation: 'updateStatus', leadId: '1', status: '={{ "hot lead" }}' });
		expect(result.error?.message).toMatch(/Status: "hot lead" is not allowed/);
		expect(sim.requests).toHaveLength(0);
	});

	it('assigns a lead to an agent with the assignment/user operation', async () => {
		const lead = sim.addLead({ user: { id: 1 } });
		const result = await run({ operation: 'assign', leadId: String(lead.id), userId: '={{ $json.agent }}' }, [{ agent: 2 }]);
		expect(json(result.outputs[0])).toEqual([{ success: true, leadId: lead.id, userId: 2 }]);
		expect(apiCalls()[0].body).toEqual({ operations: [{ op: 'replace', path: `/${lead.id}/assignment/user`, value: 2 }] });
		expect(sim.lead(lead.id)?.user).toEqual({ id: 2 });
	});

	it('shows the API message when the agent does not exist', async () => {
		const lead = sim.addLead();
		const result = await run({ operation: 'assign', leadId: String(lead.id), userId: '77' });
		expect(result.error?.message).toBe('PF Expert CRM: User 77 does not exist');
	});
});

describe('PF Expert CRM → update', () => {
	it('reads the lead, lays the changes over it and PUTs the whole lead (untouched fields kept)', async () => {
		const lead = sim.addLead({ quality: 'average', financial: 'cash' });
		const result = await run({
			operation: 'update',
			leadId: String(lead.id),
			updateFields: {
				status: 'prospect',
				mobile: '0559876543',
				preference: { values: { toPrice: '2M' } },
				notes: 'Called back',
			},
		});
		expect(result.error).toBeUndefined();
		const calls = apiCalls();
		expect(calls.map((call) => call.method)).toEqual(['GET', 'PUT']);
		expect(calls[0].headers['x-mycrm-expand-data']).toBe('true');
		const sent = (calls[1].body as { lead: IDataObject }).lead;
		expect(sent).toMatchObject({
			first_name: lead.first_name,
			last_name: lead.last_name,
			status: 'prospect',
			mobile: '+971559876543',
			quality: 'average',
			financial: 'cash',
			category: 'residential',
			source_channel: 'email',
			notes: [{ body: 'Called back' }],
			preference: { types: [2], locations: ['are.3.1200'], from_price: 1200000, to_price: 2000000, amenities: [1] },
		});
		const stored = sim.lead(lead.id)!;
		expect(stored.status).toBe('prospect');
		expect(stored.preferences[0].to_price).toBe(2000000);
		expect(json(result.outputs[0])[0]).toMatchObject({ id: lead.id, status: 'prospect', mobile: '+971559876543' });
	});

	it('asks for a mandatory field the stored lead lacks instead of sending an invalid PUT', async () => {
		const lead = sim.addLead({ financial: null });
		const result = await run({ operation: 'update', leadId: String(lead.id), updateFields: { status: 'prospect' } });
		expect(result.error?.message).toMatch(/Update Fields › Financial: lead \d+ has no value/);
		expect(sim.calls('PUT', /\/leads\//)).toHaveLength(0);

		const fixed = await run({
			operation: 'update',
			leadId: String(lead.id),
			updateFields: { status: 'prospect', financial: 'mortgage' },
		});
		expect(fixed.error).toBeUndefined();
		expect(sim.lead(lead.id)?.financial).toBe('mortgage');
	});

	it('refuses an empty update and bad values before any request', async () => {
		const empty = await run({ operation: 'update', leadId: '5', updateFields: {} });
		expect(empty.error?.message).toMatch(/Update Fields: no field to change/);
		const badQuality = await run({ operation: 'update', leadId: '5', updateFields: { quality: 'great' } });
		expect(badQuality.error?.message).toMatch(/Update Fields › Quality: "great" is not allowed/);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('PF Expert CRM → bulk actions', () => {
	it('bulk-updates status and agent with one PATCH /leads of per-id operations', async () => {
		const [a, b, c] = [sim.addLead(), sim.addLead(), sim.addLead()];
		const result = await run(
			{ operation: 'bulkUpdate', leadIds: '={{ $json.ids }}', updateFields: { status: 'contractSent', userId: '3' } },
			[{ ids: [a.id, b.id] }],
		);
		expect(json(result.outputs[0])).toEqual([
			{ success: true, leadIds: [a.id, b.id], count: 2, status: 'contractSent', userId: 3 },
		]);
		const [patch] = apiCalls();
		expect(patch.path).toBe('/leads');
		expect(patch.body).toEqual({
			operations: [
				{ op: 'replace', path: `/${a.id}/status`, value: 'contractSent' },
				{ op: 'replace', path: `/${a.id}/assignment/user`, value: 3 },
				{ op: 'replace', path: `/${b.id}/status`, value: 'contractSent' },
				{ op: 'replace', path: `/${b.id}/assignment/user`, value: 3 },
			],
		});
		expect([a, b, c].map((lead) => sim.lead(lead.id)?.status)).toEqual(['contractSent', 'contractSent', 'notYetContacted']);
	});

	it('bulk update needs at least one change and never a wildcard id', async () => {
		const noChange = await run({ operation: 'bulkUpdate', leadIds: '1,2', updateFields: {} });
		expect(noChange.error?.message).toMatch(/Update Fields: no change chosen/);
		const wildcard = await run({ operation: 'bulkUpdate', leadIds: '*', updateFields: { status: 'prospect' } });
		expect(wildcard.error?.message).toMatch(/Lead IDs: "\*" is not an ID/);
		expect(sim.requests).toHaveLength(0);
	});

	it('bulk-deletes exactly the listed leads (comma-separated text)', async () => {
		const [a, b, c] = [sim.addLead(), sim.addLead(), sim.addLead()];
		const result = await run({ operation: 'bulkDelete', leadIds: `${a.id}, ${c.id}` });
		expect(json(result.outputs[0])).toEqual([{ success: true, deleted: true, leadIds: [a.id, c.id], count: 2 }]);
		expect(apiCalls()[0].body).toEqual({ leads: [a.id, c.id] });
		expect(sim.leads.map((lead) => lead.id)).toEqual([b.id]);
	});

	it.each([
		['an empty string', '={{ "" }}'],
		['an empty list from an expression', '={{ [] }}'],
		['blanks and commas', ' , ,'],
		['a missing field', '={{ $json.nothing }}'],
	])('refuses %s before any request, so the API never deletes every lead', async (_case, leadIds) => {
		sim.addLead();
		sim.addLead();
		const result = await run({ operation: 'bulkDelete', leadIds });
		expect(result.error?.message).toMatch(/Lead IDs: is empty; nothing was deleted/);
		expect(result.error?.description).toMatch(/deletes ALL leads/);
		expect(sim.requests).toHaveLength(0);
		expect(sim.deleteAllCount).toBe(0);
		expect(sim.leads).toHaveLength(2);
	});

	it('with continueOnFail, an item with no IDs fails alone and the other items are deleted', async () => {
		const [a, b] = [sim.addLead(), sim.addLead()];
		const result = await run({ operation: 'bulkDelete', leadIds: '={{ $json.ids }}' }, [{ ids: [a.id] }, { ids: [] }, { ids: String(b.id) }], {
			continueOnFail: true,
		});
		const out = json(result.outputs[0]);
		expect(out[0]).toMatchObject({ success: true, leadIds: [a.id] });
		expect(out[1].error).toMatch(/Lead IDs: is empty/);
		expect(out[2]).toMatchObject({ success: true, leadIds: [b.id] });
		expectPaired(result.outputs[0], [0, 1, 2]);
		expect(sim.deleteAllCount).toBe(0);
		expect(sim.leads).toHaveLength(0);
		expect(sim.calls('DELETE', '/leads').every((call) => ((call.body as { leads: number[] }).leads ?? []).length > 0)).toBe(true);
	});
});
