import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { RequestContext, ServiceSpec } from '../../nodes/shared/transport';
import { baseUrlOf, joinUrl, requestFor, serviceRequest } from '../../nodes/shared/transport';
import { alterEstateRead, alterEstateReadService } from '../../nodes/AlterEstate/transport';
import { pfService } from '../../nodes/PropertyFinder/transport/enterprise';

/** A context whose HTTP layer records what it was asked to send and answers `answer`. */
function fakeContext(credentials: IDataObject, answer: (options: IHttpRequestOptions) => unknown) {
	const sent: IHttpRequestOptions[] = [];
	const ctx = {
		getNode: () => ({ id: '1', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCredentials: async () => credentials,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				sent.push(options);
				return answer(options);
			},
		},
	} as unknown as RequestContext;
	return { ctx, sent };
}

const ok = () => ({ statusCode: 200, headers: {}, body: { ok: true } });

const service: ServiceSpec = {
	name: 'Example',
	credentialType: 'exampleApi',
	defaultBaseUrl: 'https://api.example.test',
	baseUrlSuffix: '/api/v1',
	errorMessage: (body) => (body as IDataObject | undefined)?.message as string | undefined,
};

describe('the base URL of a service request', () => {
	it.each([
		['', 'https://api.example.test'],
		['https://eu.example.test/', 'https://eu.example.test'],
		['  https://eu.example.test//  ', 'https://eu.example.test'],
		['https://eu.example.test/api/v1', 'https://eu.example.test'],
		['https://eu.example.test/api/v1/', 'https://eu.example.test'],
		// Only the ending is dropped: a prefix elsewhere is part of the address.
		['https://eu.example.test/api/v1/tenant', 'https://eu.example.test/api/v1/tenant'],
	])('credential Base URL %j is read as %j', (configured, expected) => {
		expect(baseUrlOf(service, { baseUrl: configured })).toBe(expected);
	});

	it('keeps a pasted /api/v1 for a service whose paths do not carry it', () => {
		const { baseUrlSuffix, ...plain } = service;
		expect(baseUrlSuffix).toBe('/api/v1');
		expect(baseUrlOf(plain, { baseUrl: 'https://eu.example.test/api/v1' })).toBe('https://eu.example.test/api/v1');
	});

	it('joins base and path with exactly one slash', () => {
		expect(joinUrl('https://a.test/', '/leads')).toBe('https://a.test/leads');
		expect(joinUrl('https://a.test', 'leads')).toBe('https://a.test/leads');
	});

	it('sends to the credential base URL joined with the path, with the service headers', async () => {
		const { ctx, sent } = fakeContext({ baseUrl: 'https://eu.example.test/api/v1/' }, ok);
		const request = requestFor({ ...service, defaultHeaders: { 'User-Agent': 'ua' } });
		const response = await request.call(ctx, { method: 'GET', path: '/api/v1/leads/', idempotent: true });
		expect(response.body).toEqual({ ok: true });
		expect(sent).toHaveLength(1);
		expect(sent[0].url).toBe('https://eu.example.test/api/v1/leads/');
		expect(sent[0].headers).toMatchObject({ Accept: 'application/json', 'User-Agent': 'ua' });
	});
});

describe('what a service spec adds to every request', () => {
	it('writes query arrays the service way unless the request says otherwise', async () => {
		const { ctx, sent } = fakeContext({}, ok);
		const paced = { ...service, arrayFormat: 'repeat' as const };
		await serviceRequest.call(ctx, paced, { method: 'GET', path: '/a', idempotent: true });
		await serviceRequest.call(ctx, paced, { method: 'GET', path: '/b', idempotent: true, arrayFormat: 'brackets' });
		expect(sent.map((options) => options.arrayFormat)).toEqual(['repeat', 'brackets']);
	});

	it('refuses a request whose required credential field is empty before anything is sent', async () => {
		const { ctx, sent } = fakeContext({ apiKey: 'k-123456', publicToken: '   ' }, ok);
		const error = await alterEstateRead.call(ctx, { path: '/api/v1/agents/' }, 3).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(alterEstateReadService.requiredCredential?.message);
		expect((error as NodeOperationError).description).toBe(alterEstateReadService.requiredCredential?.fix);
		expect((error as NodeOperationError).context.itemIndex).toBe(3);
		expect(sent).toHaveLength(0);
	});

	it('hands advice the failure kind, method and path the operation wrote', async () => {
		const { ctx } = fakeContext({ apiKey: 'k-123456' }, () => {
			throw { message: 'Forbidden', response: { status: 403, data: { title: 'Forbidden' }, headers: {} } };
		});
		const error = await serviceRequest
			.call(ctx, pfService, { method: 'GET', path: '/v1/users', idempotent: true }, 0)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).description).toContain('lacks users:read for GET /v1/users');
	});

	it('answers a firewall page with the firewall advice whatever the status', async () => {
		const page = '<html><body>Access denied</body></html>';
		for (const status of [200, 401, 403]) {
			const { ctx } = fakeContext({}, () =>
				status === 200
					? { statusCode: 200, headers: {}, body: page }
					: (() => {
							throw { message: 'x', response: { status, data: page, headers: {} } };
						})(),
			);
			const error = await serviceRequest
				.call(ctx, pfService, { method: 'GET', path: '/v1/leads', idempotent: false }, 0)
				.catch((e: unknown) => e);
			expect((error as NodeApiError).description).toMatch(/firewall blocked the request/);
		}
	});

	it('turns anything else that escapes the request into an n8n error with the item', async () => {
		const { ctx } = fakeContext({}, ok);
		const failingPacer = { acquire: async () => Promise.reject(new Error('pacer broke')), pause: () => undefined };
		const error = await serviceRequest
			.call(ctx, service, { method: 'GET', path: '/a', idempotent: true, pace: failingPacer }, 5)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('pacer broke');
		expect((error as NodeOperationError).context.itemIndex).toBe(5);
	});
});

describe('the credential of a run (read once, not once per request)', () => {
	function countingContext(credentials: IDataObject) {
		let reads = 0;
		const given: unknown[] = [];
		const ctx = {
			getNode: () => ({
				id: '1',
				name: 'Node',
				type: 'test',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
				credentials: { exampleApi: { id: 'c1', name: 'Example account' } },
			}),
			getCredentials: async () => {
				reads++;
				return credentials;
			},
			helpers: {
				httpRequestWithAuthentication: async (
					_type: string,
					_options: IHttpRequestOptions,
					additional?: { credentialsDecrypted?: { data?: IDataObject } },
				) => {
					given.push(additional?.credentialsDecrypted);
					// As n8n does after a token refresh (preAuthentication): merged into the object given.
					if (additional?.credentialsDecrypted?.data) additional.credentialsDecrypted.data.accessToken ??= 'tok-refreshed-0001';
					return { statusCode: 200, headers: {}, body: { echo: 'tok-refreshed-0001 and k-secret-123456' } };
				},
			},
		} as unknown as RequestContext;
		return { ctx, given, reads: () => reads };
	}

	it('reads the credential once for many requests of one run and hands it to n8n', async () => {
		const { ctx, given, reads } = countingContext({ apiKey: 'k-secret-123456' });
		const request = requestFor(service);
		const answers = await Promise.all(
			Array.from({ length: 25 }, async (_, i) => await request.call(ctx, { method: 'GET', path: `/r/${i}`, idempotent: true })),
		);
		expect(reads()).toBe(1);
		expect(given).toHaveLength(25);
		expect(given[0]).toMatchObject({ id: 'c1', name: 'Example account', type: 'exampleApi' });
		// One object for the run: a token n8n merges into it is seen by the next request.
		expect(new Set(given).size).toBe(1);
		// The refreshed token and the key are redacted from every answer.
		for (const answer of answers) expect(JSON.stringify(answer.body)).not.toMatch(/tok-refreshed|k-secret/);
	});

	it('reads it again for another run (another context)', async () => {
		const first = countingContext({ apiKey: 'k-secret-123456' });
		const second = countingContext({ apiKey: 'k-secret-123456' });
		await requestFor(service).call(first.ctx, { method: 'GET', path: '/a', idempotent: true });
		await requestFor(service).call(second.ctx, { method: 'GET', path: '/a', idempotent: true });
		expect([first.reads(), second.reads()]).toEqual([1, 1]);
	});

	it('does not keep a failed read: the next request asks n8n again', async () => {
		let reads = 0;
		const { ctx } = fakeContext({}, ok);
		(ctx as unknown as { getCredentials: () => Promise<IDataObject> }).getCredentials = async () => {
			reads++;
			if (reads === 1) throw new Error('Credential not found');
			return { apiKey: 'k-secret-123456' };
		};
		await expect(requestFor(service).call(ctx, { method: 'GET', path: '/a', idempotent: true })).rejects.toThrow(
			'Credential not found',
		);
		await expect(requestFor(service).call(ctx, { method: 'GET', path: '/a', idempotent: true })).resolves.toMatchObject({
			statusCode: 200,
		});
		expect(reads).toBe(2);
	});
});
