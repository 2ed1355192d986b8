import type { IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { reportAttempt } from '../adaptive';
import { redactDeep } from '../redact';
import { heldCredential } from './credential';
import { credentialSecrets, raise } from './errors';
import type { AttemptFailure } from './failure';
import { describeAttemptFailure, looksLikeHtml, lowerCaseHeaders, parseJsonText } from './failure';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY, backoffDelay, classify, mayHaveActed, parseRetryAfter } from './retry';
import type { ApiResponse, RequestContext, RequestSpec, ServiceSpec } from './types';

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
			// The run's credential, read once (credential.ts); n8n still authenticates with it.
			const credential = await heldCredential(this, service.credentialType);
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				service.credentialType,
				{ ...options, headers: { ...options.headers } },
				{ credentialsDecrypted: credential.decrypted },
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
				spec,
				failure,
				{ kind: html ? 'html' : 'malformed', retryable: false, outcomeUnknown: !spec.idempotent },
				attempt + 1,
				itemIndex,
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
		// A paced 429 is retried for two windows of the server's limiter, not a fixed number of
		// times: a 429 was not acted on, so repeating it is safe; it cannot clear before one
		// window has passed, and other senders of the key compete for the slots that free.
		const outOfRetries =
			rateLimited && spec.pace?.windowMs
				? Date.now() - (firstRefusedAt as number) >= 2 * spec.pace.windowMs
				: attempt >= policy.maxRetries;
		if (!classified.retryable || outOfRetries) {
			return await raise(this, service, spec, failure, classified, attempt + 1, itemIndex);
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
