import type { IDataObject } from 'n8n-workflow';

import { PagedRecords, pageSizeFor, readPages } from '../../shared/paging';
import { normalizePhone } from '../../shared/phone';
import { listValue } from '../../shared/validate';
import type { RequestContext, ServiceRequest, ServiceSpec } from '../../shared/transport';
import { requestFor } from '../../shared/transport';

/**
 * Property Finder Enterprise API ("Atlas"). Authentication is the credential's job (a bearer
 * token from POST /v1/auth/token, cached by n8n) and requests are the shared transport's; this
 * file holds the service's facts (default base URL, the headers the API and its firewall want,
 * readable errors in both problem formats, advice), paging, and the lead list's query.
 */

export const PF_DEFAULT_BASE_URL = 'https://atlas.propertyfinder.com';
export const PF_USER_AGENT = 'n8n-nodes-property-leads';
/** The largest page GET /v1/leads serves. */
export const PF_MAX_PER_PAGE = 50;
/** `createdAtFrom` may not be older than three months: three calendar months are 89 days at the
 * shortest, so stay a day inside that. */
export const PF_MAX_LOOKBACK_DAYS = 88;

/** The API's message from either error format (problem+json or problem-json-v2). */
export function problemMessage(body: unknown): string | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		if (typeof body !== 'string' || body.trim() === '' || /^\s*</.test(body)) return undefined;
		return body.trim().slice(0, 300);
	}
	const problem = body as IDataObject;
	const head = [problem.title, problem.detail, problem.message]
		.filter((part): part is string => typeof part === 'string' && part.trim() !== '')
		.filter((part, index, all) => all.indexOf(part) === index)
		.join(': ');
	const details = Array.isArray(problem.errors)
		? (problem.errors as IDataObject[])
				.filter((entry) => entry && typeof entry === 'object')
				.map((entry) => {
					const text = typeof entry.detail === 'string' ? entry.detail : typeof entry.title === 'string' ? entry.title : '';
					const where = typeof entry.pointer === 'string' && entry.pointer !== '' ? `${entry.pointer}: ` : '';
					return text ? `${where}${text}` : '';
				})
				.filter((text) => text !== '' && !head.includes(text))
		: [];
	const attributes = problem.attributes as IDataObject | undefined;
	const traceId = attributes && typeof attributes.trace_id === 'string' ? attributes.trace_id : undefined;
	let message = head || (typeof problem.type === 'string' ? problem.type : '');
	if (details.length > 0) message = message ? `${message} (${details.join('; ')})` : details.join('; ');
	if (traceId) message = `${message} [trace id ${traceId}]`;
	return message === '' ? undefined : message;
}

/** Which key scope a path needs, for the advice on a 403. */
export function scopeFor(path: string): string {
	if (path.startsWith('/v1/leads')) return 'leads:read';
	if (path.startsWith('/v1/webhooks')) return 'webhooks:full_access';
	if (path.startsWith('/v1/users')) return 'users:read';
	if (path.startsWith('/v1/listings')) return 'listings:read';
	return 'the scope this endpoint needs';
}

export const pfService: ServiceSpec = {
	name: 'Property Finder',
	credentialType: 'propertyFinderApi',
	defaultBaseUrl: PF_DEFAULT_BASE_URL,
	errorMessage: problemMessage,
	advice(statusCode, apiMessage, { kind, method, path }) {
		if (kind === 'html') {
			return "Property Finder's firewall blocked the request and answered with a web page. It blocks requests without a User-Agent and some networks; if this persists, ask Property Finder to allow the IP address of your n8n server.";
		}
		if (statusCode === 401) {
			return 'Property Finder did not accept the credentials. Check the API key and secret in the "Property Finder API" credential.';
		}
		if (statusCode === 403) {
			return `The API key is valid but lacks ${scopeFor(path)} for ${method} ${path}. Create a key with that scope in PF Expert and enter it in the "Property Finder API" credential.`;
		}
		if (statusCode === 429) {
			return 'Property Finder allows 650 requests a minute (60 a minute for tokens). Lower the number of items per run or wait a minute.';
		}
		if (statusCode === 400 && apiMessage && /createdAtFrom|3 months|three months/i.test(apiMessage)) {
			return 'Property Finder only returns leads from the last 3 months. Move "Created After" closer to today.';
		}
		return undefined;
	},
	defaultHeaders: {
		'User-Agent': PF_USER_AGENT,
		'X-PF-Error-Format': 'problem-json-v2',
	},
	// Arrays as repeated keys (`status=sent&status=read`): the form/explode style of the API
	// description. n8n-core hands `arrayFormat` to qs.stringify.
	arrayFormat: 'repeat',
};

export type PfRequestSpec = ServiceRequest;

export const pfRequest = requestFor(pfService);

export interface PaginateOptions {
	/** Stop after this many records; undefined returns everything. */
	limit?: number;
	itemIndex?: number;
	/** Where the records are: `data` (leads, users) or `results` (listings). */
	dataKey?: 'data' | 'results';
	timeout?: number;
	/** Largest page the endpoint serves (50 for leads). */
	perPage?: number;
}

/**
 * Page through a list endpoint until `pagination.nextPage` is null (or the limit is reached).
 * Records are de-duplicated by id: a record created while paging shifts the pages and would
 * otherwise appear twice.
 */
export async function pfPaginate(
	this: RequestContext,
	path: string,
	qs: IDataObject,
	opts: PaginateOptions,
): Promise<IDataObject[]> {
	const dataKey = opts.dataKey ?? 'data';
	// The page size stays the same on every page: pages are numbered in units of it.
	const perPage = pageSizeFor(opts.limit, Math.min(opts.perPage ?? PF_MAX_PER_PAGE, PF_MAX_PER_PAGE));
	return await readPages(new PagedRecords(opts.limit), 1, async (page: number) => {
		const { body } = await pfRequest.call(
			this,
			{ method: 'GET', path, qs: { ...qs, page, perPage }, idempotent: true, timeout: opts.timeout },
			opts.itemIndex,
		);
		const records = Array.isArray(body?.[dataKey]) ? (body[dataKey] as IDataObject[]) : [];
		const named = ((body?.pagination ?? {}) as IDataObject).nextPage;
		const next = typeof named === 'string' && /^\d+$/.test(named) ? Number(named) : named;
		return { records, next: typeof next === 'number' && next > page ? next : undefined };
	}, 10_000);
}

/** Offset in ms of a time zone at a UTC instant, without a date library. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

export class PfDateError extends Error {}

/**
 * Any date n8n can hand over (ISO text with or without an offset, a date-only text, a Luxon
 * DateTime or JS Date from an expression, epoch seconds or milliseconds) as RFC 3339 UTC,
 * e.g. 2025-04-30T05:54:18Z. Texts without an offset are read in `timeZone` (the workflow's).
 */
export function toPfDate(value: unknown, timeZone = 'UTC'): string {
	let ms: number;
	if (value instanceof Date) {
		ms = value.getTime();
	} else if (typeof value === 'number') {
		ms = value < 1e11 ? value * 1000 : value;
	} else if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		ms = (value as { toMillis(): number }).toMillis();
	} else if (typeof value === 'string' && value.trim() !== '') {
		const text = value.trim();
		if (/^\d+$/.test(text)) return toPfDate(Number(text), timeZone);
		const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
		const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
		const local = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
		if (hasZone) {
			ms = Date.parse(text.replace(' ', 'T'));
		} else if (dateOnly || local) {
			const guess = Date.parse(`${(dateOnly ? `${text}T00:00:00` : text.replace(' ', 'T'))}Z`);
			if (Number.isNaN(guess)) throw new PfDateError(`"${text}" is not a date`);
			let offset = zoneOffsetMs(guess, timeZone);
			offset = zoneOffsetMs(guess - offset, timeZone);
			ms = guess - offset;
		} else {
			ms = Date.parse(text);
		}
	} else {
		throw new PfDateError(`"${String(value)}" is not a date`);
	}
	if (!Number.isFinite(ms)) throw new PfDateError(`"${String(value)}" is not a date`);
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Keep `createdAtFrom` inside the API's 3-month window (PF_MAX_LOOKBACK_DAYS back from `now`). */
export function clampCreatedAtFrom(date: string, now: number = Date.now()): { value: string; clamped: boolean } {
	const earliest = now - PF_MAX_LOOKBACK_DAYS * 24 * 60 * 60 * 1000;
	const at = Date.parse(date);
	if (Number.isNaN(at) || at >= earliest) return { value: date, clamped: false };
	return { value: new Date(earliest).toISOString().replace(/\.\d{3}Z$/, 'Z'), clamped: true };
}

/** Kept for the lead operations and the polling trigger, which import it from here. */
export { listValue };

const ARRAY_FILTERS = [
	'channel',
	'status',
	'entityType',
	'listingReference',
	'listingId',
	'publicProfileId',
	'projectId',
	'developerId',
	'tag',
	'excludeTag',
	'listingCategory',
	'listingOffering',
	'senderName',
	'senderPhone',
	'senderEmail',
] as const;

// listingCategory and listingOffering are arrays in the API description too (a single value
// from the node's dropdown goes out the same: listingCategory=residential).
const SCALAR_FILTERS = ['search', 'orderBy', 'orderDirection'] as const;

function phoneFilter(value: string): string {
	try {
		return normalizePhone(value);
	} catch {
		return value;
	}
}

/**
 * The query of GET /v1/leads for the node's filter names: list filters under their own names
 * as arrays, which `pfRequest` sends repeated (`channel=call&channel=email`, OpenAPI's default
 * form/explode style the API description declares; there is no `channel[]`), dates as UTC `Z` times (a raw "+04:00" would arrive as a space), phones in
 * international format (Property Finder stores +971…).
 */
export function leadQuery(filters: IDataObject, timeZone = 'UTC'): IDataObject {
	const qs: IDataObject = {};
	for (const name of ARRAY_FILTERS) {
		let values = listValue(filters[name]);
		if (name === 'senderPhone') values = values.map(phoneFilter);
		if (name === 'senderEmail') values = values.map((email) => email.toLowerCase());
		if (values.length > 0) qs[name] = values;
	}
	for (const name of SCALAR_FILTERS) {
		const value = filters[name];
		if (value !== undefined && value !== null && String(value).trim() !== '') qs[name] = String(value).trim();
	}
	for (const name of ['createdAtFrom', 'createdAtTo'] as const) {
		const value = filters[name];
		if (value !== undefined && value !== null && value !== '') qs[name] = toPfDate(value, timeZone);
	}
	return qs;
}
