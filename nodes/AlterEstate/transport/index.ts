import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiResponse, RequestContext, RequestSpec, ServiceSpec } from '../../shared/transport';
import { apiRequest, joinUrl } from '../../shared/transport';

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

/** The write side: POST /leads/ with the API key. */
export const alterEstateWriteService: ServiceSpec = {
	name: 'AlterEstate',
	credentialType: 'alterEstateApi',
	errorMessage,
	advice(statusCode) {
		if (statusCode === 401 || statusCode === 403) {
			return 'AlterEstate did not accept the API key. Copy the API key again from your AlterEstate account into the "AlterEstate API" credential.';
		}
		return undefined;
	},
};

/** The read side: agents and properties with the public token (aetoken). */
export const alterEstateReadService: ServiceSpec = {
	name: 'AlterEstate',
	credentialType: 'alterEstateApi',
	errorMessage,
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

async function baseUrlOf(ctx: RequestContext): Promise<{ baseUrl: string; publicToken: string }> {
	const credentials = await ctx.getCredentials('alterEstateApi');
	// Accept a base URL pasted with the /api/v1 prefix: the paths below already carry it.
	const baseUrl = String(credentials.baseUrl || ALTERESTATE_DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/api\/v1$/, '');
	return { baseUrl, publicToken: String(credentials.publicToken ?? '').trim() };
}

export const MISSING_PUBLIC_TOKEN =
	'The AlterEstate credential has no Public Token, which AlterEstate requires to read agents and properties';
export const MISSING_PUBLIC_TOKEN_FIX =
	'Add the public token (aetoken) of your AlterEstate account to the "Public Token" field of the "AlterEstate API" credential.';

/** A create (POST). Not repeated after an ambiguous failure unless `idempotent` says so. */
export async function alterEstateWrite(
	this: RequestContext,
	spec: Omit<RequestSpec, 'url' | 'method'> & { path: string },
	itemIndex?: number,
): Promise<ApiResponse<IDataObject>> {
	const { baseUrl } = await baseUrlOf(this);
	const url = joinUrl(baseUrl, spec.path);
	return (await apiRequest.call(
		this,
		alterEstateWriteService,
		{ ...spec, method: 'POST', url },
		itemIndex,
	)) as ApiResponse<IDataObject>;
}

/** A read (GET) with the public token; safe to repeat. */
export async function alterEstateRead<T = unknown>(
	this: RequestContext,
	spec: { path: string; qs?: IDataObject; timeout?: number },
	itemIndex?: number,
): Promise<ApiResponse<T>> {
	const { baseUrl, publicToken } = await baseUrlOf(this);
	if (!publicToken) {
		throw new NodeOperationError(this.getNode(), MISSING_PUBLIC_TOKEN, {
			itemIndex,
			description: MISSING_PUBLIC_TOKEN_FIX,
		});
	}
	const url = joinUrl(baseUrl, spec.path);
	return (await apiRequest.call(
		this,
		alterEstateReadService,
		{ method: 'GET', url, qs: spec.qs, timeout: spec.timeout, idempotent: true },
		itemIndex,
	)) as ApiResponse<T>;
}

/** AlterEstate answers a plain list of active agents; a paginated `{results}` is read as well. */
export function agentList(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	if (body && typeof body === 'object' && Array.isArray((body as IDataObject).results)) {
		return (body as IDataObject).results as IDataObject[];
	}
	return [];
}
