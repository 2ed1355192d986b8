import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { fieldError } from '../../../shared/execute';
import { optionsCollection, readLimit, readTimeout, returnAllAndLimit } from '../../../shared/fields';
import { addAgentsToEntries, resolveAgentOption } from '../../shared/agents';
import {
	LEAD_CHANNEL_OPTIONS,
	LEAD_ENTITY_TYPE_OPTIONS,
	LISTING_CATEGORY_OPTIONS,
	LISTING_OFFERING_OPTIONS,
	simplifyLead,
	simplifyProperty,
} from '../../shared/lead';
import { requestTimeoutOption } from '../../shared/options';
import {
	PF_MAX_LOOKBACK_DAYS,
	PfDateError,
	clampCreatedAtFrom,
	leadQuery,
	listValue,
	pfPaginate,
	toPfDate,
} from '../../transport/enterprise';

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'multiOptions',
				default: [],
				options: LEAD_CHANNEL_OPTIONS,
				description: 'How the lead contacted you',
			},
			{
				displayName: 'Created After',
				name: 'createdAtFrom',
				type: 'dateTime',
				default: '',
				description:
					'Only leads created at or after this time. Property Finder keeps 3 months of leads: an older date is moved to 89 days ago.',
			},
			{
				displayName: 'Created Before',
				name: 'createdAtTo',
				type: 'dateTime',
				default: '',
				description: 'Only leads created at or before this time',
			},
			{
				displayName: 'Developer IDs',
				name: 'developerId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 8f1c…, 2a9d…',
				description: 'Comma-separated developer IDs',
			},
			{
				displayName: 'Entity Type',
				name: 'entityType',
				type: 'multiOptions',
				default: [],
				options: LEAD_ENTITY_TYPE_OPTIONS,
				description: 'What the lead enquired about',
			},
			{
				displayName: 'Exclude Tags',
				name: 'excludeTag',
				type: 'string',
				default: '',
				placeholder: 'e.g. spam',
				description: 'Comma-separated tags; leads with any of them are left out',
			},
			{
				displayName: 'Listing Category',
				name: 'listingCategory',
				type: 'options',
				default: 'residential',
				options: LISTING_CATEGORY_OPTIONS,
			},
			{
				displayName: 'Listing IDs',
				name: 'listingId',
				type: 'string',
				default: '',
				description: 'Comma-separated Property Finder listing IDs',
			},
			{
				displayName: 'Listing Offering',
				name: 'listingOffering',
				type: 'options',
				default: 'sale',
				options: LISTING_OFFERING_OPTIONS,
			},
			{
				displayName: 'Listing References',
				name: 'listingReference',
				type: 'string',
				default: '',
				placeholder: 'e.g. APT-DOWNTOWN-101',
				description: 'Comma-separated listing reference numbers (the references your CRM sent to Property Finder)',
			},
			{
				displayName: 'Order By',
				name: 'orderBy',
				type: 'options',
				default: 'createdAt',
				options: [
					{ name: 'Channel', value: 'channel' },
					{ name: 'Created At', value: 'createdAt' },
					{ name: 'ID', value: 'id' },
					{ name: 'Status', value: 'status' },
				],
			},
			{
				displayName: 'Order Direction',
				name: 'orderDirection',
				type: 'options',
				default: 'desc',
				options: [
					{ name: 'Ascending', value: 'asc' },
					{ name: 'Descending', value: 'desc' },
				],
			},
			{
				displayName: 'Project IDs',
				name: 'projectId',
				type: 'string',
				default: '',
				description: 'Comma-separated project IDs (Primary Plus leads)',
			},
			{
				displayName: 'Public Profile Names or IDs',
				name: 'publicProfileId',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAgents' },
				default: [],
				description:
					'Agents whose leads to return. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Free-text search across the lead',
			},
			{
				displayName: 'Sender Emails',
				name: 'senderEmail',
				type: 'string',
				default: '',
				placeholder: 'e.g. name@email.com',
				description: 'Comma-separated e-mail addresses of the people who enquired',
			},
			{
				displayName: 'Sender Names',
				name: 'senderName',
				type: 'string',
				default: '',
				description: 'Comma-separated names of the people who enquired',
			},
			{
				displayName: 'Sender Phones',
				name: 'senderPhone',
				type: 'string',
				default: '',
				placeholder: 'e.g. +971501234567',
				description: 'Comma-separated phone numbers; local numbers such as 050… are sent as +97150…',
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
				description: 'Lead status. An answered call counts as replied, a voicemail as delivered.',
			},
			{
				displayName: 'Tags',
				name: 'tag',
				type: 'string',
				default: '',
				description: 'Comma-separated tags; leads with any of them are returned',
			},
		],
	},
	simplifyProperty,
	optionsCollection([resolveAgentOption('per execution')], requestTimeoutOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['getAll'] } },
	properties,
);

interface LeadSearch {
	qs: IDataObject;
	limit?: number;
	simplify: boolean;
	resolveAgent: boolean;
	timeout?: number;
	notice?: string;
}

const DATE_LABELS = { createdAtFrom: 'Created After', createdAtTo: 'Created Before' } as const;

function prepare(this: IExecuteFunctions, itemIndex: number): LeadSearch {
	const limit = readLimit(this, itemIndex);
	const filters = { ...(this.getNodeParameter('filters', itemIndex, {}) as IDataObject) };
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeZone = this.getTimezone();

	for (const name of ['createdAtFrom', 'createdAtTo'] as const) {
		if (filters[name] === undefined || filters[name] === null || filters[name] === '') continue;
		try {
			filters[name] = toPfDate(filters[name], timeZone);
		} catch (error) {
			if (!(error instanceof PfDateError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			throw fieldError(this, itemIndex, DATE_LABELS[name], error.message, 'Pick a date, or map an ISO date such as 2025-01-31T10:00:00Z or {{ $now.minus(1, "day") }}.');
		}
	}
	let notice: string | undefined;
	if (typeof filters.createdAtFrom === 'string') {
		const clamped = clampCreatedAtFrom(filters.createdAtFrom, Date.now());
		if (clamped.clamped) {
			notice = `Created After ${filters.createdAtFrom} is older than Property Finder's 3-month limit; leads were fetched from ${clamped.value} (${PF_MAX_LOOKBACK_DAYS} days ago).`;
			filters.createdAtFrom = clamped.value;
		}
	}
	if (
		typeof filters.createdAtFrom === 'string' &&
		typeof filters.createdAtTo === 'string' &&
		Date.parse(filters.createdAtFrom) > Date.parse(filters.createdAtTo)
	) {
		throw fieldError(this, itemIndex, 'Created After', `${filters.createdAtFrom} is later than Created Before ${filters.createdAtTo}`, 'Swap the two dates or correct one of them.');
	}
	const badProfile = listValue(filters.publicProfileId).find((id) => !/^\d+$/.test(id));
	if (badProfile !== undefined) {
		throw fieldError(this, itemIndex, 'Public Profile Names or IDs', `"${badProfile}" is not a public profile ID`, 'Public profile IDs are numbers such as 1001; choose agents from the list.');
	}
	const badEmail = listValue(filters.senderEmail).find((email) => !/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email));
	if (badEmail !== undefined) {
		throw fieldError(this, itemIndex, 'Sender Emails', `"${badEmail}" is not a valid e-mail address`, 'Use the form name@example.com; separate several with commas.');
	}

	return {
		qs: leadQuery(filters, timeZone),
		limit,
		simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		resolveAgent: options.resolveAgent === true,
		timeout: readTimeout(options),
		notice,
	};
}

async function send(this: IExecuteFunctions, search: LeadSearch, itemIndex: number): Promise<IDataObject[]> {
	const leads = await pfPaginate.call(this, '/v1/leads', search.qs, {
		limit: search.limit,
		itemIndex,
		timeout: search.timeout,
	});
	if (search.notice) this.addExecutionHints({ message: search.notice, location: 'outputPane' });

	// The agents are added in `finish`, for every item of the execution at once.
	return leads.map((lead) => {
		const json = search.simplify ? simplifyLead(lead) : lead;
		return search.notice ? { ...json, notice: search.notice } : json;
	});
}

export const operation: ItemOperation<LeadSearch> = { prepare, send, finish: addAgentsToEntries };
