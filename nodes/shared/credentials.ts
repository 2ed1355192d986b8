import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { tokenOwnerProperty } from './token';

/**
 * The pieces every credential type (credentials/*.credentials.ts) is built from: its fields,
 * its header authentication and its test request. A credential file keeps what n8n and the
 * public contract read there as literals (class name, `name`, `displayName`, icon,
 * documentationUrl) and names only what differs from the other services.
 */

/** The base URL description of every credential whose node adds the whole path. */
const SANDBOX_ONLY = 'Change only for a staging server or the local sandbox';

/** A secret text field: password-typed, so n8n masks it and never shows it again. */
function secretField(displayName: string, name: string, description: string, required: boolean): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		typeOptions: { password: true },
		...(required ? { required: true } : {}),
		default: '',
		description,
	};
}

/** `apiKey`: the key every service's credential starts with (required). */
export function apiKeyField(description: string): INodeProperties {
	return secretField('API Key', 'apiKey', description, true);
}

/** `apiSecret`: the secret of a key-and-secret pair (required). */
export function apiSecretField(description: string): INodeProperties {
	return secretField('API Secret', 'apiSecret', description, true);
}

/** An optional secret, e.g. AlterEstate's read token. */
export function optionalSecretField(displayName: string, name: string, description: string): INodeProperties {
	return secretField(displayName, name, description, false);
}

/** A server address with its production default (`baseUrl`, `tokenUrl`). */
export function urlField(
	displayName: string,
	name: string,
	defaultUrl: string,
	description = SANDBOX_ONLY,
): INodeProperties {
	return { displayName, name, type: 'string', default: defaultUrl, description };
}

/** `baseUrl`: the production host by default, so staging servers and the sandbox can be used. */
export function baseUrlField(defaultUrl: string, description = SANDBOX_ONLY): INodeProperties {
	return urlField('Base URL', 'baseUrl', defaultUrl, description);
}

/**
 * The hidden fields of a credential with an expirable bearer token (see token.ts): the token
 * n8n stores after `preAuthentication`, and the hash of the values it was issued for.
 */
export const bearerTokenFields: INodeProperties[] = [
	{
		displayName: 'Access Token',
		name: 'accessToken',
		type: 'hidden',
		typeOptions: { expirable: true, password: true },
		default: '',
	},
	tokenOwnerProperty,
];

/** The API key sent as one header on every request (`header: <apiKey>`). */
export function apiKeyHeader(header: string): IAuthenticateGeneric {
	return {
		type: 'generic',
		properties: { headers: { [header]: '={{$credentials.apiKey}}' } },
	};
}

/** The credential's base URL without trailing slashes, as an expression of the test request. */
export const TEST_BASE_URL = '={{$credentials.baseUrl.replace(/\\/+$/, "")}}';

/**
 * A credential test for an API with no read endpoint: a create the API must refuse as invalid
 * (nothing is stored), so a valid key gets a 4xx about the body. HTTP errors are therefore not
 * failures; the test fails on the body the API answers a wrong or missing key with:
 * `refusals` maps each such `answerKey` value to the message n8n shows.
 */
export function refusedWriteTest(
	request: Pick<IHttpRequestOptions, 'url' | 'body'> & { baseURL?: string },
	answerKey: string,
	refusals: Record<string, string>,
): ICredentialTestRequest {
	return {
		request: {
			baseURL: request.baseURL ?? TEST_BASE_URL,
			url: request.url,
			method: 'POST',
			body: request.body,
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: Object.entries(refusals).map(([value, message]) => ({
			type: 'responseSuccessBody' as const,
			properties: { key: answerKey, value, message },
		})),
	};
}

/**
 * A credential test that reads one record: 403 means the key works but lacks the right to
 * read, 401 that the key (or key and secret) was refused.
 */
export function readTest(
	request: Pick<IHttpRequestOptions, 'url' | 'qs' | 'headers'>,
	messages: { forbidden: string; refused: string },
): ICredentialTestRequest {
	return {
		request: {
			baseURL: TEST_BASE_URL,
			url: request.url,
			method: 'GET',
			qs: request.qs,
			...(request.headers ? { headers: request.headers } : {}),
		},
		rules: [
			{ type: 'responseCode', properties: { value: 403, message: messages.forbidden } },
			{ type: 'responseCode', properties: { value: 401, message: messages.refused } },
		],
	};
}

