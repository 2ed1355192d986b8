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
