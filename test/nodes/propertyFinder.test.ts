import { randomBytes } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { expectNoSecrets, seenByWorkflow, useSimulator } from '../harness/assert';
import type { RunNodeResult } from '../harness/n8n';
import { TestCredentialsHelper, runNode } from '../harness/n8n';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';

// Generated per run: never a real key, and never a literal in the source.
const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair(`pf-action-${randomBytes(12).toString('hex')}`);
const sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let credentials: Record<string, IDataObject>;

useSimulator(sim);
beforeAll(() => {
	credentials = { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } };
});
beforeEach(() => {
	sim.resetLog();
	sim.clearFaults();
	sim.leads.length = 0;
	sim.firewall = false;
	sim.onLeadsPage = undefined;
	sim.now = Date.now();
	sim.tokenCalls = 0;
	sim.tokens.clear();
	sim.scopes = new Set(['leads:read', 'users:read', 'listings:read', 'webhooks:full_access']);
});

async function run(
	parameters: IDataObject,
	items: IDataObject[] = [{}],
	extra: { continueOnFail?: boolean; credentialsHelper?: TestCredentialsHelper; credentials?: Record<string, IDataObject> } = {},
): Promise<RunNodeResult> {
	return await runNode({
		type: 'propertyFinder',
		parameters,
		items,
		credentials: (extra.credentials ?? credentials) as RunNodeResult['credentialsHelper']['store'],
		credentialsHelper: extra.credentialsHelper,
		continueOnFail: extra.continueOnFail,
	});
}

const getAll = (extra: IDataObject = {}) => ({ resource: 'lead', operation: 'getAll', ...extra });

function jsons(result: RunNodeResult): IDataObject[] {
	return (result.outputs[0] ?? []).map((item) => item.json);
}

function expectNoSecret(result: RunNodeResult) {
	expectNoSecrets(seenByWorkflow(result), [API_KEY, API_SECRET, ...sim.tokens.keys()]);
}

function expectPaired(items: INodeExecutionData[], expected?: number[]) {
	for (const item of items) expect(item.pairedItem).toEqual({ item: expect.any(Number) });
	if (expected) expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(expected);
}

const leadCalls = () => sim.calls('GET', '/v1/leads');

describe('authentication and token caching', () => {
	test('one token for 200 items and for 20 pages', async () => {
		const leads = Array.from({ length: 1000 }, () => sim.addLead());
		const perItem = await run(
			{ resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' },
			leads.slice(0, 200).map((lead) => ({ id: lead.id })),
		);
		expect(perItem.error).toBeUndefined();
		expect(jsons(perItem).map((lead) => lead.id)).toEqual(leads.slice(0, 200).map((lead) => lead.id));
		expectPaired(perItem.outputs[0], Array.from({ length: 200 }, (_, i) => i));
		expect(sim.tokenCalls).toBe(1);
		expect(perItem.credentialsHelper.preAuthentications.propertyFinderApi).toBe(1);
		expect(leadCalls()).toHaveLength(200);

		sim.resetLog();
		const paged = await run(getAll({ returnAll: true }), [{}], { credentialsHelper: perItem.credentialsHelper });
		expect(paged.error).toBeUndefined();
		expect(jsons(paged)).toHaveLength(1000);
		expect(leadCalls()).toHaveLength(20);
		expect(leadCalls().every((call) => call.query.perPage === '50')).toBe(true);
		// The stored token is reused by the next execution: still one token call in total.
		expect(sim.tokenCalls).toBe(1);
		expect(sim.calls('POST', '/v1/auth/token')).toHaveLength(0);
		for (const call of leadCalls()) {
			expect(call.headers.authorization).toMatch(/^Bearer pf-token-/);
			// The package names itself to Property Finder (the contract's package name).
			expect(call.headers['user-agent']).toBe('n8n-nodes-property-leads');
			expect(call.headers['x-pf-error-format']).toBe('problem-json-v2');
		}
		expectNoSecret(paged);
	});

	test('an expired token is refreshed once, mid-run, and the run succeeds', async () => {
		for (let i = 0; i < 120; i++) sim.addLead();
		sim.onLeadsPage = (page) => {
			if (page === 1) sim.advance(31 * MINUTE);
		};
		const result = await run(getAll({ returnAll: true, filters: { orderDirection: 'asc' } }));
		expect(result.error).toBeUndefined();
		expect(jsons(result)).toHaveLength(120);
		expect(new Set(jsons(result).map((lead) => lead.id)).size).toBe(120);
		expect(sim.tokenCalls).toBe(2);
		expect(result.credentialsHelper.preAuthentications.propertyFinderApi).toBe(2);
		expect(leadCalls().map((call) => call.status)).toEqual([200, 401, 200, 200]);
		expectNoSecret(result);
	});

	test('a token stored by an earlier execution that has expired is replaced by exactly one new one', async () => {
		sim.addLead();
		const first = await run(getAll({ returnAll: true }));
		expect(sim.tokenCalls).toBe(1);
		sim.advance(sim.tokenTtlSec * 1000 + 1000);
		const second = await run(getAll({ returnAll: true }), [{}], { credentialsHelper: first.credentialsHelper });
		expect(second.error).toBeUndefined();
		expect(jsons(second)).toHaveLength(1);
		expect(sim.tokenCalls).toBe(2);
	});

	test('a wrong key or secret gives a clear error without the secret', async () => {
		const result = await run(getAll(), [{}], {
			credentials: { propertyFinderApi: { ...credentials.propertyFinderApi, apiSecret: pfKeyPair('someone else').apiSecret } },
		});
		expect(result.error?.message).toMatch(/^Property Finder: API key and secret refused by the token endpoint \(HTTP 401\)/);
		expect(result.error?.message).toMatch(/Invalid API key or secret/);
		expect(leadCalls()).toHaveLength(0);
		// One token request: n8n-core asks for a token again after a 401, which a refused key
		// and secret must not trigger (the refusal is not shaped as a top-level 401 response).
		expect(sim.calls('POST', '/v1/auth/token')).toHaveLength(1);
		const text = JSON.stringify({ outputs: result.outputs, error: result.error, message: result.error?.message });
		expect(text).not.toContain(API_SECRET);
		expect(text).not.toContain(API_KEY);
	});

	test('the token endpoint rate limit is reported as such', async () => {
		// Property Finder sends no Retry-After; "0" here only keeps the transport's retries quick.
		sim.fault(
			{ kind: 'status', status: 429, retryAfter: '0', body: { type: 'RATE_LIMIT', title: 'Too Many Requests', detail: 'Rate limit exceeded' } },
			{ times: 20, match: (req) => req.path === '/v1/auth/token' },
		);
		const result = await run(getAll(), [{}], { continueOnFail: true });
		const [item] = jsons(result);
		expect(String(item.error)).toMatch(/rate limiting requests \(HTTP 429\).*Too many token requests/);
		expect(sim.calls('POST', '/v1/auth/token').length).toBeGreaterThan(1);
		expect(leadCalls()).toHaveLength(0);
		expectNoSecret(result);
	});
});

describe('lead getAll', () => {
	test('every filter reaches the API in the documented form', async () => {
		const result = await run(
			getAll({
				returnAll: false,
				limit: 5,
				filters: {
					channel: ['whatsapp', 'call'],
					status: ['replied'],
					entityType: ['listing', 'project'],
					createdAtFrom: new Date(Date.now() - 5 * DAY).toISOString().replace('Z', '+00:00'),
					createdAtTo: '2099-01-01T10:00:00+04:00',
					listingReference: 'APT-100, APT-101',
					listingId: '01JLST0000',
					publicProfileId: ['1001', '1002'],
					projectId: 'p-1',
					developerId: 'd-1,d-2',
					search: 'Ahmed',
					tag: 'hot',
					excludeTag: 'spam,test',
					senderName: 'Ahmed Khan',
					senderPhone: '050 123 4567',
					senderEmail: 'Ahmed@Mail.Example',
					listingCategory: 'residential',
					listingOffering: 'sale',
					orderBy: 'createdAt',
					orderDirection: 'asc',
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const [call] = leadCalls();
		const expectedFrom = new Date(Date.now() - 5 * DAY).toISOString().slice(0, 16);
		// Arrays as repeated keys under the names of the API description (a single value is one
		// key, read back as a string): channel=whatsapp&channel=call, never channel[]=….
		expect(call.query).toEqual({
			channel: ['whatsapp', 'call'],
			status: 'replied',
			entityType: ['listing', 'project'],
			createdAtFrom: expect.stringMatching(new RegExp(`^${expectedFrom}:\\d{2}Z$`)),
			createdAtTo: '2099-01-01T06:00:00Z',
			listingReference: ['APT-100', 'APT-101'],
			listingId: '01JLST0000',
			publicProfileId: ['1001', '1002'],
			projectId: 'p-1',
			developerId: ['d-1', 'd-2'],
			search: 'Ahmed',
			tag: 'hot',
			excludeTag: ['spam', 'test'],
			senderName: 'Ahmed Khan',
			senderPhone: '+971501234567',
			senderEmail: 'ahmed@mail.example',
			listingCategory: 'residential',
			listingOffering: 'sale',
			orderBy: 'createdAt',
			orderDirection: 'asc',
			page: '1',
			perPage: '5',
		});
		// The raw "+04:00" would have turned into a space; the simulator rejects that with 400.
		expect(call.status).toBe(200);
	});

	test('filters select the right leads', async () => {
		const call = sim.addLead({ channel: 'call', status: 'replied' });
		sim.addLead({ channel: 'email', status: 'sent' });
		const tagged = sim.addLead({ channel: 'call', status: 'read', tags: ['hot'] });
		const result = await run(getAll({ returnAll: true, filters: { channel: ['call'], excludeTag: 'hot' } }));
		expect(jsons(result).map((lead) => lead.id)).toEqual([call.id]);
		const byTag = await run(getAll({ returnAll: true, filters: { tag: 'hot' } }));
		expect(jsons(byTag).map((lead) => lead.id)).toEqual([tagged.id]);
	});

	test('dates without an offset are read in the workflow time zone and sent as UTC', async () => {
		await run(getAll({ filters: { createdAtTo: '2099-03-01T12:00:00' } }));
		// The test workflow has no time zone setting: n8n's default is America/New_York.
		expect(leadCalls()[0].query.createdAtTo).toMatch(/^2099-03-01T\d{2}:00:00Z$/);
	});

	test('createdAtFrom older than 3 months is clamped with a notice, not an error', async () => {
		const lead = sim.addLead();
		const before = Date.now();
		const result = await run(getAll({ returnAll: true, filters: { createdAtFrom: '={{ $now.minus(200, "days").toISO() }}' } }));
		expect(result.error).toBeUndefined();
		const sent = Date.parse(String(leadCalls()[0].query.createdAtFrom));
		expect(sent).toBeGreaterThanOrEqual(before - 88 * DAY - 2000);
		expect(sent).toBeLessThanOrEqual(Date.now() - 88 * DAY + 2000);
		const [item] = jsons(result);
		expect(item.id).toBe(lead.id);
		expect(String(item.notice)).toMatch(/3-month limit/);
		const hints = result.run.data.resultData.runData.Subject[0].hints ?? [];
		expect(hints.map((hint) => hint.message).join(' ')).toMatch(/3-month limit/);
	});

	test('a recent createdAtFrom is sent unchanged and adds no notice', async () => {
		sim.addLead();
		const from = new Date(Date.now() - 3 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const result = await run(getAll({ returnAll: true, filters: { createdAtFrom: from } }));
		expect(leadCalls()[0].query.createdAtFrom).toBe(from);
		expect(jsons(result)[0].notice).toBeUndefined();
	});

	test.each(['asc', 'desc'])('a lead created between page fetches loses and repeats nothing (%s)', async (direction) => {
		const existing = Array.from({ length: 120 }, (_, i) => sim.addLead({ createdAt: new Date(Date.now() - (200 - i) * MINUTE).toISOString() }));
		let inserted: string | undefined;
		sim.onLeadsPage = (page) => {
			if (page === 1) inserted = sim.addLead().id;
		};
		const result = await run(getAll({ returnAll: true, simplify: false, filters: { orderBy: 'createdAt', orderDirection: direction } }));
		expect(result.error).toBeUndefined();
		const ids = jsons(result).map((lead) => String(lead.id));
		expect(new Set(ids).size).toBe(ids.length);
		for (const lead of existing) expect(ids).toContain(lead.id);
		if (direction === 'asc') expect(ids).toContain(inserted);
		expect(leadCalls().length).toBeGreaterThanOrEqual(3);
	});

	test('limit stops early and asks only for what is needed', async () => {
		for (let i = 0; i < 80; i++) sim.addLead();
		const result = await run(getAll({ returnAll: false, limit: 60 }));
		expect(jsons(result)).toHaveLength(60);
		expect(leadCalls().map((call) => [call.query.page, call.query.perPage])).toEqual([
			['1', '50'],
			['2', '50'],
		]);
	});

	test('simplify on gives the flat shape; off returns the API object unchanged', async () => {
		const lead = sim.addLead({
			channel: 'call',
			call: { talkTime: 42, waitTime: 3, recordFile: 'https://recordings.example/1.mp3' },
			project: { id: '7d9f2c1e-4b1a-4c3e-9a52-0f6b8e2d1c34' },
		});
		const simple = await run(getAll({ returnAll: true }));
		expect(jsons(simple)[0]).toEqual({
			id: lead.id,
			name: lead.sender.name,
			phone: lead.sender.contacts.find((c) => c.type === 'phone')!.value,
			email: lead.sender.contacts.find((c) => c.type === 'email')!.value,
			whatsapp: null,
			channel: 'call',
			status: lead.status,
			entityType: 'listing',
			listingId: lead.listing!.id,
			listingReference: lead.listing!.reference,
			agentPublicProfileId: lead.publicProfile.id,
			projectId: lead.project!.id,
			developerId: null,
			callRecordingUrl: 'https://recordings.example/1.mp3',
			callTalkTime: 42,
			responseLink: null,
			tags: lead.tags,
			distributionType: null,
			createdAt: lead.createdAt,
		});
		const raw = await run(getAll({ returnAll: true, simplify: false }));
		expect(jsons(raw)[0]).toEqual(JSON.parse(JSON.stringify(lead)));
	});

	test('WhatsApp leads carry the WhatsApp number and response link', async () => {
		const lead = sim.addLead({ channel: 'whatsapp' });
		const [item] = jsons(await run(getAll({ returnAll: true })));
		// The description knows only email and phone contacts: a WhatsApp lead's number is its phone.
		expect(item.whatsapp).toBe(lead.sender.contacts.find((c) => c.type === 'phone')!.value);
		expect(item.responseLink).toBe(lead.responseLink);
	});

	test('resolveAgent: one users request per distinct agent per execution, not per lead', async () => {
		for (let i = 0; i < 30; i++) sim.addLead();
		sim.addLead({ publicProfile: { id: 999999 } });
		const profiles = new Set(sim.leads.map((lead) => String(lead.publicProfile.id)));
		const result = await run(getAll({ returnAll: true, options: { resolveAgent: true } }), [{}, {}, {}]);
		expect(result.error).toBeUndefined();
		const items = jsons(result);
		expect(items).toHaveLength(31 * 3);
		const users = sim.calls('GET', '/v1/users');
		expect(users).toHaveLength(1);
		expect(String(users[0].query.publicProfileId).split(',').sort()).toEqual([...profiles].sort());
		const byProfile = new Map(sim.users.filter((u) => u.publicProfile).map((u) => [u.publicProfile!.id, u]));
		for (const item of items) {
			const user = byProfile.get(item.agentPublicProfileId as number);
			expect(item.agentUserId).toBe(user?.id ?? null);
			expect(item.agentName).toBe(user ? `${user.firstName} ${user.lastName ?? ''}`.trim() : null);
			expect(item.agentEmail).toBe(user?.email ?? null);
			expect(item.agentPhone).toBe(user ? (user.mobile ?? user.publicProfile!.phone) : null);
		}
		expectPaired(result.outputs[0]);

		sim.resetLog();
		const raw = await run(getAll({ returnAll: true, simplify: false, options: { resolveAgent: true } }));
		expect(sim.calls('GET', '/v1/users')).toHaveLength(1);
		const first = jsons(raw).find((lead) => (lead.publicProfile as IDataObject).id === 1001)!;
		expect(first.agent).toMatchObject({ publicProfileId: 1001, name: 'Sarah Jones' });
	});

	test('without resolveAgent no users request is made', async () => {
		sim.addLead();
		await run(getAll({ returnAll: true }));
		expect(sim.calls('GET', '/v1/users')).toHaveLength(0);
	});
});

describe('lead get', () => {
	test('gets one lead via ?id= (the description has no id[] and no GET /v1/leads/{id})', async () => {
		sim.addLead();
		const lead = sim.addLead();
		const result = await run({ resource: 'lead', operation: 'get', leadId: lead.id });
		expect(jsons(result)).toEqual([expect.objectContaining({ id: lead.id, name: lead.sender.name })]);
		expect(leadCalls()[0].query).toMatchObject({ id: lead.id });
		const raw = await run({ resource: 'lead', operation: 'get', leadId: lead.id, simplify: false });
		expect(jsons(raw)[0]).toEqual(JSON.parse(JSON.stringify(lead)));
	});

	test('an unknown id is a clear error', async () => {
		const result = await run({ resource: 'lead', operation: 'get', leadId: 'call_lead_404' });
		expect(result.error?.message).toMatch(/Lead ID: Property Finder has no lead "call_lead_404"/);
	});

	test('continueOnFail: bad and unknown items become error items, the others go through', async () => {
		const a = sim.addLead();
		const b = sim.addLead();
		const result = await run(
			{ resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' },
			[{ id: a.id }, { id: '' }, { id: 'missing_lead_1' }, { id: b.id }],
			{ continueOnFail: true },
		);
		const items = result.outputs[0];
		expectPaired(items, [0, 1, 2, 3]);
		expect(items[0].json.id).toBe(a.id);
		expect(String(items[1].json.error)).toMatch(/Lead ID: is required/);
		expect(String(items[2].json.error)).toMatch(/no lead "missing_lead_1"/);
		expect(items[3].json.id).toBe(b.id);
		// The empty id never reached the API.
		expect(leadCalls().map((call) => call.query.id)).toEqual([a.id, 'missing_lead_1', b.id]);
		expectNoSecret(result);
	});
});

describe('bad input fails before any request', () => {
	// [label, parameters, message, the fix the description must give]
	test.each<[string, IDataObject, RegExp, RegExp]>([
		['limit 0', getAll({ returnAll: false, limit: 0 }), /Limit:/, /^Enter 1 or more, or switch on "Return All"/],
		['bad date', getAll({ filters: { createdAtFrom: 'yesterday-ish' } }), /Created After: "yesterday-ish" is not a date/, /^Pick a date, or map an ISO date/],
		['bad end date', getAll({ filters: { createdAtTo: 'soon' } }), /Created Before:/, /^Pick a date, or map an ISO date/],
		[
			'from after to',
			getAll({ filters: { createdAtFrom: new Date(Date.now() - DAY).toISOString(), createdAtTo: new Date(Date.now() - 2 * DAY).toISOString() } }),
			/Created After: .* is later than Created Before/,
			/^Swap the two dates or correct one/,
		],
		['profile id', getAll({ filters: { publicProfileId: ['agent-7'] } }), /Public Profile Names or IDs: "agent-7"/, /choose agents from the list/],
		['sender email', getAll({ filters: { senderEmail: 'not-an-email' } }), /Sender Emails: "not-an-email"/, /^Use the form name@example\.com; separate several with commas/],
		['lead id', { resource: 'lead', operation: 'get', leadId: '  ' }, /Lead ID: is required/, /^Enter a value or map one from the input/],
		['lead id list', { resource: 'lead', operation: 'get', leadId: 'a, b' }, /Lead ID: .* contains spaces or commas/, /^Enter one lead ID such as call_lead_1992/],
		['user id', { resource: 'user', operation: 'get', userId: 'sarah' }, /User ID: "sarah" is not a user ID/, /Enter the user ID as a whole number such as 1234/],
		['user profile', { resource: 'user', operation: 'getAll', filters: { publicProfileId: '1001,x' } }, /Public Profile IDs: "x"/, /^Use whole numbers such as 1001, separated by commas/],
		['user email', { resource: 'user', operation: 'getAll', filters: { email: 'nope' } }, /Emails: "nope"/, /^Use the form name@example\.com; separate several with commas/],
		['reference', { resource: 'listing', operation: 'get', reference: '  ' }, /Reference: is required/, /^Enter a value or map one from the input/],
		['listing agent', { resource: 'listing', operation: 'getAll', filters: { assignedToId: ['abc'] } }, /Agent Names or IDs: "abc"/, /^Choose agents from the list, or map numbers such as 1001/],
	])('%s', async (_name, parameters, message, fix) => {
		const result = await run(parameters);
		expect(result.error?.message).toMatch(message);
		expect((result.error as { description?: string }).description).toMatch(fix);
		expect(sim.requests).toHaveLength(0);
	});

	test('one bad item stops the run before the good ones are sent', async () => {
		const lead = sim.addLead();
		const result = await run({ resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' }, [{ id: lead.id }, { id: '' }]);
		expect(result.error?.message).toMatch(/Lead ID: is required/);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('errors and faults', () => {
	test('problem-json-v2 errors are readable and carry the trace id (3-month rule)', async () => {
		// The simulator's clock runs two days ahead: the node's 88 days are 90 for the API.
		sim.advance(2 * DAY);
		const result = await run(getAll({ filters: { createdAtFrom: '={{ $now.minus(200, "days").toISO() }}' } }));
		expect(result.error?.message).toMatch(/Property Finder: Bad Request: createdAtFrom must not be older than 3 months/);
		expect(result.error?.message).toMatch(/\/createdAtFrom: The date must not be older than 3 months/);
		expect(result.error?.message).toMatch(/trace id trace-\d+/);
		expect((result.error as { description?: string }).description).toMatch(/last 3 months/);
		expect(leadCalls()).toHaveLength(1);
	});

	test('legacy problem errors are readable', async () => {
		sim.fault({
			kind: 'status',
			status: 400,
			body: { type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: '', errors: [{ detail: 'perPage must be <= 50', pointer: '/perPage' }] },
		}, { match: (req) => req.path === '/v1/leads' });
		const result = await run(getAll());
		expect(result.error?.message).toBe('Property Finder: Bad Request (/perPage: perPage must be <= 50)');
	});

	test('a 400 for a bad value from the API is not retried', async () => {
		sim.fault(
			{ kind: 'status', status: 400, body: { type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: 'channel must be one of whatsapp, email, call' } },
			{ match: (req) => req.path === '/v1/leads' },
		);
		const result = await run(getAll());
		expect(result.error?.message).toMatch(/channel must be one of/);
		expect(leadCalls()).toHaveLength(1);
	});

	test('403 names the missing scope', async () => {
		sim.scopes.delete('leads:read');
		const result = await run(getAll());
		expect(result.error?.message).toMatch(/Forbidden: Insufficient permissions/);
		expect((result.error as { description?: string }).description).toMatch(/leads:read/);
		expectNoSecret(result);
	});

	test('an HTML 403 is reported as a firewall block, not a JSON error', async () => {
		sim.firewall = 'always';
		const result = await run(getAll());
		expect(result.error?.message).toMatch(/web page instead of data \(HTTP 403\).*firewall/);
		expect(result.error?.message).not.toMatch(/JSON/);
		expect((result.error as { description?: string }).description).toMatch(/Property Finder's firewall blocked the request/);
		expectNoSecret(result);
	});

	test('the firewall lets requests with a User-Agent through', async () => {
		sim.firewall = true;
		sim.addLead();
		const result = await run(getAll());
		expect(result.error).toBeUndefined();
		expect(jsons(result)).toHaveLength(1);
		expect(sim.requests.every((request) => request.headers['user-agent'] === 'n8n-nodes-property-leads')).toBe(true);
	});

	test('429 RATE_LIMIT without Retry-After is retried with backoff', async () => {
		sim.addLead();
		sim.fault(
			{ kind: 'status', status: 429, body: { type: 'RATE_LIMIT', title: 'Too Many Requests', detail: 'Rate limit exceeded' } },
			{ times: 2, match: (req) => req.path === '/v1/leads' },
		);
		const result = await run(getAll());
		expect(result.error).toBeUndefined();
		expect(jsons(result)).toHaveLength(1);
		expect(leadCalls().map((call) => call.status)).toEqual([429, 429, 200]);
		expect(leadCalls().every((call) => call.headers['retry-after'] === undefined)).toBe(true);
	});

	test('429 with Retry-After: 0 is retried at once', async () => {
		sim.addLead();
		sim.fault({ kind: 'status', status: 429, retryAfter: '0' }, { match: (req) => req.path === '/v1/leads' });
		const result = await run(getAll());
		expect(jsons(result)).toHaveLength(1);
		expect(leadCalls().map((call) => call.status)).toEqual([429, 200]);
	});

	test.each([500, 503])('%s is retried for reads', async (status) => {
		sim.addLead();
		sim.fault({ kind: 'status', status, body: { type: 'INTERNAL', title: 'Internal error', detail: 'boom' } }, { match: (req) => req.path === '/v1/leads' });
		const result = await run(getAll());
		expect(result.error).toBeUndefined();
		expect(leadCalls().map((call) => call.status)).toEqual([status, 200]);
	});

	test('a hanging request times out and is retried', async () => {
		sim.addLead();
		sim.fault({ kind: 'hang' }, { match: (req) => req.path === '/v1/leads' });
		const result = await run(getAll({ options: { timeout: 300 } }));
		expect(result.error).toBeUndefined();
		expect(jsons(result)).toHaveLength(1);
		expect(leadCalls().map((call) => call.status)).toEqual(['hang', 200]);
	});

	test('malformed JSON is retried for reads', async () => {
		sim.addLead();
		sim.fault({ kind: 'malformed' }, { match: (req) => req.path === '/v1/leads' });
		const result = await run(getAll());
		expect(result.error).toBeUndefined();
		expect(jsons(result)).toHaveLength(1);
		expect(leadCalls()).toHaveLength(2);
	});

	test('persistent errors with continueOnFail: an error item per failing input, paired', async () => {
		sim.addLead();
		sim.fault({ kind: 'status', status: 400, body: { type: 'BUSINESS_VALIDATION', title: 'Bad Request', detail: 'nope' } }, { match: (req) => req.path === '/v1/leads' });
		const result = await run(getAll({ returnAll: true }), [{}, {}], { continueOnFail: true });
		const items = result.outputs[0];
		expect(String(items[0].json.error)).toMatch(/Bad Request: nope/);
		expect(items[1].json.id).toBe(sim.leads[0].id);
		expectPaired(items, [0, 1]);
		expectNoSecret(result);
	});
});

describe('users', () => {
	test('get by id and getAll with filters', async () => {
		const [sarah] = sim.users;
		const one = await run({ resource: 'user', operation: 'get', userId: String(sarah.id) });
		expect(jsons(one)).toEqual([JSON.parse(JSON.stringify(sarah))]);
		expect(sim.calls('GET', '/v1/users')[0].query).toMatchObject({ id: String(sarah.id) });

		sim.resetLog();
		const filtered = await run({
			resource: 'user',
			operation: 'getAll',
			returnAll: true,
			filters: { publicProfileId: '1001, 1002', status: 'active', email: 'Sarah@agency.example' },
		});
		expect(sim.calls('GET', '/v1/users')[0].query).toMatchObject({ publicProfileId: '1001,1002', status: 'active', email: 'Sarah@agency.example' });
		expect(jsons(filtered).map((user) => user.id)).toEqual([sarah.id]);

		const inactive = await run({ resource: 'user', operation: 'getAll', returnAll: false, limit: 10, filters: { status: 'inactive' } });
		expect(jsons(inactive).map((user) => user.status)).toEqual(['inactive']);
	});

	test('an unknown user is a clear error', async () => {
		const result = await run({ resource: 'user', operation: 'get', userId: '424242' });
		expect(result.error?.message).toMatch(/User ID: Property Finder has no user 424242/);
	});
});

describe('listings', () => {
	test('get by reference uses filter[reference]; unpublished only when asked', async () => {
		const live = sim.listings.find((listing) => listing.state.stage === 'live')!;
		const draft = sim.listings.find((listing) => listing.state.stage === 'draft')!;
		const archived = sim.listings.find((listing) => listing.state.stage === 'archived')!;

		const found = await run({ resource: 'listing', operation: 'get', reference: live.reference });
		expect(jsons(found)).toEqual([JSON.parse(JSON.stringify(live))]);
		expect(sim.calls('GET', '/v1/listings')[0].query).toMatchObject({ 'filter[reference]': live.reference });

		const hidden = await run({ resource: 'listing', operation: 'get', reference: draft.reference });
		expect(hidden.error?.message).toMatch(/no published listing with reference/);
		expect((hidden.error as { description?: string }).description).toMatch(/Include Unpublished/);

		sim.resetLog();
		const withDrafts = await run({ resource: 'listing', operation: 'get', reference: archived.reference, options: { includeUnpublished: true } });
		expect(jsons(withDrafts)[0].reference).toBe(archived.reference);
		expect(sim.calls('GET', '/v1/listings').map((call) => [call.query.draft, call.query.archived])).toEqual([
			[undefined, undefined],
			['true', undefined],
			[undefined, 'true'],
		]);
	});

	test('getAll reads `results` and sends the main filters', async () => {
		const all = await run({ resource: 'listing', operation: 'getAll', returnAll: true });
		expect(jsons(all).map((listing) => listing.reference)).toEqual(
			sim.listings.filter((listing) => listing.state.stage === 'live').map((listing) => listing.reference),
		);
		sim.resetLog();
		const filtered = await run({
			resource: 'listing',
			operation: 'getAll',
			returnAll: false,
			limit: 10,
			publication: 'published',
			filters: { category: 'commercial', assignedToId: ['1003'], offeringType: 'sale', type: 'office-space', bedrooms: '3' },
		});
		expect(sim.calls('GET', '/v1/listings')[0].query).toMatchObject({
			'filter[category]': 'commercial',
			'filter[assignedToId]': '1003',
			'filter[offeringType]': 'sale',
			'filter[type]': 'office-space',
			'filter[bedrooms]': '3',
		});
		expect(jsons(filtered).map((listing) => listing.reference)).toEqual(['APT-102']);
		const drafts = await run({ resource: 'listing', operation: 'getAll', returnAll: true, publication: 'draft' });
		expect(jsons(drafts).map((listing) => (listing.state as IDataObject).stage)).toEqual(['draft']);
	});
});

describe('agent dropdown', () => {
	test('getAgents lists active agents by public profile id', async () => {
		const { PropertyFinder } = await import('../../nodes/PropertyFinder/PropertyFinder.node');
		const tokenResponse = await fetch(`${sim.url}/v1/auth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'User-Agent': 'test' },
			body: JSON.stringify({ apiKey: API_KEY, apiSecret: API_SECRET }),
		});
		const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
		// A minimal load-options context: credentials plus an authenticated HTTP helper.
		const context = {
			getNode: () => ({ name: 'Property Finder', type: 'propertyFinder', typeVersion: 1, parameters: {} }),
			getCredentials: async () => ({ ...credentials.propertyFinderApi, accessToken }),
			helpers: {
				async httpRequestWithAuthentication(_type: string, options: { url: string; qs?: IDataObject; headers?: IDataObject }) {
					const url = new URL(options.url);
					for (const [key, value] of Object.entries(options.qs ?? {})) url.searchParams.append(key, String(value));
					const response = await fetch(url, {
						headers: { ...(options.headers as Record<string, string>), Authorization: `Bearer ${accessToken}` },
					});
					return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
				},
			},
		};
		const options = await new PropertyFinder().methods.loadOptions.getAgents.call(context as never);
		expect(options).toEqual(
			sim.users
				.filter((user) => user.status === 'active' && user.publicProfile)
				.map((user) => ({ name: `${user.publicProfile!.name} (${user.email})`, value: String(user.publicProfile!.id) }))
				.sort((a, b) => a.name.localeCompare(b.name)),
		);
		expect(sim.calls('GET', '/v1/users')[0].query).toMatchObject({ status: 'active' });
	});
});
