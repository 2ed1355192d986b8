import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { reportAttempt } from './adaptive';
import { credentialSecretValues, redact, redactDeep, secretPattern } from './redact';

/** Every kind of context a request can be sent from. */
export type RequestContext =
	| IExecuteFunctions
	| IPollFunctions
	| IHookFunctions
	| ILoadOptionsFunctions
	| IWebhookFunctions;

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** First backoff; doubles each retry, with full jitter. */
	baseDelayMs: number;
	/** Longest single wait, also the cap on a server's Retry-After. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** What one service contributes to the shared transport. */
export interface ServiceSpec {
	/** Shown in messages, e.g. "Infinity CRM". */
	name: string;
	credentialType: string;
	/** Pull the API's own message out of an error body. */
	errorMessage(body: unknown): string | undefined;
	/** Optional advice per HTTP status, shown as the error's description. */
	advice?(statusCode: number, apiMessage: string | undefined): string | undefined;
	retry?: Partial<RetryPolicy>;
	defaultHeaders?: IDataObject;
}

export interface RequestSpec {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: unknown;
	headers?: IDataObject;
	/** Milliseconds before the request counts as timed out. */
	timeout?: number;
	/**
	 * True when sending the request twice does no harm (reads, deletes, updates, and creates
	 * the API deduplicates). Only such requests are repeated after a timeout, a dropped
	 * connection, a 5xx or a 503 without Retry-After (a proxy may answer 503 after the server
	 * acted). Every request is repeated after a 429 (refused) or a 503 with Retry-After (the
	 * documented "not acted on" answer).
	 */
	idempotent: boolean;
	/** Status codes that are answers, not failures (e.g. Infinity's 400 in a credential test). */
	acceptStatus?: number[];
	arrayFormat?: IHttpRequestOptions['arrayFormat'];
	/**
	 * Client-side pacing (e.g. a SlidingWindowLimiter): every attempt, retries included,
	 * waits for a slot, and a 429 pauses everyone sharing the pacer.
	 */
	pace?: Pacer;
	/**
	 * Values the request carries that are secret but not part of the credential (e.g. a webhook
	 * signing secret in the body): redacted from answers and errors like the credential's own.
	 */
	secrets?: string[];
	/** Send once, never repeat: for a caller that bounds the time itself (a read under a deadline). */
	once?: boolean;
}

export interface Pacer {
	/** Wait for a slot; may return a ticket naming the request (handed back to `refused`). */
	acquire(): Promise<number | void>;
	/** Hold every request of the pacer back for `ms`. */
	pause(ms: number): void;
	/** The request with this ticket was refused with a 429 that does not say when to come back. */
	refused?(ticket: number | void): void;
	/** A request was answered (not refused). */
	accepted?(): void;
	/**
	 * The server's rate-limit window: a refused request is retried until at least this long
	 * has passed since its first 429, however many retries that takes (the refusals can only
	 * stop once the window has moved on).
	 */
	readonly windowMs?: number;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string>;
	body: T;
	/**
	 * An earlier attempt of this request failed in a way that may have been acted on (timeout,
	 * dropped connection, 5xx): the answer may describe the effect of that earlier attempt
	 * (e.g. "duplicate" for the lead the first attempt created).
	 */
	repeatedAfterAmbiguousFailure?: boolean;
}

/** Facts about one failed attempt, dug out of whatever the HTTP layer threw. */
export interface AttemptFailure {
	statusCode?: number;
	body?: unknown;
	headers: Record<string, string>;
	code?: string;
	rawMessage: string;
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Statuses where the API may or may not have acted: only idempotent requests are repeated.
 * A 503 belongs here unless it carries Retry-After: proxies and load balancers answer a bare
 * 503 after the server behind them already created the record. 429 is a refusal (never acted
 * on) and a 503 with Retry-After is the documented "not acted on, come back later".
 */
const MAYBE_ACTED_ON = new Set([500, 502, 503, 504]);

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
			if (value !== undefined && value !== null) out[key.toLowerCase()] = String(value);
		}
	}
	return out;
}

export function describeAttemptFailure(error: unknown): AttemptFailure {
	const chain: Array<Record<string, unknown>> = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		chain.push(current as Record<string, unknown>);
		current = (current as { cause?: unknown }).cause;
	}
	const failure: AttemptFailure = { headers: {}, rawMessage: '' };
	for (const link of chain) {
		const response = link.response as
			| { status?: number; statusCode?: number; data?: unknown; body?: unknown; headers?: unknown }
			| undefined;
		if (response && failure.statusCode === undefined) {
			failure.statusCode = response.status ?? response.statusCode;
			failure.body = response.data ?? response.body;
			failure.headers = lowerCaseHeaders(response.headers);
		}
		if (!failure.code && typeof link.code === 'string') failure.code = link.code;
		if (!failure.rawMessage && typeof link.message === 'string') failure.rawMessage = link.message;
	}
	if (failure.statusCode === undefined) {
		const httpCode = Number((error as { httpCode?: string }).httpCode);
		if (Number.isInteger(httpCode) && httpCode >= 100) failure.statusCode = httpCode;
	}
	if (!failure.code && /timeout|timed out/i.test(failure.rawMessage)) failure.code = 'ETIMEDOUT';
	if (!failure.code && /socket hang up|ECONNRESET/i.test(failure.rawMessage)) failure.code = 'ECONNRESET';
	return failure;
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	// "Full jitter": spreads concurrent clients so they do not retry in lockstep.
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function looksLikeHtml(body: unknown) {
	return typeof body === 'string' && /^\s*</.test(body);
}

/** Parse a body the HTTP layer left as text; undefined when it is not JSON. */
function parseJsonText(body: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(body) as unknown };
	} catch {
		return { ok: false };
	}
}

export type FailureKind =
	| 'http'
	| 'rate-limited'
	| 'unavailable'
	| 'timeout'
	| 'connection'
	| 'malformed'
	| 'html';

/** Context carried on every error this transport raises (read by the item and batch loops). */
export interface TransportErrorContext {
	service: string;
	kind: FailureKind;
	statusCode?: number;
	/** The API may have acted on a request that was not repeated: say so to the user. */
	outcomeUnknown: boolean;
	attempts: number;
}

export function transportContext(error: unknown): TransportErrorContext | undefined {
	const context = (error as { context?: { transport?: TransportErrorContext } })?.context;
	return context?.transport;
}

export { redact } from './redact';

/**
 * The credential's secrets as one pattern (every spelling, see redact.ts). Read after the
 * request, so a bearer token n8n fetched for it (preAuthentication) is included.
 */
async function credentialSecrets(
	ctx: RequestContext,
	credentialType: string,
	extra: string[] = [],
): Promise<RegExp | undefined> {
	let values: string[] = [];
	try {
		values = credentialSecretValues((await ctx.getCredentials(credentialType)) as ICredentialDataDecryptedObject);
	} catch {
		// no credential to read: only the request's own secrets
	}
	return secretPattern([...values, ...extra]);
}

interface Classified {
	kind: FailureKind;
	retryable: boolean;
	outcomeUnknown: boolean;
	retryAfterMs?: number;
}

function classify(failure: AttemptFailure, idempotent: boolean): Classified {
	const { statusCode, code } = failure;
	if (statusCode !== undefined) {
		const retryAfterMs = parseRetryAfter(failure.headers['retry-after']);
		if (statusCode === 429) return { kind: 'rate-limited', retryable: true, outcomeUnknown: false, retryAfterMs };
		if (statusCode === 503 && retryAfterMs !== undefined) {
			return { kind: 'unavailable', retryable: true, outcomeUnknown: false, retryAfterMs };
		}
		if (MAYBE_ACTED_ON.has(statusCode)) {
			return {
				kind: statusCode === 503 ? 'unavailable' : 'http',
				retryable: idempotent,
				outcomeUnknown: !idempotent,
				retryAfterMs,
			};
		}
		return {
			kind: looksLikeHtml(failure.body) ? 'html' : 'http',
			retryable: false,
			outcomeUnknown: false,
		};
	}
	if (code && NEVER_SENT.has(code)) return { kind: 'connection', retryable: true, outcomeUnknown: false };
	const timeout = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT';
	return { kind: timeout ? 'timeout' : 'connection', retryable: idempotent, outcomeUnknown: !idempotent };
}

/** Whether the server may have carried out a request that failed this way. */
function mayHaveActed(failure: AttemptFailure): boolean {
	const { statusCode, code } = failure;
	if (statusCode !== undefined) {
		if (statusCode === 503) return parseRetryAfter(failure.headers['retry-after']) === undefined;
		return MAYBE_ACTED_ON.has(statusCode);
	}
	return !(code && NEVER_SENT.has(code));
}

const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host name not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed',
};

/** Words, not codes: n8n replaces a whole message that contains a raw network code. */
function networkWords(failure: AttemptFailure): string {
	return (failure.code && NETWORK_WORDS[failure.code]) ?? 'connection closed unexpectedly';
}

function messageFor(
	service: ServiceSpec,
	kind: FailureKind,
	failure: AttemptFailure,
	apiMessage: string | undefined,
	outcomeUnknown: boolean,
): string {
	const status = failure.statusCode;
	switch (kind) {
		case 'rate-limited':
			return `${service.name} is rate limiting requests (HTTP 429)${apiMessage ? `: ${apiMessage}` : ''}`;
		case 'html':
			return `${service.name} answered with a web page instead of data (HTTP ${status ?? '?'}): the request was probably blocked by a firewall or proxy`;
		case 'timeout':
			return outcomeUnknown
				? `${service.name} did not answer in time; unknown whether created — check ${service.name} before sending this item again`
				: `${service.name} did not answer in time`;
		case 'connection':
			return outcomeUnknown
				? `The connection to ${service.name} broke (${networkWords(failure)}); unknown whether created — check ${service.name} before sending this item again`
				: `Could not reach ${service.name} (${networkWords(failure)})`;
		case 'malformed':
			return `${service.name} returned a response that is not valid JSON (HTTP ${status ?? '?'})${outcomeUnknown ? '; unknown whether created' : ''}`;
		default: {
			const base = apiMessage
				? `${service.name}: ${apiMessage}`
				: `${service.name} answered HTTP ${status ?? '?'}`;
			const code = apiMessage ? ` (HTTP ${status})` : '';
			return outcomeUnknown ? `${base}${code}; unknown whether created` : base;
		}
	}
}

function defaultAdvice(service: ServiceSpec, statusCode: number | undefined): string | undefined {
	if (statusCode === 401) return `Check the API key in the ${service.name} credential.`;
	if (statusCode === 403) return `The ${service.name} key is valid but not allowed to do this.`;
	if (statusCode !== undefined && statusCode >= 500) return `${service.name} had an internal error; try again later.`;
	return undefined;
}

/**
 * Raise the one error type the loops understand: a NodeApiError whose message is the API's
 * own, with the item index, a failure cause n8n's scheduler reads, and no secret anywhere.
 */
async function raise(
	ctx: RequestContext,
	service: ServiceSpec,
	failure: AttemptFailure,
	classified: Classified,
	attempts: number,
	itemIndex: number | undefined,
	extraSecrets?: string[],
): Promise<never> {
	const secrets = await credentialSecrets(ctx, service.credentialType, extraSecrets);
	const apiMessage = service.errorMessage(failure.body);
	const message = redact(
		messageFor(service, classified.kind, failure, apiMessage, classified.outcomeUnknown),
		secrets,
	);
	const description = redact(
		service.advice?.(failure.statusCode ?? 0, apiMessage) ?? defaultAdvice(service, failure.statusCode) ?? '',
		secrets,
	);
	const transport: TransportErrorContext = {
		service: service.name,
		kind: classified.kind,
		statusCode: failure.statusCode,
		outcomeUnknown: classified.outcomeUnknown,
		attempts,
	};
	const failureCause =
		classified.kind === 'rate-limited'
			? { cause: 'rate-limited' as const, retryAfterMs: classified.retryAfterMs }
			: classified.kind === 'unavailable'
				? { cause: 'temporarily-unavailable' as const, retryAfterMs: classified.retryAfterMs }
				: failure.statusCode === 401
					? { cause: 'credential-invalid' as const }
					: undefined;
	const body = looksLikeHtml(failure.body) ? '(HTML page)' : redactDeep(failure.body ?? null, secrets);
	const error = new NodeApiError(
		ctx.getNode(),
		{ service: service.name, statusCode: failure.statusCode ?? null, body } as JsonObject,
		{
			message,
			description: description || undefined,
			httpCode: failure.statusCode !== undefined ? String(failure.statusCode) : undefined,
			itemIndex,
			failure: failureCause,
		},
	);
	error.context.transport = transport as unknown as JsonObject;
	throw error;
}

/**
 * The one way this package talks HTTP: authenticated through n8n's credential, JSON in and
 * out, with bounded retries (exponential backoff with jitter, honouring Retry-After) where a
 * repeat cannot create a duplicate.
 */
export async function apiRequest<T = unknown>(
	this: RequestContext,
	service: ServiceSpec,
	spec: RequestSpec,
	itemIndex?: number,
): Promise<ApiResponse<T>> {
	const policy: RetryPolicy = { ...DEFAULT_RETRY, ...service.retry, ...(spec.once ? { maxRetries: 0 } : {}) };
	const options: IHttpRequestOptions = {
		method: spec.method,
		url: spec.url,
		qs: spec.qs,
		body: spec.body as IHttpRequestOptions['body'],
		headers: { Accept: 'application/json', ...service.defaultHeaders, ...spec.headers },
		json: true,
		returnFullResponse: true,
		timeout: spec.timeout ?? 30_000,
		arrayFormat: spec.arrayFormat,
	};
	if (spec.body === undefined) delete options.body;

	// Every answer leaves with the credential's secrets redacted: an API that echoes the key
	// (in a 2xx, or in a 4xx accepted as an answer) must not put it into the output.
	const answer = async (statusCode: number, headers: Record<string, string>, body: unknown): Promise<ApiResponse<T>> => {
		const secrets = await credentialSecrets(this, service.credentialType, spec.secrets);
		return {
			statusCode,
			headers: redactDeep(headers, secrets),
			body: redactDeep(body, secrets) as T,
			repeatedAfterAmbiguousFailure: ambiguous,
		};
	};
	let ambiguous = false;
	// When this request was first refused with a 429 (see Pacer.windowMs).
	let firstRefusedAt: number | undefined;

	for (let attempt = 0; ; attempt++) {
		let response: { statusCode: number; headers: unknown; body: unknown } | undefined;
		let failure: AttemptFailure | undefined;
		const ticket = spec.pace ? await spec.pace.acquire() : undefined;
		const sentAt = Date.now();
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				service.credentialType,
				{ ...options, headers: { ...options.headers } },
			)) as { statusCode: number; headers: unknown; body: unknown };
		} catch (error) {
			failure = describeAttemptFailure(error);
		}
		// Adaptive parallelism (adaptive.ts) learns from every attempt's status and latency.
		reportAttempt(this, {
			statusCode: response?.statusCode ?? failure?.statusCode,
			code: failure?.code,
			latencyMs: Date.now() - sentAt,
			retryAfterMs: parseRetryAfter(failure?.headers['retry-after']),
		});

		if (response) {
			spec.pace?.accepted?.();
			const headers = lowerCaseHeaders(response.headers);
			const body = response.body;
			if (typeof body !== 'string' || body.trim() === '') {
				return await answer(response.statusCode, headers, body);
			}
			const parsed = parseJsonText(body);
			if (parsed.ok) return await answer(response.statusCode, headers, parsed.value);
			// A 2xx whose body cannot be read: the API acted on the request, so only an
			// idempotent request may be sent again.
			failure = { statusCode: response.statusCode, body, headers, rawMessage: 'malformed body' };
			const html = looksLikeHtml(body);
			if (!html && spec.idempotent && attempt < policy.maxRetries) {
				ambiguous = true;
				await sleep(backoffDelay(attempt, policy));
				continue;
			}
			return await raise(
				this,
				service,
				failure,
				{ kind: html ? 'html' : 'malformed', retryable: false, outcomeUnknown: !spec.idempotent },
				attempt + 1,
				itemIndex,
				spec.secrets,
			);
		}

		failure = failure as AttemptFailure;
		if (typeof failure.body === 'string' && !looksLikeHtml(failure.body)) {
			const parsed = parseJsonText(failure.body);
			if (parsed.ok) failure.body = parsed.value;
		}
		if (failure.statusCode !== undefined && spec.acceptStatus?.includes(failure.statusCode)) {
			return await answer(failure.statusCode, failure.headers, failure.body);
		}
		const classified = classify(failure, spec.idempotent);
		const rateLimited = classified.kind === 'rate-limited';
		if (rateLimited) firstRefusedAt ??= Date.now();
		// A paced 429 is retried for a full window of the server's limiter, not a fixed number
		// of times: a 429 was not acted on, so repeating it is safe, and it cannot clear sooner.
		const outOfRetries =
			rateLimited && spec.pace?.windowMs
				? Date.now() - (firstRefusedAt as number) >= spec.pace.windowMs
				: attempt >= policy.maxRetries;
		if (!classified.retryable || outOfRetries) {
			return await raise(this, service, failure, classified, attempt + 1, itemIndex, spec.secrets);
		}
		// A repeat after a failure the server may have acted on: its answer may describe what
		// the earlier attempt did.
		if (mayHaveActed(failure)) ambiguous = true;
		const delay = backoffDelay(attempt, policy, classified.retryAfterMs);
		if (rateLimited) {
			// Every sender of the key waits, not only this one; a 429 without Retry-After also
			// lowers the rate the pacer allows (it is the only sign of other users of the key).
			spec.pace?.pause(delay);
			if (classified.retryAfterMs === undefined) spec.pace?.refused?.(ticket);
		}
		await sleep(delay);
	}
}

/** Join a credential's base URL and a path without doubling or losing the slash. */
export function joinUrl(baseUrl: unknown, path: string): string {
	const base = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	return `${base}/${path.replace(/^\/+/, '')}`;
}
