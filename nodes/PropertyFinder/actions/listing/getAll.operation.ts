import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readLimit, readTimeout, returnAllAndLimit } from '../../../shared/fields';
import { LISTING_CATEGORY_OPTIONS, LISTING_OFFERING_OPTIONS } from '../../shared/lead';
import { listValue, readDigitsList } from '../../../shared/validate';
import { pfPaginate } from '../../transport/enterprise';

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Publication',
		name: 'publication',
		type: 'options',
		default: 'published',
		options: [
			{ name: 'Archived', value: 'archived', description: 'Archived listings' },
			{ name: 'Not Published', value: 'draft', description: 'Drafts, unpublished and pending listings' },
			{ name: 'Published', value: 'published', description: 'Listings live on Property Finder' },
		],
		description: 'Which listings to search; Property Finder returns only published ones unless asked',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Agent Names or IDs',
				name: 'assignedToId',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAgents' },
				default: [],
				description:
					'Agents (public profiles) the listings are assigned to. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Bedrooms',
				name: 'bedrooms',
				type: 'string',
				default: '',
				placeholder: 'e.g. studio,2,3',
				description: 'Comma-separated bedroom counts',
			},
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				default: 'residential',
				options: LISTING_CATEGORY_OPTIONS,
			},
			{
				displayName: 'Listing IDs',
				name: 'ids',
				type: 'string',
				default: '',
				description: 'Comma-separated listing IDs',
			},
			{
				displayName: 'Location IDs',
				name: 'locationId',
				type: 'string',
				default: '',
				description: 'Comma-separated Property Finder location IDs',
			},
			{
				displayName: 'Offering Type',
				name: 'offeringType',
				type: 'options',
				default: 'sale',
				options: LISTING_OFFERING_OPTIONS,
			},
			{
				displayName: 'Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. APT-DOWNTOWN-101',
			},
			{
				displayName: 'State',
				name: 'state',
				type: 'options',
				default: 'live',
				options: [
					{ name: 'Approved', value: 'approved' },
					{ name: 'Archived', value: 'archived' },
					{ name: 'Draft', value: 'draft' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Live', value: 'live' },
					{ name: 'Pending Approval', value: 'pending_approval' },
					{ name: 'Rejected', value: 'rejected' },
					{ name: 'Taken Down', value: 'takendown' },
					{ name: 'Unpublished', value: 'unpublished' },
				],
				description: 'Exact listing state; which states exist depends on the Publication choice',
			},
			{
				displayName: 'Type',
				name: 'type',
				type: 'string',
				default: '',
				placeholder: 'e.g. apartment',
				description: 'Property type such as apartment, villa or office-space',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['listing'], operation: ['getAll'] } },
	properties,
);

interface ListingSearch {
	qs: IDataObject;
	limit?: number;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): ListingSearch {
	const limit = readLimit(this, itemIndex);
	const publication = this.getNodeParameter('publication', itemIndex, 'published') as string;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (publication === 'draft') qs.draft = true;
	if (publication === 'archived') qs.archived = true;
	const assigned = readDigitsList(this, itemIndex, 'Agent Names or IDs', filters.assignedToId, 'a public profile ID', 'Choose agents from the list, or map numbers such as 1001.');
	const lists: Array<[string, string[]]> = [
		['filter[assignedToId]', assigned],
		['filter[bedrooms]', listValue(filters.bedrooms)],
		['filter[ids]', listValue(filters.ids)],
		['filter[locationId]', listValue(filters.locationId)],
	];
	for (const [key, values] of lists) if (values.length > 0) qs[key] = values.join(',');
	for (const name of ['category', 'offeringType', 'reference', 'state', 'type']) {
		const value = filters[name];
		if (typeof value === 'string' && value.trim() !== '') qs[`filter[${name}]`] = value.trim();
	}
	return { qs, limit, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, search: ListingSearch, itemIndex: number): Promise<IDataObject[]> {
	return await pfPaginate.call(this, '/v1/listings', search.qs, {
		limit: search.limit,
		itemIndex,
		timeout: search.timeout,
		dataKey: 'results',
	});
}

export const operation: ItemOperation<ListingSearch> = { prepare, send };
