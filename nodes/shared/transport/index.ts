/**
 * The one way this package talks HTTP (see CONTRIBUTING.md, "Retries"):
 * - service.ts  serviceRequest/requestFor: credential → base URL → apiRequest, for every service
 * - request.ts  apiRequest: httpRequestWithAuthentication, JSON, retries, redacted answers
 * - retry.ts    which failures are sent again, backoff with jitter, Retry-After
 * - errors.ts   the NodeApiError a failed request becomes (message, advice, outcome unknown)
 * - failure.ts  what an attempt's failure was, read out of whatever the HTTP layer threw
 * - types.ts    ServiceSpec (a service's own facts), RequestSpec, Pacer, ApiResponse
 * - credential.ts the node run's credential, read once (heldCredential)
 */
export type { TransportErrorContext } from './errors';
export { heldCredential } from './credential';
export { transportContext } from './errors';
export type { AttemptFailure } from './failure';
export { describeAttemptFailure } from './failure';
export { apiRequest } from './request';
export type { FailureKind, RetryPolicy } from './retry';
export { DEFAULT_RETRY, backoffDelay, parseRetryAfter } from './retry';
export { baseUrlOf, joinUrl, requestFor, serviceRequest } from './service';
export type {
	ApiResponse,
	FailedRequest,
	Pacer,
	RequestContext,
	RequestSpec,
	ServiceRequest,
	ServiceSpec,
} from './types';
export { redact } from '../redact';
