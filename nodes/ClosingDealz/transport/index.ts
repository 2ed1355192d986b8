import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { sharedLimiter } from '../../shared/concurrency';
import type { ServiceSpec } from '../../shared/transport';
import { requestFor } from '../../shared/transport';

export const CLOSINGDEALZ_DEFAULT_BASE_URL = 'https://app.closingdealz.io';
export const CLOSINGDEALZ_LEADS_PATH = '/api/v1/leads';

/** The API takes at most this many leads per request. */
export const CLOSINGDEALZ_MAX_BATCH = 100;

/** ClosingDealz allows 100 requests per minute per API key, counted in a sliding window. */
export const CLOSINGDEALZ_RATE_LIMIT = 100;
export const CLOSINGDEALZ_RATE_WINDOW_SECONDS = 60;

/** The longest lead note ClosingDealz stores. */
export const CLOSINGDEALZ_MAX_NOTES = 6942;

const FREE_PLAN = /free plan/i;

export const closingDealzService: ServiceSpec = {
	name: 'ClosingDealz',
	credentialType: 'closingDealzApi',
	defaultBaseUrl: CLOSINGDEALZ_DEFAULT_BASE_URL,
	errorMessage(body) {
		if (body && typeof body === 'object' && !Array.isArray(body)) {
			const { message } = body as IDataObject;
			if (typeof message === 'string' && message.trim() !== '') return message;
		}
		return undefined;
	},
	advice(statusCode, apiMessage) {
		if (statusCode === 401) {
			return 'ClosingDealz did not accept the API key. Copy the key again from ClosingDealz (Settings → API) into the "ClosingDealz API" credential.';
		}
		if (statusCode === 400 && apiMessage && FREE_PLAN.test(apiMessage)) {
			return 'Your ClosingDealz workspace is on the Free plan, which holds at most 5 leads in total. None of the leads in this batch were added. Upgrade the workspace to the Basic plan in ClosingDealz to add leads through the API without this limit.';
		}
		if (statusCode === 400 && apiMessage && /maximum amount of leads/i.test(apiMessage)) {
			return 'Lower "Batch Size" in Options to 100 or less.';
		}
		if (statusCode === 429) {
			return 'ClosingDealz allows 100 requests per minute per API key. Another workflow or app may be using the same key; try again in a minute.';
		}
		return undefined;
	},
	// ClosingDealz sends no Retry-After with its 429 and its window is a full minute: a paced
	// 429 is retried until the limiter's window has passed (shared/transport, Pacer.windowMs), and
	// the backoff grows to 30 s between tries. Other retryable failures: at most 8 retries.
	retry: { maxRetries: 8 },
};

/**
 * One pacing budget per API key for the whole n8n process, so parallel executions and
 * several nodes using the same key share it. The key itself never becomes a map key.
 */
export function closingDealzLimiter(apiKey: string, limit: number, windowSeconds: number) {
	const keyHash = createHash('sha256').update(apiKey).digest('hex').slice(0, 32);
	// Pace over a slightly longer window than the server counts, so network jitter between
	// our clock and theirs never pushes a request over the limit.
	const windowMs = Math.ceil(windowSeconds * 1000 * 1.05);
	return sharedLimiter(`closingDealz:${keyHash}`, Math.max(1, Math.floor(limit)), windowMs);
}

export const closingDealzRequest = requestFor(closingDealzService);
