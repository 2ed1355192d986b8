import type { AttemptFailure } from './failure';
import { looksLikeHtml } from './failure';

/**
 * When a failed attempt is sent again: never where a repeat could create a second record.
 * A 429 and a 503 with Retry-After were not acted on (always repeated); a timeout, a dropped
 * connection, a 5xx and a bare 503 may have been (repeated only for idempotent requests, and
 * otherwise reported as "unknown whether created").
 */

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** First backoff; doubles each retry, with full jitter. */
	baseDelayMs: number;
	/** Longest single wait, also the cap on a server's Retry-After. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Statuses where the API may or may not have acted: only idempotent requests are repeated.
 * A 503 belongs here unless it carries Retry-After: proxies and load balancers answer a bare
 * 503 after the server behind them already created the record. 429 is a refusal (never acted
 * on) and a 503 with Retry-After is the documented "not acted on, come back later".
 */
const MAYBE_ACTED_ON = new Set([500, 502, 503, 504]);

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

export type FailureKind =
	| 'http'
	| 'rate-limited'
	| 'unavailable'
	| 'timeout'
	| 'connection'
	| 'malformed'
	| 'html';

export interface Classified {
	kind: FailureKind;
	retryable: boolean;
	outcomeUnknown: boolean;
	retryAfterMs?: number;
}

export function classify(failure: AttemptFailure, idempotent: boolean): Classified {
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
export function mayHaveActed(failure: AttemptFailure): boolean {
	const { statusCode, code } = failure;
	if (statusCode !== undefined) {
		if (statusCode === 503) return parseRetryAfter(failure.headers['retry-after']) === undefined;
		return MAYBE_ACTED_ON.has(statusCode);
	}
	return !(code && NEVER_SENT.has(code));
}
