import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { RequestContext } from '../../shared/transport';
import { listValue, pfRequest } from '../transport/enterprise';
import { LISTING_CATEGORY_OPTIONS, LISTING_OFFERING_OPTIONS } from './lead';

/**
 * The lead filters of the Polling Trigger: every filter of `GET /v1/leads` that makes sense
 * for a trigger, sent to Property Finder and checked again on every lead that comes back.
 * A filter the server ignored would otherwise flood the workflow with leads nobody asked for.
 *
 * The client-side check is never stricter than the API can be: texts compare without regard
 * to case or surrounding spaces, and "Tags" keeps a lead with any of the tags. A lead outside
 * the filters is dropped and counted; a lead inside them is never dropped.
 */

/** The filter names, in the order they are checked. */
export const TRIGGER_FILTERS = [
	'channel',
	'entityType',
	'status',
	'listingReference',
	'publicProfileId',
	'projectId',
	'developerId',
	'tag',
	'excludeTag',
	'listingCategory',
	'listingOffering',
] as const;

export type TriggerFilter = (typeof TRIGGER_FILTERS)[number];

export type TriggerFilters = Record<TriggerFilter, string[]>;

/** The trigger's filters parameter as lists (empty when a filter is not set). */
export function readTriggerFilters(raw: IDataObject): TriggerFilters {
	const out = {} as TriggerFilters;
	for (const name of TRIGGER_FILTERS) out[name] = listValue(raw[name]);
	return out;
}

/** The filters of the Polling Trigger that came after the first four (channel, entity type, listing reference, agent). */
export const MORE_TRIGGER_FILTER_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Developer IDs',
		name: 'developerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 8f1c2a9d-…',
		description: 'Only leads about these developers (comma-separated developer IDs)',
	},
	{
		displayName: 'Exclude Tags',
		name: 'excludeTag',
		type: 'string',
		default: '',
		placeholder: 'e.g. spam',
		description: 'Leave out leads with any of these tags (comma-separated)',
	},
	{
		displayName: 'Listing Category',
		name: 'listingCategory',
		type: 'multiOptions',
		default: [],
		options: LISTING_CATEGORY_OPTIONS,
		description:
			"Only leads on listings of these categories. Leads carry no category, so each lead's listing is read to check it (one listings request per poll; the key needs listings:read).",
	},
	{
		displayName: 'Listing Offering',
		name: 'listingOffering',
		type: 'multiOptions',
		default: [],
		options: LISTING_OFFERING_OPTIONS,
		description:
			"Only leads on listings for sale or for rent. Leads carry no offering type, so each lead's listing is read to check it (one listings request per poll; the key needs listings:read).",
	},
	{
		displayName: 'Project IDs',
		name: 'projectId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2a9d7c1e-…',
		description: 'Only leads about these projects (Primary Plus; comma-separated project IDs)',
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'multiOptions',
		default: [],
		options: [
			{ name: 'Delivered', value: 'delivered' },
			{ name: 'Read', value: 'read' },
			{ name: 'Replied', value: 'replied' },
			{ name: 'Sent', value: 'sent' },
		],
		description: 'Only leads with these statuses. An answered call counts as replied, a voicemail as delivered.',
	},
	{
		displayName: 'Tags',
		name: 'tag',
		type: 'string',
		default: '',
		placeholder: 'e.g. hot',
		description: 'Only leads with any of these tags (comma-separated)',
	},
];

function same(value: unknown): string {
	return String(value ?? '')
		.trim()
		.toLowerCase();
}

function idOf(value: unknown): unknown {
	return value && typeof value === 'object' ? (value as IDataObject).id : undefined;
}

/** What a lead says for a filter: the values to compare (none when the lead has no such field). */
function leadValues(lead: IDataObject, filter: TriggerFilter): string[] {
	switch (filter) {
		case 'channel':
		case 'entityType':
		case 'status':
			return lead[filter] === undefined || lead[filter] === null ? [] : [same(lead[filter])];
		case 'listingReference': {
			const listing = lead.listing as IDataObject | undefined;
			return listing && listing.reference !== undefined && listing.reference !== null ? [same(listing.reference)] : [];
		}
		case 'publicProfileId':
			return idOf(lead.publicProfile) === undefined ? [] : [same(idOf(lead.publicProfile))];
		case 'projectId':
			return idOf(lead.project) === undefined ? [] : [same(idOf(lead.project))];
		case 'developerId':
			return idOf(lead.developer) === undefined ? [] : [same(idOf(lead.developer))];
		case 'tag':
		case 'excludeTag':
			return Array.isArray(lead.tags) ? lead.tags.map(same) : [];
		default:
			return [];
	}
}

/**
 * The first filter a lead (as the API returns it) does not satisfy, or null when it satisfies
 * every filter that can be checked on the lead itself. Listing category and offering are not
 * on the lead: `listingMismatches` checks those.
 */
export function filterMismatch(lead: IDataObject, filters: TriggerFilters): TriggerFilter | null {
	for (const filter of TRIGGER_FILTERS) {
		const wanted = filters[filter].map(same);
		if (wanted.length === 0) continue;
		if (filter === 'listingCategory' || filter === 'listingOffering') {
			// Only leads on a listing can be on a listing of some category.
			if (!lead.listing || typeof lead.listing !== 'object') return filter;
			continue;
		}
		const values = leadValues(lead, filter);
		if (filter === 'excludeTag') {
			if (values.some((value) => wanted.includes(value))) return filter;
		} else if (!values.some((value) => wanted.includes(value))) {
			return filter;
		}
	}
	return null;
}

/** Sale or rent, as the listings API's price type says (yearly, monthly, weekly, daily = rent). */
function offeringOf(listing: IDataObject): string | undefined {
	const type = (listing.price as IDataObject | undefined)?.type;
	if (typeof type !== 'string' || type === '') return undefined;
	return type.toLowerCase() === 'sale' ? 'sale' : 'rent';
}

export interface ListingCheck {
	/** Indexes of the leads whose listing is outside the category or offering filters. */
	outside: Set<number>;
	/** Leads kept because their listing could not be read (unpublished, or the lookup failed). */
	unchecked: number;
	/** Why the lookup failed, when it did. */
	failure?: string;
}

/**
 * Listing category and offering are not on a lead: read the listings of these leads (one
 * `GET /v1/listings?filter[ids]=…` per 100 listings) and mark the leads whose listing is of
 * another category or offering. A listing that cannot be read keeps its lead (the server
 * filtered it; it is counted as unchecked).
 */
export async function listingMismatches(
	ctx: RequestContext,
	leads: IDataObject[],
	filters: TriggerFilters,
): Promise<ListingCheck> {
	const categories = filters.listingCategory.map(same);
	const offerings = filters.listingOffering.map(same);
	const result: ListingCheck = { outside: new Set(), unchecked: 0 };
	if (categories.length === 0 && offerings.length === 0) return result;
	const ids = [
		...new Set(
			leads
				.map((lead) => (lead.listing && typeof lead.listing === 'object' ? (lead.listing as IDataObject).id : undefined))
				.filter((id): id is string | number => id !== undefined && id !== null && id !== '')
				.map(String),
		),
	];
	const listings = new Map<string, IDataObject>();
	try {
		for (let start = 0; start < ids.length; start += 100) {
			const chunk = ids.slice(start, start + 100);
			const { body } = await pfRequest.call(ctx, {
				method: 'GET',
				path: '/v1/listings',
				qs: { 'filter[ids]': chunk.join(','), perPage: 100 },
				idempotent: true,
			});
			for (const listing of Array.isArray(body?.results) ? (body.results as IDataObject[]) : []) {
				listings.set(String(listing.id), listing);
			}
		}
	} catch (error) {
		result.failure = (error as Error).message;
	}
	leads.forEach((lead, index) => {
		const id = lead.listing && typeof lead.listing === 'object' ? (lead.listing as IDataObject).id : undefined;
		const listing = id === undefined || id === null ? undefined : listings.get(String(id));
		if (!listing) {
			result.unchecked++;
			return;
		}
		const category = typeof listing.category === 'string' ? same(listing.category) : undefined;
		const offering = offeringOf(listing);
		if (categories.length > 0 && category !== undefined && !categories.includes(category)) result.outside.add(index);
		if (offerings.length > 0 && offering !== undefined && !offerings.includes(offering)) result.outside.add(index);
	});
	return result;
}
