import { createHash } from 'crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { credentialSecretValues, redactDeep } from './redact';

/**
 * The token exchange of the credentials that trade a key and secret for an expirable bearer
 * token (`preAuthentication`): the request, reading the token out of the answer, and sorting
 * a failed answer so each credential can word its own advice.
 */

export interface TokenAnswer {
	status: number;
	body: unknown;
	headers: IDataObject;
	/** The token, when the answer is a 2xx with a non-empty text under the expected key. */
	token?: string;
}

/** POSTs the token request. HTTP errors come back as answers, for the credential to explain. */
export async function requestToken(
	helper: IHttpRequestHelper,
	request: Pick<IHttpRequestOptions, 'url' | 'body' | 'headers'>,
	tokenKey: string,
): Promise<TokenAnswer> {
	const response = (await helper.helpers.httpRequest({
		method: 'POST',
		...request,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 30_000,
	})) as { statusCode: number; body: unknown; headers?: IDataObject };
	const { statusCode: status, body } = response;
	const value = body && typeof body === 'object' ? (body as IDataObject)[tokenKey] : undefined;
	const token = status >= 200 && status < 300 && typeof value === 'string' && value !== '' ? value : undefined;
	return { status, body, headers: response.headers ?? {}, token };
}

/**
 * Why an answer held no token: the key and secret were refused (400, 401, 403), token
 * requests are rate limited (429), a success came without a token, or anything else.
 */
export function tokenFailure(status: number): 'refused' | 'rateLimited' | 'noToken' | 'failed' {
	if (status === 400 || status === 401 || status === 403) return 'refused';
	if (status === 429) return 'rateLimited';
	if (status >= 200 && status < 300) return 'noToken';
	return 'failed';
}

/**
 * The error a credential's `preAuthentication` throws when the answer held no token: shaped
 * like an HTTP client error with the answer under `cause.response`, never `response`.
 *
 * Why `cause`: n8n-core's httpRequestWithAuthentication catches what preAuthentication throws
 * and, when `error.response.status` is 401, calls preAuthentication a second time to "refresh"
 * the token — a second token request with the same refused key and secret, on every run. Under
 * `cause`, n8n-core sees no status and fails at once, while the shared transport still reads
 * the status, headers and body (describeAttemptFailure walks the cause chain), so 429 and 503
 * are retried and a refusal is reported as one. `headers` and `data` must be redacted already.
 */
export function tokenError(message: string, status: number, headers: IDataObject, data: unknown): Error {
	const error = new Error(message) as Error & { cause: IDataObject };
	error.cause = { response: { status, headers, data } };
	return error;
}

/** `text`, followed by `: detail` when there is a detail. */
export function withDetail(text: string, detail: string | undefined): string {
	return detail ? `${text}: ${detail}` : text;
}

/** A text answer as a short error detail; an HTML page is described by `pageText` instead. */
export function answerText(body: string, pageText: string): string | undefined {
	if (/^\s*</.test(body)) return pageText;
	const text = body.trim();
	return text === '' ? undefined : text.slice(0, 200);
}

/**
 * Which key, secret and servers a cached token was issued for: a one-way hash kept next to
 * the token (`tokenOwner`). n8n only asks for a new token when the stored one is empty or a
 * request answered 401, so without this a token issued for the old key or secret went on being
 * sent after the credential was edited, and "Test" passed with a wrong secret for up to 30
 * minutes.
 */
export function tokenOwner(credentials: ICredentialDataDecryptedObject, fields: string[]): string {
	const values = fields.map((field) => String(credentials[field] ?? '').trim());
	return createHash('sha256').update(values.join('\u0000')).digest('hex').slice(0, 32);
}

/** The hidden credential field that holds `tokenOwner` (not secret: a hash). */
export const tokenOwnerProperty: INodeProperties = {
	displayName: 'Token Issued For',
	name: 'tokenOwner',
	type: 'hidden',
	default: '',
};

/**
 * Sets `Authorization: Bearer <token>` when the stored token was issued for the credential's
 * current values; otherwise sends no token, so the API answers 401 and n8n fetches a new one
 * with the current values (and a wrong key or secret fails as it should).
 */
export function withBearerToken(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	ownerFields: string[],
	headers: Record<string, string> = {},
): IHttpRequestOptions {
	const current = credentials.tokenOwner === tokenOwner(credentials, ownerFields);
	const token = typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
	const merged: Record<string, string> = { ...((requestOptions.headers ?? {}) as Record<string, string>), ...headers };
	if (current && token !== '') merged.Authorization = `Bearer ${token}`;
	else delete merged.Authorization;
	return { ...requestOptions, headers: merged };
}

/** Why a token request failed, in a credential's own words (see exchangeToken). */
export interface TokenRefusal {
	/** The error message n8n shows (credential test, node error, log). */
	message: string;
	/** The answer body the error carries under `cause.response.data`. */
	data: unknown;
}

/**
 * A credential's `preAuthentication`: requests the token and returns it with the hash of the
 * values it was issued for (`ownerFields`, see tokenOwner); or throws tokenError. `explain`
 * words the failure from the answer's status and body; the body and headers are redacted of
 * every secret of the credential first, so a token endpoint that echoes what it was sent (the
 * key, the secret, a Basic header) puts none of it into the error.
 */
export async function exchangeToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	exchange: {
		request: Pick<IHttpRequestOptions, 'url' | 'body' | 'headers'>;
		tokenKey: string;
		ownerFields: string[];
		explain: (failure: ReturnType<typeof tokenFailure>, status: number, body: unknown) => TokenRefusal;
	},
): Promise<{ accessToken: string; tokenOwner: string }> {
	const answer = await requestToken(helper, exchange.request, exchange.tokenKey);
	if (answer.token) return { accessToken: answer.token, tokenOwner: tokenOwner(credentials, exchange.ownerFields) };

	const secrets = credentialSecretValues(credentials);
	const { status } = answer;
	const refusal = exchange.explain(tokenFailure(status), status, redactDeep(answer.body, secrets));
	throw tokenError(refusal.message, status, redactDeep(answer.headers, secrets), refusal.data);
}
