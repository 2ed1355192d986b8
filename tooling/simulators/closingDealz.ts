/**
 * ClosingDealz lead API, as API-NOTES §5 and the seed describe it: one endpoint,
 * POST /api/v1/leads with X-API-Key and a JSON array of at most 100 leads; answers in the
 * envelope {succeeded, statusCode, statusCodeDescription, message}; no ids, no duplicate
 * check; a sliding-window rate limit per key; a Free-plan mode capped at 5 leads.
 *
 * [infer] marks behaviour not documented by ClosingDealz, chosen to be the strict reading:
 * - an empty array with a valid key answers 400 "No leads were provided." (this is what the
 *   credential test relies on); a missing key is answered like a wrong one (401);
 * - a body that is not a JSON array answers 400 and creates nothing;
 * - a lead without company, contact person, email and phone number rejects the whole batch
 *   with 400; nothing of that batch is stored;
 * - Free plan: a batch that would take the workspace over 5 leads is rejected whole with
 *   "Can not have more than 5 leads on the free plan."; once 5 are stored every create answers
 *   "Reached the maximum limit of leads on the free plan.";
 * - field names are bound case-insensitively (the curl example sends "Company", "Notes").
 */
import type { SimRequest, SimResponse } from './framework';
import { Simulator } from './framework';

export interface StoredClosingDealzLead {
	/** Which request (0-based, accepted requests only) stored it. */
	batch: number;
	lead: Record<string, unknown>;
}

export interface RateLimitSettings {
	limit: number;
	windowMs: number;
}

export const MAX_LEADS_PER_REQUEST = 100;
export const FREE_PLAN_LEADS = 5;
export const MAX_NOTES = 6942;

function envelope(statusCode: number, message: string | null): SimResponse {
	return {
		status: statusCode,
		body: { succeeded: statusCode === 200, statusCode, statusCodeDescription: 'NONE', message },
	};
}

function field(lead: Record<string, unknown>, name: string): unknown {
	const key = Object.keys(lead).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : lead[key];
}

function blank(value: unknown) {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

export class ClosingDealzSimulator extends Simulator {
	apiKey: string;

	/** Workspace on the Free plan: at most 5 leads in total. */
	freePlan = false;

	/** Requests per sliding window per API key (ClosingDealz: 100 per minute). */
	rateLimit: RateLimitSettings = { limit: 100, windowMs: 60_000 };

	readonly leads: StoredClosingDealzLead[] = [];

	/** Requests answered 429 by the rate limiter (not by injected faults). */
	rateLimited = 0;

	private acceptedBatches = 0;

	/** Arrival times of requests that counted against the limit, per key. */
	private readonly windows = new Map<string, number[]>();

	constructor(apiKey = 'sandbox-closingdealz-key', rateLimit?: Partial<RateLimitSettings>) {
		super('ClosingDealz');
		this.apiKey = apiKey;
		if (rateLimit) this.rateLimit = { ...this.rateLimit, ...rateLimit };
		this.route('POST', '/api/v1/leads', (req) => this.create(req));
	}

	/** Number of successful create requests so far. */
	get batches(): number {
		return this.acceptedBatches;
	}

	/** Forget every request counted so far (a new minute for every key). */
	resetRateLimit() {
		this.windows.clear();
		this.rateLimited = 0;
	}

	private overLimit(key: string): boolean {
		const now = Date.now();
		const sent = (this.windows.get(key) ?? []).filter((at) => at > now - this.rateLimit.windowMs);
		this.windows.set(key, sent);
		if (sent.length >= this.rateLimit.limit) return true;
		sent.push(now);
		return false;
	}

	private create(req: SimRequest): SimResponse {
		const key = req.headers['x-api-key'];
		if (!key || key !== this.apiKey) return envelope(401, 'Invalid API key.');
		if (this.overLimit(key)) {
			this.rateLimited++;
			return envelope(429, 'Too many requests. Please try again later.');
		}
		if (req.bodyError || !Array.isArray(req.body)) {
			return envelope(400, 'The request body must be a JSON array of leads.');
		}
		const batch = req.body as unknown[];
		if (batch.length === 0) return envelope(400, 'No leads were provided.');
		if (batch.length > MAX_LEADS_PER_REQUEST) {
			return envelope(
				400,
				`The maximum amount of leads to create at once is ${MAX_LEADS_PER_REQUEST}, but was ${batch.length}.`,
			);
		}
		for (const [position, entry] of batch.entries()) {
			if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
				return envelope(400, `Lead ${position} is not an object.`);
			}
			const lead = entry as Record<string, unknown>;
			if (
				['company', 'contactPerson', 'email', 'phoneNumber'].every((name) =>
					blank(field(lead, name)),
				)
			) {
				return envelope(
					400,
					`Lead ${position} needs a company, contact person, email or phone number.`,
				);
			}
			const notes = field(lead, 'notes');
			if (typeof notes === 'string' && notes.length > MAX_NOTES) {
				return envelope(400, `Lead ${position}: notes can be at most ${MAX_NOTES} characters.`);
			}
		}
		if (this.freePlan) {
			if (this.leads.length >= FREE_PLAN_LEADS) {
				return envelope(400, 'Reached the maximum limit of leads on the free plan.');
			}
			if (this.leads.length + batch.length > FREE_PLAN_LEADS) {
				return envelope(400, `Can not have more than ${FREE_PLAN_LEADS} leads on the free plan.`);
			}
		}
		const index = this.acceptedBatches++;
		for (const lead of batch)
			this.leads.push({ batch: index, lead: lead as Record<string, unknown> });
		return envelope(200, null);
	}
}
