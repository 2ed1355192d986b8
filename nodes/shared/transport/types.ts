import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { FailureKind, RetryPolicy } from './retry';

/** Every kind of context a request can be sent from. */
export type RequestContext =
	| IExecuteFunctions
	| IPollFunctions
	| IHookFunctions
	| ILoadOptionsFunctions
	| IWebhookFunctions;

/** What a failed request was, for advice that depends on it (e.g. the key scope a path needs). */
export interface FailedRequest {
	kind: FailureKind;
	method: IHttpRequestMethods;
	/** The path below the base URL as the operation wrote it (the full URL when none was given). */
	path: string;
}

/**
 * What one service contributes to the shared transport: its own facts only. Reading the
 * credential, the base URL, retries, errors and redaction are the transport's (service.ts,
 * request.ts).
 */
export interface ServiceSpec {
	/** Shown in messages, e.g. "Infinity CRM". */
	name: string;
	credentialType: string;
	/** The base URL when the credential's Base URL is empty (the credential's default too). */
	defaultBaseUrl: string;
	/**
	 * An ending the request paths already carry (e.g. `/api/v1`): a Base URL pasted with it is
	 * read without it, so the path is not doubled.
	 */
	baseUrlSuffix?: string;
	/**
	 * A credential field this service cannot send without: an empty one is refused with
	 * `message` and `fix` before any request is sent.
	 */
	requiredCredential?: { field: string; message: string; fix: string };
	/** Pull the API's own message out of an error body. */
	errorMessage(body: unknown): string | undefined;
	/** Optional advice per HTTP status, shown as the error's description. */
	advice?(statusCode: number, apiMessage: string | undefined, request: FailedRequest): string | undefined;
	retry?: Partial<RetryPolicy>;
	defaultHeaders?: IDataObject;
	/** How arrays in the query are written when a request does not say (e.g. `repeat`). */
	arrayFormat?: IHttpRequestOptions['arrayFormat'];
}

export interface RequestSpec {
	method: IHttpRequestMethods;
	url: string;
	/** The path `url` was made from, for advice (set by serviceRequest). */
	path?: string;
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

/** A request as an operation writes it: a path below the credential's base URL. */
export type ServiceRequest = Omit<RequestSpec, 'url' | 'path'> & { path: string };

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
