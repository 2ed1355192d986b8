/**
 * The OpenAPI glue the Property Finder simulator is held to (tooling/simulators/openapi.ts):
 * path templates, form/explode query parameters, `$ref` resolution, `nullable`, the
 * closed-world check of what a server sends — and that every query the package builds for
 * GET /v1/leads is one the description accepts, serialised the way n8n-core sends it.
 */
import { stringify } from 'qs';

import { leadQuery } from '../../nodes/PropertyFinder/transport/enterprise';
import type { RequestLike } from '../../tooling/simulators/openapi';
import { closeWorld, inline } from '../../tooling/simulators/openapi';
import { checkPfDelivery, pfContract, pfOpenApi } from '../../tooling/simulators/propertyFinderContract';
import { leadEvent } from '../../tooling/simulators/propertyFinderWebhooks';
import type { SimRequest } from '../../tooling/simulators/framework';

function request(method: string, pathAndQuery: string, extra: Partial<RequestLike> = {}): RequestLike {
	const url = new URL(pathAndQuery, 'http://127.0.0.1');
	const query: Record<string, string | string[]> = {};
	for (const key of new Set(url.searchParams.keys())) {
		const values = url.searchParams.getAll(key);
		query[key] = values.length > 1 ? values : values[0];
	}
	return { method, path: url.pathname, query, headers: {}, body: undefined, bodyError: false, rawBody: '', ...extra };
}

function problems(method: string, pathAndQuery: string, extra: Partial<RequestLike> = {}): string[] {
	const verdict = pfOpenApi().checkRequest(request(method, pathAndQuery, extra));
	return verdict.ok ? [] : verdict.errors.map((error) => `${error.pointer}: ${error.detail}`);
}

const lead = {
	id: 'call_lead_1',
	entityType: 'listing',
	channel: 'call',
	status: 'sent',
	sender: { name: 'A B', contacts: [{ type: 'phone', value: '+971501234567' }] },
	publicProfile: { id: 1001 },
	listing: { id: '01JLST0001', reference: 'APT-1' },
	tags: [],
	createdAt: '2026-01-01T10:00:00Z',
};

const ok = (body: unknown) => ({ status: 200, body });
const leadsRequest = { method: 'GET', path: '/v1/leads', query: {}, headers: {} } as unknown as SimRequest;
const pagination = { page: 1, perPage: 50, total: 1, totalPages: 1, nextPage: null, prevPage: null };

describe('path templates', () => {
	test('a templated path matches with its parameter decoded', () => {
		const { operation, params } = pfOpenApi().match('DELETE', '/v1/webhooks/lead.created_0f1e');
		expect(operation?.operationId).toBe('webhookDelete');
		expect(params).toEqual({ eventId: 'lead.created_0f1e' });
	});
	test('a literal path wins over a template that also matches', () => {
		expect(pfOpenApi().match('POST', '/v1/listing-verifications/eligibility-check').operation?.operationId).toBe(
			'listingVerificationsEligibilityCheck',
		);
	});
	test('an undeclared path is 404, an undeclared method 405', () => {
		expect(pfOpenApi().checkRequest(request('GET', '/v1/leads/call_lead_1'))).toMatchObject({ ok: false, status: 404 });
		expect(pfOpenApi().checkRequest(request('DELETE', '/v1/leads'))).toMatchObject({ ok: false, status: 405 });
	});
});

describe('query parameters (form, explode)', () => {
	test('repeated keys are one array parameter; one key is an array of one', () => {
		expect(problems('GET', '/v1/leads?channel=call&channel=email&status=sent&publicProfileId=1001')).toEqual([]);
	});
	test('the [] spelling is not a parameter of the description', () => {
		expect(problems('GET', '/v1/leads?channel%5B%5D=call')).toEqual(['/channel[]: Unknown query parameter "channel[]"']);
		expect(problems('GET', '/v1/leads?id%5B%5D=x')).toEqual(['/id[]: Unknown query parameter "id[]"']);
	});
	test('enums, types and bounds are checked per value', () => {
		expect(problems('GET', '/v1/leads?channel=chat')[0]).toMatch(/^\/channel\/0: must be equal to one of the allowed values/);
		expect(problems('GET', '/v1/leads?publicProfileId=abc')[0]).toMatch(/^\/publicProfileId\/0: must be integer/);
		expect(problems('GET', '/v1/leads?page=0')[0]).toMatch(/^\/page: must be >= 1/);
		expect(problems('GET', '/v1/leads?createdAtFrom=2026-01-01%2004:00')[0]).toMatch(/^\/createdAtFrom: must match format "date-time"/);
	});
	test('a scalar parameter given twice is refused', () => {
		expect(problems('GET', '/v1/leads?page=1&page=2')).toEqual(['/page: page takes one value, got 2']);
	});
	test('the narrowed perPage of GET /v1/leads (50) applies; users keep the component maximum (100)', () => {
		expect(problems('GET', '/v1/leads?perPage=51')[0]).toMatch(/^\/perPage: must be <= 50/);
		expect(problems('GET', '/v1/users?perPage=100')).toEqual([]);
		expect(problems('GET', '/v1/users?perPage=101')[0]).toMatch(/^\/perPage: must be <= 100/);
	});
	test('bracketed names the description does declare are accepted (listings filter[...])', () => {
		expect(problems('GET', '/v1/listings?filter%5Breference%5D=APT-1&draft=true&perPage=1')).toEqual([]);
		expect(problems('GET', '/v1/listings?filter%5Bnope%5D=1')).toEqual(['/filter[nope]: Unknown query parameter "filter[nope]"']);
	});
});

describe('request bodies', () => {
	const json = { 'content-type': 'application/json' };
	test('the token request needs a 40-character key and a 32-character secret, nothing else', () => {
		const body = { apiKey: 'k'.repeat(40), apiSecret: 's'.repeat(32) };
		expect(problems('POST', '/v1/auth/token', { headers: json, body, rawBody: JSON.stringify(body) })).toEqual([]);
		const extra = { ...body, scope: 'x' };
		expect(problems('POST', '/v1/auth/token', { headers: json, body: extra, rawBody: JSON.stringify(extra) })[0]).toMatch(
			/must NOT have additional properties/,
		);
	});
	test('a body where none is declared, or none where one is, is refused', () => {
		expect(problems('GET', '/v1/leads', { rawBody: '{}', body: {}, headers: json })).toEqual(['/: GET /v1/leads takes no body']);
		expect(problems('POST', '/v1/webhooks', { headers: json })).toEqual(['/: A request body is required']);
	});
});

describe('$ref, nullable and the closed world', () => {
	test('components are inlined without a $ref left', () => {
		expect(JSON.stringify(pfOpenApi().component('Lead'))).not.toContain('$ref');
	});
	test('nullable: true admits null next to its type', () => {
		expect(inline({}, { type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
		expect(inline({}, { type: 'string', enum: ['a'], nullable: true })).toEqual({ type: ['string', 'null'], enum: ['a', null] });
	});
	test('closing goes on the outermost schema of a composition, not on its branches', () => {
		const schema = closeWorld({ allOf: [{ type: 'object', properties: { a: {} } }, { type: 'object', properties: { b: { type: 'object', properties: { c: {} } } } }] });
		expect(schema).toEqual({
			allOf: [
				{ type: 'object', properties: { a: {} } },
				{ type: 'object', properties: { b: { type: 'object', properties: { c: {} }, unevaluatedProperties: false } } },
			],
			unevaluatedProperties: false,
		});
	});
	test('a lead as the description has it passes; one field more fails', () => {
		expect(pfContract.checkResponse(leadsRequest, ok({ data: [lead], pagination }))).toEqual([]);
		const richer = pfContract.checkResponse(leadsRequest, ok({ data: [{ ...lead, message: 'hi' }], pagination }));
		expect(richer).toEqual(['GET /v1/leads → 200: /data/0 must NOT have unevaluated properties (message)']);
	});
	test('a contact type outside email|phone fails', () => {
		const whatsapp = { ...lead, sender: { name: 'A', contacts: [{ type: 'whatsappUsername', value: 'x' }] } };
		expect(pfContract.checkResponse(leadsRequest, ok({ data: [whatsapp], pagination }))[0]).toMatch(/\/data\/0\/sender\/contacts\/0\/type must be equal to one of the allowed values/);
	});
	test('errors must be problem documents in the format the request asked for', () => {
		const v1 = { type: 'NOT_FOUND', title: 'Not Found', detail: 'x', errors: [] };
		const headers = { 'Content-Type': 'application/problem+json' };
		expect(pfContract.checkResponse(leadsRequest, { status: 404, body: v1, headers })).toEqual([]);
		expect(pfContract.checkResponse(leadsRequest, { status: 404, body: { error: 'x' }, headers }).length).toBeGreaterThan(0);
		expect(pfContract.checkResponse(leadsRequest, { status: 404, body: v1 })).toEqual([
			'GET /v1/leads → 404: an error must be application/problem+json, got "application/json"',
		]);
		const v2Request = { ...leadsRequest, headers: { 'x-pf-error-format': 'problem-json-v2' } } as SimRequest;
		expect(pfContract.checkResponse(v2Request, { status: 404, body: v1, headers }).length).toBeGreaterThan(0);
		const v2 = { ...v1, code: 'NOT_FOUND', status: 404, attributes: { trace_id: 't' } };
		expect(pfContract.checkResponse(v2Request, { status: 404, body: v2, headers })).toEqual([]);
	});
});

describe('webhook deliveries', () => {
	test('leadEvent builds exactly WHBaseEvent + WHEntityLead + WHPayloadLead', () => {
		for (const type of ['lead.created', 'lead.updated', 'lead.assigned']) {
			const event = leadEvent(type, { ...lead, call: { talkTime: 1, waitTime: 1, recordFile: 'https://r.example/1.mp3' } });
			expect(checkPfDelivery(event)).toEqual([]);
			expect(event.entity).toEqual({ id: lead.id, type: 'lead' });
			expect(Object.keys(event.payload).sort()).toEqual(['channel', 'entityType', 'listing', 'publicProfile', 'sender', 'status']);
		}
	});
	test('a payload with the lead id, createdAt, tags or call is not a delivery Property Finder sends', () => {
		const event = leadEvent('lead.created', lead);
		for (const extra of [{ id: lead.id }, { createdAt: lead.createdAt }, { tags: [] }, { call: { talkTime: 1, waitTime: 1, recordFile: 'https://x.example' } }]) {
			const richer = { ...event, payload: { ...event.payload, ...extra } };
			expect(checkPfDelivery(richer)).toEqual([`webhook lead.created: /payload must NOT have unevaluated properties (${Object.keys(extra)[0]})`]);
		}
		expect(checkPfDelivery({ ...event, id: 'not-a-uuid' })[0]).toMatch(/\/id must match format "uuid"/);
	});
});

describe('every GET /v1/leads query the package builds is accepted by the description', () => {
	test('all filters at once, serialised as n8n-core does with arrayFormat "repeat"', () => {
		const qs = leadQuery({
			channel: ['whatsapp', 'email', 'call'],
			status: ['sent', 'read'],
			entityType: ['listing', 'project'],
			listingReference: 'A-1, A-2',
			listingId: 'L1',
			publicProfileId: [1001, '1002'],
			projectId: 'p',
			developerId: 'd',
			tag: 'hot',
			excludeTag: 'spam',
			senderName: 'A B',
			senderPhone: '0501234567',
			senderEmail: 'a@b.co',
			search: 'x',
			listingCategory: 'residential',
			listingOffering: 'rent',
			orderBy: 'createdAt',
			orderDirection: 'asc',
			createdAtFrom: '2026-01-01T00:00:00+04:00',
			createdAtTo: '2026-01-02',
		});
		const wire = stringify({ ...qs, page: 1, perPage: 50 }, { arrayFormat: 'repeat' });
		expect(wire).toContain('channel=whatsapp&channel=email&channel=call');
		expect(wire).not.toContain('%5B%5D');
		expect(problems('GET', `/v1/leads?${wire}`)).toEqual([]);
	});
});

describe('the simulator enforces it', () => {
	test('an undeclared query parameter is answered 400 in the problem format; an answer outside the description is recorded and stop() throws', async () => {
		const { PropertyFinderSimulator } = await import('../../tooling/simulators/propertyFinder');
		const sim = new PropertyFinderSimulator();
		// A handler that answers with more than the description allows (GET /v1/roles → Role[]).
		sim.route('GET', '/v1/roles', (req) =>
			sim.protect(req, () => ({ status: 200, body: { data: [{ id: 1, name: 'Agent', roleKey: 'agent', baseRoleKey: 'agent', isCustom: false, secret: 'x' }] } })),
		);
		await sim.start();
		try {
			const token = await fetch(`${sim.url}/v1/auth/token`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ apiKey: sim.apiKey, apiSecret: sim.apiSecret }),
			});
			const { accessToken } = (await token.json()) as { accessToken: string };
			const headers = { Authorization: `Bearer ${accessToken}`, 'X-PF-Error-Format': 'problem-json-v2' };
			const refused = await fetch(`${sim.url}/v1/leads?channel%5B%5D=call`, { headers });
			expect(refused.status).toBe(400);
			expect(refused.headers.get('content-type')).toBe('application/problem+json');
			expect(await refused.json()).toMatchObject({ type: 'SCHEMA_VALIDATION', errors: [{ pointer: '/channel[]', detail: 'Unknown query parameter "channel[]"' }] });
			expect(sim.violations).toEqual([]);
			expect((await fetch(`${sim.url}/v1/roles`, { headers })).status).toBe(200);
			expect(sim.violations).toEqual(['GET /v1/roles → 200: /data/0 must NOT have unevaluated properties (secret)']);
		} finally {
			await expect(sim.stop()).rejects.toThrow(/broke its API description:\n- GET \/v1\/roles → 200/);
		}
	});
});
