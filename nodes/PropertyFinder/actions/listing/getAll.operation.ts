import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { filtersCollection, getManyFields, optionsCollection, readListParameters } from '../../../shared/fields';
import type { ListRequest } from '../../../shared/paging';
import { pagingOf } from '../../../shared/paging';
import { LISTING_CATEGORY_OPTIONS, LISTING_OFFERING_OPTIONS } from '../../shared/lead';
import { listValue, readDigitsList } from '../../../shared/validate';
import { pfPaginate } from '../../transport/enterprise';

export const description = getManyFields('listing', [
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
	filtersCollection([
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
	]),
	optionsCollection(),
]);

function prepare(this: IExecuteFunctions, itemIndex: number): ListRequest {
	const { limit, timeout, filters } = readListParameters(this, itemIndex);
	const publication = this.getNodeParameter('publication', itemIndex, 'published') as string;
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
	return { qs, limit, timeout };
}

async function send(this: IExecuteFunctions, request: ListRequest, itemIndex: number): Promise<IDataObject[]> {
	return await pfPaginate.call(this, '/v1/listings', request.qs, { ...pagingOf(request, itemIndex), dataKey: 'results' });
}

export const operation: ItemOperation<ListRequest> = { prepare, send };
