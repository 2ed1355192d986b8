import type { IDataObject } from 'n8n-workflow';

import { PagedRecords, pageSizeFor, readPages } from '../../shared/paging';
import type { ApiResponse, RequestContext, ServiceRequest, ServiceSpec } from '../../shared/transport';
import { requestFor } from '../../shared/transport';

/**
 * PF Expert CRM API v2 ("myCRM"). Authentication is the credential's job (an OAuth
 * client-credentials token from the token URL, cached by n8n) and requests are the shared
 * transport's; this file holds the service's facts (default base URL, readable errors, advice,
 * the expand header, the API warning header) and paging.
 */

export const EXPERT_DEFAULT_BASE_URL = 'https://api-v2.mycrm.com';
export const EXPERT_SERVICE_NAME = 'PF Expert CRM';
/** Page size asked for when listing leads; the answer's own `per_page` decides the paging. */
export const EXPERT_PAGE_SIZE = 100;
export const EXPAND_HEADER = 'X-MyCRM-Expand-Data';
export const WARNING_HEADER = 'x-mycrm-api-warning';

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Field errors in any of the shapes the API uses: a list, a map, or a form tree. */
function fieldErrors(errors: unknown, prefix = ''): string[] {
	if (!errors) return [];
	if (typeof errors === 'string') return [prefix ? `${prefix}: ${errors}` : errors];
	if (Array.isArray(errors)) {
		return errors.flatMap((entry) => {
			if (typeof entry === 'string') return [prefix ? `${prefix}: ${entry}` : entry];
			if (entry && typeof entry === 'object') {
				const e = entry as IDataObject;
				const where = text(e.field) ?? text(e.property_path) ?? text(e.path) ?? prefix;
				const what = text(e.message) ?? text(e.detail);
				return what ? [where ? `${where}: ${what}` : what] : [];
			}
			return [];
		});
	}
	if (typeof errors === 'object') {
		const tree = errors as IDataObject;
		const own = Array.isArray(tree.errors) ? fieldErrors(tree.errors, prefix) : [];
		const children =
			tree.children && typeof tree.children === 'object'
				? Object.entries(tree.children as IDataObject).flatMap(([name, child]) =>
						fieldErrors(child, prefix ? `${prefix}.${name}` : name),
					)
				: Object.entries(tree)
						.filter(([name]) => name !== 'errors' && name !== 'children')
						.flatMap(([name, child]) => fieldErrors(child, prefix ? `${prefix}.${name}` : name));
		return [...own, ...children];
	}
	return [];
}

export function expertErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return text(body)?.slice(0, 300);
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const problem = body as IDataObject;
	// OAuth token endpoint and bearer errors: {error, error_description}
	const oauth = text(problem.error_description);
	const nested = problem.error && typeof problem.error === 'object' ? (problem.error as IDataObject) : undefined;
	const head =
		text(problem.message) ??
		oauth ??
		(nested ? text(nested.message) : undefined) ??
		text(problem.error) ??
		text(problem.title);
	const details = fieldErrors(problem.errors).filter((detail) => detail !== head);
	if (!head && details.length === 0) return undefined;
	if (!head) return details.join('; ');
	return details.length > 0 ? `${head} (${details.join('; ')})` : head;
}

export const expertService: ServiceSpec = {
	name: EXPERT_SERVICE_NAME,
	credentialType: 'propertyFinderExpertApi',
	defaultBaseUrl: EXPERT_DEFAULT_BASE_URL,
	errorMessage: expertErrorMessage,
	advice(statusCode, apiMessage) {
		if (statusCode === 401) {
			return 'PF Expert CRM did not accept the credentials. Check the API key, the API secret and the token URL in the "PF Expert CRM API" credential.';
		}
		if (statusCode === 403) {
			return 'The API user is valid but lacks the right for this action: reading needs lead.read, changes need lead.update (assigning to another agent also needs user.update).';
		}
		if (statusCode === 404) {
			return 'No lead has this ID in PF Expert CRM. It may have been deleted; check the Lead ID.';
		}
		if ((statusCode === 400 || statusCode === 422) && apiMessage) {
			return 'PF Expert CRM rejected the lead. Correct the fields named in the message and run again.';
		}
		if (statusCode === 429) {
			return 'PF Expert CRM is limiting requests. Lower the number of items per run or wait a minute.';
		}
		return undefined;
	},
};

export interface ExpertRequestSpec extends ServiceRequest {
	/** Ask for related objects (user, notes…) in full. */
	expand?: boolean;
}

const request = requestFor(expertService);

export async function expertRequest(
	this: RequestContext,
	spec: ExpertRequestSpec,
	itemIndex?: number,
): Promise<ApiResponse<IDataObject>> {
	const { expand, ...rest } = spec;
	const headers: IDataObject = { ...rest.headers };
	if (expand) headers[EXPAND_HEADER] = 'true';
	return await request.call(this, { ...rest, headers }, itemIndex);
}

/** The API's warning header, when it sent one (deprecations, ignored parameters…). */
export function apiWarning(headers: Record<string, string>): string | undefined {
	return text(headers[WARNING_HEADER]);
}

/** Single objects arrive wrapped: `{lead: {…}}`. */
export function unwrapLead(body: unknown): IDataObject {
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const lead = (body as IDataObject).lead;
		if (lead && typeof lead === 'object' && !Array.isArray(lead)) return lead as IDataObject;
		return body as IDataObject;
	}
	return {};
}

export function withWarning(lead: IDataObject, warning: string | undefined): IDataObject {
	return warning ? { ...lead, apiWarning: warning } : lead;
}

export interface ExpertPage {
	leads: IDataObject[];
	warnings: string[];
}

/**
 * Every lead matching `qs`, page by page (`page`/`per_page`, answer `{count, page, per_page,
 * leads}`), until a short or empty page, the reported count, or `limit` is reached. Ids seen
 * on an earlier page are dropped, so a lead that moved between pages is returned once.
 */
export async function expertPaginate(
	this: RequestContext,
	qs: IDataObject,
	opts: { limit?: number; itemIndex?: number; expand?: boolean; timeout?: number },
): Promise<ExpertPage> {
	const warnings = new Set<string>();
	const perPage = pageSizeFor(opts.limit, EXPERT_PAGE_SIZE);
	const leads = await readPages(new PagedRecords(opts.limit), 1, async (page: number) => {
		const { body, headers } = await expertRequest.call(
			this,
			{
				method: 'GET',
				path: '/leads',
				qs: { ...qs, page, per_page: perPage },
				expand: opts.expand,
				timeout: opts.timeout,
				idempotent: true,
				// filters[wishlist][locations][]=a&filters[wishlist][locations][]=b
				arrayFormat: 'repeat',
			},
			opts.itemIndex,
		);
		const warning = apiWarning(headers);
		if (warning) warnings.add(warning);
		const records = Array.isArray(body?.leads) ? (body.leads as IDataObject[]) : [];
		const served = Number(body?.per_page) > 0 ? Number(body.per_page) : perPage;
		const count = Number(body?.count);
		const last = records.length < served || (Number.isFinite(count) && count > 0 && page * served >= count);
		return { records, next: last ? undefined : page + 1 };
	});
	return { leads, warnings: [...warnings] };
}

/** `2024-05-01T10:00:00+04:00`, a Date or a Luxon DateTime → `2024-05-01` (the API filters by day). */
export function toExpertDate(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function') {
		const iso = (value as { toISO: () => string | null }).toISO();
		return iso ? iso.slice(0, 10) : undefined;
	}
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
	const raw = String(value).trim();
	const written = /^(\d{4}-\d{2}-\d{2})/.exec(raw);
	if (written) return written[1];
	const parsed = Date.parse(raw);
	return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString().slice(0, 10);
}
