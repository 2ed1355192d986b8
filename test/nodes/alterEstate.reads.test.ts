import { runInNewContext } from 'node:vm';
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { LoadOptionsContext } from 'n8n-core';

import { expectNoSecrets, useSimulator } from '../harness/assert';
import type { RunNodeOptions } from '../harness/n8n';
import {
	PACKAGE,
	TestCredentialsHelper,
	TestNodeTypes,
	additionalDataFor,
	packageCredentialTypes,
	runNode,
} from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';

const API_KEY = 'test-alterestate-key-77aa01';
const PUBLIC_TOKEN = 'test-alterestate-aetoken-c0ffee';
const sim = useSimulator(new AlterEstateSimulator(API_KEY, PUBLIC_TOKEN));

beforeEach(() => sim.reset());

function credentials(overrides: IDataObject = {}): Record<string, ICredentialDataDecryptedObject> {
	return {
		alterEstateApi: { apiKey: API_KEY, publicToken: PUBLIC_TOKEN, baseUrl: sim.url, ...overrides } as ICredentialDataDecryptedObject,
	};
}

function run(parameters: IDataObject, items: IDataObject[] = [{}], extra: Partial<RunNodeOptions> = {}) {
	return runNode({ type: 'alterEstate', parameters, items, credentials: credentials(), ...extra });
}

function expectNoSecret(value: unknown) {
	expectNoSecrets(value, [API_KEY, PUBLIC_TOKEN]);
}

const agents = { resource: 'agent', operation: 'getAll' };
const properties = { resource: 'property', operation: 'getAll' };

describe('AlterEstate → agents', () => {
	it('lists the active agents with the aetoken header and no write key', async () => {
		const result = await run({ ...agents, returnAll: true });
		expect(result.error).toBeUndefined();
		const [request] = sim.calls('GET', '/api/v1/agents/');
		expect(request.headers.aetoken).toBe(PUBLIC_TOKEN);
		expect(request.headers.authorization).toBeUndefined();
		const active = sim.agents.filter((agent) => agent.active);
		expect(result.outputs[0].map((item) => item.json.email)).toEqual(active.map((agent) => agent.email));
		expect(result.outputs[0].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it('applies the limit', async () => {
		const result = await run({ ...agents, returnAll: false, limit: 1 });
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json.id).toBe(sim.agents[0].id);
	});

	it('each input item gets its own list, paired to it', async () => {
		const result = await run({ ...agents, returnAll: true }, [{}, {}]);
		const active = sim.agents.filter((agent) => agent.active).length;
		expect(result.outputs[0]).toHaveLength(active * 2);
		expect(result.outputs[0].slice(active).every((item) => JSON.stringify(item.pairedItem) === '{"item":1}')).toBe(true);
		expect(sim.requests).toHaveLength(2);
	});

	it('without a public token: a clear error and no request', async () => {
		const result = await run({ ...agents, returnAll: true }, [{}], { credentials: credentials({ publicToken: '' }) });
		expect(result.error?.message).toMatch(/no Public Token/);
		expect(result.error?.description).toMatch(/Public Token/);
		expect(sim.requests).toHaveLength(0);
	});

	it('a wrong public token: the API message and which token to fix, without the token', async () => {
		const result = await run({ ...agents, returnAll: true }, [{}], {
			credentials: credentials({ publicToken: 'wrong-aetoken-123456' }),
		});
		expect(result.error?.message).toBe('AlterEstate: Invalid token.');
		expect(result.error?.description).toMatch(/public token/);
		expect(JSON.stringify(result.run)).not.toContain('wrong-aetoken-123456');
	});
});

describe('AlterEstate → properties', () => {
	it('pages through {count, next, results} until there is no next page', async () => {
		const result = await run({ ...properties, returnAll: true });
		expect(result.error).toBeUndefined();
		const calls = sim.calls('GET', '/api/v1/properties/filter/');
		expect(calls.map((call) => call.query.page)).toEqual(['1', '2', '3']);
		expect(calls.every((call) => call.headers.aetoken === PUBLIC_TOKEN && !call.headers.authorization)).toBe(true);
		expect(result.outputs[0].map((item) => item.json.uid)).toEqual(sim.properties.map((p) => p.uid));
		expect(result.outputs[0].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it('stops paging once the limit is reached', async () => {
		const result = await run({ ...properties, returnAll: false, limit: 25 });
		expect(result.outputs[0]).toHaveLength(25);
		expect(sim.requests).toHaveLength(2);
		expect(result.outputs[0][24].json.uid).toBe(sim.properties[24].uid);
	});

	it('a property listed between page fetches shifts the pages: each property comes out once, none is lost', async () => {
		const listed = sim.properties.map((p) => p.uid);
		expect(listed.length).toBeGreaterThan(sim.pageSize * 2);
		// Listed first while page 2 is asked for: every later property moves one place on, so
		// the last property of page 1 is served again at the top of page 2.
		const newcomer = { ...sim.properties[0], cid: 9999, uid: 'PU-NEW', slug: 'property-new' };
		sim.fault({ kind: 'slow', delayMs: 0 }, { match: (req) => req.query.page === '2' && sim.properties.unshift(newcomer) > 0 });
		const result = await run({ ...properties, returnAll: true });
		expect(result.error).toBeUndefined();
		const uids = result.outputs[0].map((item) => item.json.uid as string);
		expect(uids.filter((uid) => uid === listed[sim.pageSize - 1])).toHaveLength(1);
		expect(new Set(uids).size).toBe(uids.length);
		expect(uids.filter((uid) => listed.includes(uid)).sort()).toEqual([...listed].sort());
	});

	it('sends the filters in the API spelling and returns what matches', async () => {
		const result = await run({
			...properties,
			returnAll: true,
			filters: {
				search: 'ocean',
				listingType: 'sale',
				category: '1',
				cityName: 'Santo Domingo',
				sector: 'Piantini',
				currency: 'usd',
				priceMin: '100k',
				priceMax: '1,500,000',
				roomsMin: 1,
				roomsMax: 4,
				bathroomsMin: 1,
				areaMin: 50,
				areaMax: 1000,
				agent: '134',
			},
		});
		expect(result.error).toBeUndefined();
		const [request] = sim.requests;
		expect(request.query).toEqual({
			search: 'ocean',
			listing_type: '1',
			category: '1',
			city_name: 'Santo Domingo',
			sector: 'Piantini',
			currency: 'USD',
			value_min: '100000',
			value_max: '1500000',
			rooms_min: '1',
			rooms_max: '4',
			bath_min: '1',
			area_min: '50',
			area_max: '1000',
			agent: '134',
			page: '1',
		});
		const expected = sim.properties.filter(
			(p) =>
				/ocean/i.test(p.name + p.short_description) &&
				p.listing_type[0].id === 1 &&
				p.category.id === 1 &&
				p.city === 'Santo Domingo' &&
				(p.sale_price ?? 0) >= 100_000 &&
				(p.sale_price ?? 0) <= 1_500_000 &&
				p.agents.includes(134),
		);
		expect(expected.length).toBeGreaterThan(1);
		expect(expected.length).toBeLessThan(sim.properties.length);
		expect(result.outputs[0].map((item) => item.json.uid)).toEqual(expected.map((p) => p.uid));
	});

	it('an empty result gives no items and one request', async () => {
		const result = await run({ ...properties, returnAll: true, filters: { search: 'no such place' } });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0] ?? []).toHaveLength(0);
		expect(sim.requests).toHaveLength(1);
	});

	describe('bad filters are refused before any request', () => {
		// [label, filters, message, the fix the description must give]
		const cases: Array<[string, IDataObject, RegExp, RegExp]> = [
			['price min', { priceMin: 'cheap' }, /^Price Min: "cheap" is not an amount/, /^Enter a plain amount such as 1500000/],
			['price order', { priceMin: '2M', priceMax: '1M' }, /^Price Min: 2000000 is more than Price Max 1000000/, /^Swap the two values or correct one/],
			['rooms order', { roomsMin: 4, roomsMax: 2 }, /^Rooms Min: 4 is more than Rooms Max 2/, /^Swap the two values or correct one/],
			['rooms', { roomsMin: '={{ "many" }}' }, /^Rooms Min: "many" is not a number/, /^Enter a number such as 2, or remove the filter/],
			['category', { category: 'apartment' }, /^Category ID: "apartment" is not an ID/, /^Enter the numeric AlterEstate ID, or remove the filter/],
			['agent', { agent: 'maria' }, /^Agent ID: "maria" is not an ID/, /^Enter the numeric AlterEstate ID, or remove the filter/],
			['currency', { currency: 'dollars' }, /^Currency: "dollars" is not a currency code/, /^Use a three-letter code such as USD/],
			['listing type', { listingType: '={{ "lease" }}' }, /^Listing Type: "lease" is not allowed/, /^Use one of: sale, rent/],
		];
		it.each(cases)('%s', async (_label, filters, message, fix) => {
			const result = await run({ ...properties, returnAll: true, filters });
			expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toMatch(fix);
			expect(sim.requests).toHaveLength(0);
		});

		it('a limit below 1 from an expression', async () => {
			const result = await run({ ...properties, returnAll: false, limit: '={{ 0 }}' });
			expect(result.error?.message).toMatch(/^Limit: 0 is not a positive whole number/);
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('gets one property by slug, or by a pasted page address', async () => {
		const property = sim.properties[3];
		const result = await run({ resource: 'property', operation: 'get', slug: '={{ $json.slug }}' }, [
			{ slug: property.slug },
			{ slug: `https://www.agency.example/propiedad/${sim.properties[4].slug}/?ref=ad` },
		]);
		expect(result.error).toBeUndefined();
		expect(sim.requests.map((request) => request.path)).toEqual([
			`/api/v1/properties/view/${property.slug}/`,
			`/api/v1/properties/view/${sim.properties[4].slug}/`,
		]);
		expect(result.outputs[0]).toHaveLength(2);
		expect(result.outputs[0][0].json).toMatchObject({ uid: property.uid, slug: property.slug });
		expect(result.outputs[0][0].json.agents).toEqual([expect.objectContaining({ id: 135 })]);
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('an unknown slug: the API message and what to check; continueOnFail keeps the others', async () => {
		const result = await run(
			{ resource: 'property', operation: 'get', slug: '={{ $json.slug }}' },
			[{ slug: 'no-such-property' }, { slug: sim.properties[0].slug }],
			{ continueOnFail: true },
		);
		const [missing, found] = result.outputs[0];
		expect(missing.json.error).toBe('AlterEstate: Not found.');
		expect(missing.json.errorDescription).toMatch(/slug/);
		expect(missing.pairedItem).toEqual({ item: 0 });
		expect(found.json.uid).toBe(sim.properties[0].uid);
		expect(found.pairedItem).toEqual({ item: 1 });
	});

	it('a slug that is not one is refused before any request', async () => {
		const result = await run({ resource: 'property', operation: 'get', slug: 'two words' });
		expect(result.error?.message).toMatch(/^Slug: "two words" is not a property slug/);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('AlterEstate reads: faults are retried (reads are safe to repeat)', () => {
	it('500, 503 and 429 (with and without Retry-After) are repeated until the answer comes', async () => {
		sim.fault({ kind: 'status', status: 500 });
		sim.fault({ kind: 'status', status: 503, retryAfter: '0' });
		sim.fault({ kind: 'status', status: 429, retryAfter: '0' });
		sim.fault({ kind: 'status', status: 429 });
		const result = await run({ ...agents, returnAll: true });
		expect(sim.requests.map((request) => request.status)).toEqual([500, 503, 429, 429, 200]);
		expect(result.outputs[0].length).toBeGreaterThan(0);
	});

	it('a hang past the timeout and a malformed body are repeated', async () => {
		sim.fault({ kind: 'hang' });
		sim.fault({ kind: 'malformed' });
		const result = await run({ resource: 'property', operation: 'get', slug: sim.properties[0].slug, options: { timeout: 1000 } });
		expect(result.error).toBeUndefined();
		expect(sim.requests.map((request) => request.fault ?? 'ok')).toEqual(['hang', 'malformed', 'ok']);
		expect(result.outputs[0][0].json.uid).toBe(sim.properties[0].uid);
	});

	it('an HTML page is reported as a block, not repeated', async () => {
		sim.fault({ kind: 'html', status: 403 });
		const result = await run({ ...properties, returnAll: true });
		expect(result.error?.message).toMatch(/web page instead of data \(HTTP 403\).*firewall/);
		expect(sim.requests).toHaveLength(1);
	});

	it('a read that keeps failing ends in an error item with continueOnFail', async () => {
		sim.fault({ kind: 'status', status: 500, body: { detail: 'Server Error' }, retryAfter: '0' }, { times: 6 });
		const result = await run({ ...agents, returnAll: true }, [{}], { continueOnFail: true });
		expect(sim.requests).toHaveLength(6);
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json.error).toBe('AlterEstate: Server Error');
		expect(result.outputs[0][0].pairedItem).toEqual({ item: 0 });
		expectNoSecret(result.run);
	});
});

/** Runs a loadOptions method the way the editor does, through n8n-core's LoadOptionsContext. */
async function loadOptions(method: string, creds: Record<string, ICredentialDataDecryptedObject>) {
	const nodeTypes = new TestNodeTypes();
	const type = nodeTypes.getByNameAndVersion(`${PACKAGE}.alterEstate`);
	const node: INode = {
		id: 'subject',
		name: 'AlterEstate',
		type: `${PACKAGE}.alterEstate`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'lead', operation: 'create' },
		credentials: { alterEstateApi: { id: 'alterEstateApi-id', name: 'AlterEstate account' } },
	};
	const workflow = new Workflow({ id: 'wf', nodes: [node], connections: {}, nodeTypes, active: false });
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalDataFor(new TestCredentialsHelper(creds)),
		'parameters.additionalFields.related',
	);
	return await type.methods!.loadOptions![method].call(context);
}

describe('AlterEstate → "Related Agent" list', () => {
	it('lists active agents by name, valued by email', async () => {
		const options = await loadOptions('getAgents', credentials());
		const active = sim.agents.filter((agent) => agent.active);
		expect(options).toEqual(
			active
				.map((agent) => ({ name: agent.full_name, value: agent.email, description: agent.email }))
				.sort((a, b) => a.name.localeCompare(b.name)),
		);
		expect(sim.requests[0].headers.aetoken).toBe(PUBLIC_TOKEN);
	});

	it('without a public token: a message that says what to add or how to type the email', async () => {
		await expect(loadOptions('getAgents', credentials({ publicToken: '' }))).rejects.toThrow(
			/no Public Token.*expression and enter the agent's email/,
		);
		expect(sim.requests).toHaveLength(0);
	});
});

/**
 * The credential test as n8n's credential tester runs it: the declarative request with the
 * credential's authentication applied, then the responseSuccessBody rules.
 */
async function credentialTest(creds: ICredentialDataDecryptedObject): Promise<{ ok: boolean; message?: string }> {
	const type = packageCredentialTypes().alterEstateApi;
	const request = type.test!.request;
	const baseURLExpression = String(request.baseURL).replace(/^=\{\{/, '').replace(/\}\}$/, '');
	const baseURL = runInNewContext(baseURLExpression, { $credentials: creds }) as string;
	const authenticate = type.authenticate as unknown as (
		c: ICredentialDataDecryptedObject,
		o: IDataObject,
	) => Promise<{ headers: Record<string, string> }>;
	const options = await authenticate(creds, { method: request.method, url: request.url, headers: {} });
	const response = await fetch(`${baseURL}${request.url}`, {
		method: request.method,
		headers: { ...options.headers, 'Content-Type': 'application/json' },
		body: JSON.stringify(request.body),
	});
	const body = (await response.json()) as IDataObject;
	for (const rule of type.test!.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (body[rule.properties.key] === rule.properties.value) return { ok: false, message: rule.properties.message };
	}
	return { ok: true };
}

describe('AlterEstate API credential', () => {
	it('a valid key passes without creating a lead (400 missing field)', async () => {
		const outcome = await credentialTest({ apiKey: API_KEY, baseUrl: `${sim.url}/` });
		expect(outcome).toEqual({ ok: true });
		expect(sim.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/leads/', status: 400 });
		expect(sim.contacts).toHaveLength(0);
	});

	it('a base URL pasted with /api/v1 works as well', async () => {
		const outcome = await credentialTest({ apiKey: API_KEY, baseUrl: `${sim.url}/api/v1` });
		expect(outcome.ok).toBe(true);
		expect(sim.requests[0].path).toBe('/api/v1/leads/');
	});

	it('a wrong key fails with a message, and so does an empty one', async () => {
		const wrong = await credentialTest({ apiKey: 'wrong-key-000000', baseUrl: sim.url });
		expect(wrong.ok).toBe(false);
		expect(wrong.message).toMatch(/refused the API key/);
		const empty = await credentialTest({ apiKey: '', baseUrl: sim.url });
		expect(empty.ok).toBe(false);
		expect(sim.requests.map((request) => request.status)).toEqual([401, 401]);
	});

	it('reads carry only the public token and writes only the API key', async () => {
		const type = packageCredentialTypes().alterEstateApi;
		const authenticate = type.authenticate as unknown as (c: IDataObject, o: IDataObject) => Promise<{ headers: IDataObject }>;
		const creds = { apiKey: API_KEY, publicToken: PUBLIC_TOKEN };
		expect((await authenticate(creds, { method: 'GET', url: 'x' })).headers).toEqual({ aetoken: PUBLIC_TOKEN });
		expect((await authenticate(creds, { method: 'POST', url: 'x' })).headers).toEqual({
			Authorization: `Token ${API_KEY}`,
		});
		expect((await authenticate({ apiKey: API_KEY }, { method: 'GET', url: 'x' })).headers).toEqual({});
	});
});
