import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { fieldError } from '../../../shared/execute';
import { filtersCollection, getManyFields, optionsCollection, readListParameters } from '../../../shared/fields';
import type { ListRequest } from '../../../shared/paging';
import { pagingOf } from '../../../shared/paging';
import { addAgentsToEntries, resolveAgentOption } from '../../shared/agents';
import { LEAD_FILTER_FIELDS } from '../../shared/filters';
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

export const description = getManyFields('lead', [
	filtersCollection([
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
				'Only leads created at or after this time. Property Finder keeps 3 months of leads: an older date is moved to ' +
				`${PF_MAX_LOOKBACK_DAYS} days ago.`,
		},
		{
			displayName: 'Created Before',
			name: 'createdAtTo',
			type: 'dateTime',
			default: '',
			description: 'Only leads created at or before this time',
		},
		LEAD_FILTER_FIELDS.developerId,
		{
			displayName: 'Entity Type',
			name: 'entityType',
			type: 'multiOptions',
			default: [],
			options: LEAD_ENTITY_TYPE_OPTIONS,
			description: 'What the lead enquired about',
		},
		LEAD_FILTER_FIELDS.excludeTag,
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
		LEAD_FILTER_FIELDS.projectId,
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
		LEAD_FILTER_FIELDS.status,
		LEAD_FILTER_FIELDS.tag,
	]),
	simplifyProperty,
	optionsCollection([resolveAgentOption('per execution')], requestTimeoutOption),
]);

interface LeadSearch extends ListRequest {
	simplify: boolean;
	resolveAgent: boolean;
	notice?: string;
}

const DATE_LABELS = { createdAtFrom: 'Created After', createdAtTo: 'Created Before' } as const;

function prepare(this: IExecuteFunctions, itemIndex: number): LeadSearch {
	const { limit, timeout, filters, options } = readListParameters(this, itemIndex);
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
		timeout,
		notice,
	};
}

async function send(this: IExecuteFunctions, search: LeadSearch, itemIndex: number): Promise<IDataObject[]> {
	const leads = await pfPaginate.call(this, '/v1/leads', search.qs, pagingOf(search, itemIndex));
	if (search.notice) this.addExecutionHints({ message: search.notice, location: 'outputPane' });

	// The agents are added in `finish`, for every item of the execution at once.
	return leads.map((lead) => {
		const json = search.simplify ? simplifyLead(lead) : lead;
		return search.notice ? { ...json, notice: search.notice } : json;
	});
}

export const operation: ItemOperation<LeadSearch> = { prepare, send, finish: addAgentsToEntries };
