import type { IDataObject } from 'n8n-workflow';

import type { ApiResponse, RequestContext, ServiceRequest, ServiceSpec } from '../../shared/transport';
import { requestFor } from '../../shared/transport';

export const ALTERESTATE_DEFAULT_BASE_URL = 'https://secure.alterestate.com';
export const LEADS_PATH = '/api/v1/leads/';
export const AGENTS_PATH = '/api/v1/agents/';
export const PROPERTIES_FILTER_PATH = '/api/v1/properties/filter/';
export const propertyViewPath = (slug: string) => `/api/v1/properties/view/${encodeURIComponent(slug)}/`;

/** AlterEstate's own message: `{status:"error", message}` from the leads API, `{detail}` from the framework. */
function errorMessage(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const object = body as IDataObject;
	for (const key of ['message', 'detail', 'error']) {
		if (typeof object[key] === 'string' && object[key] !== '') return object[key] as string;
	}
	return undefined;
}

export const MISSING_PUBLIC_TOKEN =
	'The AlterEstate credential has no Public Token, which AlterEstate requires to read agents and properties';
export const MISSING_PUBLIC_TOKEN_FIX =
	'Add the public token (aetoken) of your AlterEstate account to the "Public Token" field of the "AlterEstate API" credential.';

/** What both sides share: the credential, the base URL (a pasted /api/v1 is dropped: the paths carry it), errors. */
const alterEstate = {
	name: 'AlterEstate',
	credentialType: 'alterEstateApi',
	defaultBaseUrl: ALTERESTATE_DEFAULT_BASE_URL,
	baseUrlSuffix: '/api/v1',
	errorMessage,
};

/** The write side: POST /leads/ with the API key. */
export const alterEstateWriteService: ServiceSpec = {
	...alterEstate,
	advice(statusCode) {
		if (statusCode === 401 || statusCode === 403) {
			return 'AlterEstate did not accept the API key. Copy the API key again from your AlterEstate account into the "AlterEstate API" credential.';
		}
		return undefined;
	},
};

/** The read side: agents and properties with the public token (aetoken). */
export const alterEstateReadService: ServiceSpec = {
	...alterEstate,
	requiredCredential: { field: 'publicToken', message: MISSING_PUBLIC_TOKEN, fix: MISSING_PUBLIC_TOKEN_FIX },
	advice(statusCode) {
		if (statusCode === 401 || statusCode === 403) {
			return 'AlterEstate did not accept the public token. Copy the public token (aetoken) again from your AlterEstate account into the "Public Token" field of the "AlterEstate API" credential.';
		}
		if (statusCode === 404) {
			return 'Nothing was found at this address. Check the property slug (the last part of the property page address) and the Base URL of the credential.';
		}
		return undefined;
	},
};

const write = requestFor(alterEstateWriteService);
const read = requestFor(alterEstateReadService);

/** A create (POST). Not repeated after an ambiguous failure unless `idempotent` says so. */
export async function alterEstateWrite(
	this: RequestContext,
	spec: Omit<ServiceRequest, 'method'>,
	itemIndex?: number,
): Promise<ApiResponse<IDataObject>> {
	return await write.call(this, { ...spec, method: 'POST' }, itemIndex);
}

/** A read (GET) with the public token; safe to repeat. */
export async function alterEstateRead<T = unknown>(
	this: RequestContext,
	spec: Pick<ServiceRequest, 'path' | 'qs' | 'timeout'>,
	itemIndex?: number,
): Promise<ApiResponse<T>> {
	const { path, qs, timeout } = spec;
	return (await read.call(this, { method: 'GET', path, qs, timeout, idempotent: true }, itemIndex)) as ApiResponse<T>;
}

/** AlterEstate answers a plain list of active agents; a paginated `{results}` is read as well. */
export function agentList(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	if (body && typeof body === 'object' && Array.isArray((body as IDataObject).results)) {
		return (body as IDataObject).results as IDataObject[];
	}
	return [];
}
