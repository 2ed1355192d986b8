import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redact, redactDeep, secretPattern } from '../redact';
import { heldCredential, secretsOf } from './credential';
import type { AttemptFailure } from './failure';
import { looksLikeHtml } from './failure';
import type { Classified, FailureKind } from './retry';
import type { RequestContext, RequestSpec, ServiceSpec } from './types';

/**
 * A failed request as the one error the loops understand: a NodeApiError with the API's own
 * message, advice, the item index, a failure cause n8n's scheduler reads, whether the API may
 * have acted, and no secret anywhere.
 */

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

/**
 * The credential's secrets as one pattern (every spelling, see redact.ts). Read after the
 * request, so a bearer token n8n fetched for it (preAuthentication) is included.
 */
export async function credentialSecrets(
	ctx: RequestContext,
	credentialType: string,
	extra: string[] = [],
): Promise<RegExp | undefined> {
	try {
		return secretsOf(await heldCredential(ctx, credentialType), extra);
	} catch {
		// no credential to read: only the request's own secrets
		return secretPattern(extra);
	}
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

/** Throw the NodeApiError for a request that failed for good. */
export async function raise(
	ctx: RequestContext,
	service: ServiceSpec,
	spec: RequestSpec,
	failure: AttemptFailure,
	classified: Classified,
	attempts: number,
	itemIndex: number | undefined,
): Promise<never> {
	const secrets = await credentialSecrets(ctx, service.credentialType, spec.secrets);
	const apiMessage = service.errorMessage(failure.body);
	const message = redact(
		messageFor(service, classified.kind, failure, apiMessage, classified.outcomeUnknown),
		secrets,
	);
	const request = { kind: classified.kind, method: spec.method, path: spec.path ?? spec.url };
	const description = redact(
		service.advice?.(failure.statusCode ?? 0, apiMessage, request) ??
			defaultAdvice(service, failure.statusCode) ??
			'',
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
