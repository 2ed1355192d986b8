import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { filtersCollection, getManyFields, optionsCollection, readListParameters } from '../../../shared/fields';
import type { ListRequest } from '../../../shared/paging';
import { pagingOf } from '../../../shared/paging';
import {
	fieldError,
	isBlank,
	readChoice,
	readCount,
	readId,
	readMoney,
	splitList,
} from '../../../shared/validate';
import { expertPaginate, toExpertDate } from '../../transport/expert';
import {
	CATEGORIES,
	CATEGORY_OPTIONS,
	CHANNEL_OPTIONS,
	FINANCIALS,
	FINANCIAL_OPTIONS,
	MORTGAGE_STATUSES,
	MORTGAGE_STATUS_OPTIONS,
	QUALITIES,
	QUALITY_OPTIONS,
	SOURCES,
	SOURCE_OPTIONS,
	STATUSES,
	STATUS_OPTIONS,
	expandDataOption,
} from './fields';

const SORTS: Array<[string, string]> = [
	['Created', 'created'],
	['Email', 'email'],
	['ID', 'id'],
	['Last Name', 'last_name'],
	['Mobile', 'mobile'],
	['Price', 'price'],
	['Size', 'size'],
	['Status', 'status'],
	['Time Frame', 'time_frame'],
	['Type', 'type'],
	['User', 'user'],
];

const dateFilter = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'dateTime',
	default: '',
	description: `${description} PF Expert CRM filters by day. Only the date part is used.`,
});

export const description = getManyFields('crmLead', [
	filtersCollection([
		{ displayName: 'Address', name: 'address', type: 'string', default: '', placeholder: 'JLT' },
		{
			displayName: 'Assigned User ID',
			name: 'user',
			type: 'string',
			default: '',
			placeholder: '12',
			description: 'Only leads assigned to this agent',
		},
		{ displayName: 'City', name: 'city', type: 'string', default: '', placeholder: 'Dubai' },
		{ displayName: 'Country', name: 'country', type: 'string', default: '', placeholder: 'AE', description: 'Two-letter country code' },
		dateFilter('Created After', 'createdFrom', 'Only leads created on or after this date.'),
		dateFilter('Created Before', 'createdTo', 'Only leads created on or before this date.'),
		{
			displayName: 'Excluded User ID',
			name: 'excludedUser',
			type: 'string',
			default: '',
			placeholder: '3',
			description: 'Leave out the leads of this agent',
		},
		{ displayName: 'Financial', name: 'financial', type: 'options', options: FINANCIAL_OPTIONS, default: 'cash' },
		{ displayName: 'Mobile', name: 'mobile', type: 'string', default: '', placeholder: '+971501234567' },
		{
			displayName: 'Mortgage Status',
			name: 'mortgageStatus',
			type: 'options',
			options: MORTGAGE_STATUS_OPTIONS,
			default: 'pre-approved',
		},
		{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'Johnny', description: 'First or last name' },
		{ displayName: 'Quality', name: 'quality', type: 'options', options: QUALITY_OPTIONS, default: 'good' },
		{
			displayName: 'Search',
			name: 'query',
			type: 'string',
			default: '',
			placeholder: 'David P',
			description: 'Matches ID, first and last name, mobile and email',
		},
		{ displayName: 'Source', name: 'source', type: 'options', options: SOURCE_OPTIONS, default: 'propertyfinder' },
		{
			displayName: 'Source Channel',
			name: 'channel',
			type: 'options',
			options: CHANNEL_OPTIONS,
			default: 'email',
			description: 'Must belong to the Source filter when both are set',
		},
		{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS, default: 'notYetContacted' },
		dateFilter('Updated After', 'updatedFrom', 'Only leads changed on or after this date.'),
		dateFilter('Updated Before', 'updatedTo', 'Only leads changed on or before this date.'),
		{
			displayName: 'Wishlist Category',
			name: 'wishlistCategory',
			type: 'options',
			options: CATEGORY_OPTIONS,
			default: 'residential',
		},
		{
			displayName: 'Wishlist Locations',
			name: 'wishlistLocations',
			type: 'string',
			default: '',
			placeholder: 'are.1.1, are.3.1200',
			description: 'Location IDs, comma-separated',
		},
		{ displayName: 'Wishlist Max Bedrooms', name: 'wishlistToBedroom', type: 'string', default: '', placeholder: '3' },
		{ displayName: 'Wishlist Max Price', name: 'wishlistToPrice', type: 'string', default: '', placeholder: '1,000,000' },
		{ displayName: 'Wishlist Min Bedrooms', name: 'wishlistFromBedroom', type: 'string', default: '', placeholder: '1' },
		{ displayName: 'Wishlist Min Price', name: 'wishlistFromPrice', type: 'string', default: '', placeholder: '500,000' },
	]),
	optionsCollection([
		expandDataOption,
		{
			displayName: 'Sort By',
			name: 'sort',
			type: 'options',
			options: SORTS.map(([name, value]) => ({ name, value })),
			default: 'id',
		},
		{
			displayName: 'Sort Order',
			name: 'sortOrder',
			type: 'options',
			options: [
				{ name: 'Ascending', value: 'ASC' },
				{ name: 'Descending', value: 'DESC' },
			],
			default: 'ASC',
		},
	]),
]);

interface PreparedGetAll extends ListRequest {
	expand: boolean;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedGetAll {
	const { limit, timeout, filters, options } = readListParameters(this, itemIndex);
	const qs: IDataObject = {};
	const set = (key: string, value: unknown) => {
		if (value !== undefined) qs[`filters${key}`] = value as IDataObject[string];
	};
	const textOf = (value: unknown) => (isBlank(value) ? undefined : String(value).trim());
	const choice = (label: string, value: unknown, allowed: readonly string[]) =>
		isBlank(value) ? undefined : readChoice(this, itemIndex, `Filters › ${label}`, value, allowed);
	const id = (label: string, value: unknown) => (isBlank(value) ? undefined : readId(this, itemIndex, `Filters › ${label}`, value));
	const date = (label: string, value: unknown) => {
		if (isBlank(value)) return undefined;
		const day = toExpertDate(value);
		if (!day) {
			throw fieldError(this, itemIndex, `Filters › ${label}`, `"${String(value)}" is not a date`, 'Pick a date or use an expression such as {{ $now.minus(7, "days") }}.');
		}
		return day;
	};

	set('[query]', textOf(filters.query));
	set('[name]', textOf(filters.name));
	set('[mobile]', textOf(filters.mobile));
	set('[status]', choice('Status', filters.status, STATUSES));
	set('[source]', choice('Source', filters.source, SOURCES));
	set('[channel]', textOf(filters.channel));
	set('[user]', id('Assigned User ID', filters.user));
	set('[excluded_user]', id('Excluded User ID', filters.excludedUser));
	set('[quality]', choice('Quality', filters.quality, QUALITIES));
	set('[financial]', choice('Financial', filters.financial, FINANCIALS));
	set('[mortgage_status]', choice('Mortgage Status', filters.mortgageStatus, MORTGAGE_STATUSES));
	set('[address]', textOf(filters.address));
	set('[city]', textOf(filters.city));
	set('[country]', textOf(filters.country));
	const createdFrom = date('Created After', filters.createdFrom);
	const createdTo = date('Created Before', filters.createdTo);
	const updatedFrom = date('Updated After', filters.updatedFrom);
	const updatedTo = date('Updated Before', filters.updatedTo);
	for (const [label, from, to] of [
		['Created After', createdFrom, createdTo],
		['Updated After', updatedFrom, updatedTo],
	] as const) {
		if (from && to && from > to) {
			throw fieldError(this, itemIndex, `Filters › ${label}`, `${from} is after ${to}`, 'Swap the two dates or correct one of them.');
		}
	}
	set('[created][from]', createdFrom);
	set('[created][to]', createdTo);
	set('[updated][from]', updatedFrom);
	set('[updated][to]', updatedTo);
	set('[wishlist][category]', choice('Wishlist Category', filters.wishlistCategory, CATEGORIES));
	const locations = splitList(filters.wishlistLocations);
	if (locations.length > 0) set('[wishlist][locations][]', locations);
	if (!isBlank(filters.wishlistFromPrice)) {
		set('[wishlist][from_price]', readMoney(this, itemIndex, 'Filters › Wishlist Min Price', filters.wishlistFromPrice));
	}
	if (!isBlank(filters.wishlistToPrice)) {
		set('[wishlist][to_price]', readMoney(this, itemIndex, 'Filters › Wishlist Max Price', filters.wishlistToPrice));
	}
	set('[wishlist][from_bedroom]', readCount(this, itemIndex, 'Filters › Wishlist Min Bedrooms', filters.wishlistFromBedroom));
	set('[wishlist][to_bedroom]', readCount(this, itemIndex, 'Filters › Wishlist Max Bedrooms', filters.wishlistToBedroom));

	if (!isBlank(options.sort)) {
		qs.sort = readChoice(this, itemIndex, 'Options › Sort By', options.sort, SORTS.map(([, value]) => value));
		qs.sort_order = isBlank(options.sortOrder)
			? 'ASC'
			: readChoice(this, itemIndex, 'Options › Sort Order', String(options.sortOrder).toUpperCase(), ['ASC', 'DESC']);
	}
	return { qs, limit, timeout, expand: options.expandData === true };
}

async function send(this: IExecuteFunctions, prepared: PreparedGetAll, itemIndex: number) {
	const { leads, warnings } = await expertPaginate.call(this, prepared.qs, {
		...pagingOf(prepared, itemIndex),
		expand: prepared.expand,
	});
	if (warnings.length === 0) return leads;
	const apiWarning = warnings.join(' | ');
	return leads.map((lead) => ({ ...lead, apiWarning }));
}

export const operation: ItemOperation<PreparedGetAll> = { prepare, send };
