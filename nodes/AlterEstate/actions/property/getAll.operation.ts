import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { filtersCollection, getManyFields, optionsCollection, readListParameters } from '../../../shared/fields';
import type { ListRequest } from '../../../shared/paging';
import { PagedRecords, readPages } from '../../../shared/paging';
import {
	compact,
	fieldError,
	isBlank,
	readChoice,
	readMoney,
	readOptionalText,
} from '../../../shared/validate';
import { PROPERTIES_FILTER_PATH, alterEstateRead } from '../../transport';

/** AlterEstate's listing type ids in the property filter. */
export const PROPERTY_LISTING_TYPES = { sale: 1, rent: 2 } as const;

export const description = getManyFields('property', [
	filtersCollection([
		{
			displayName: 'Agent ID',
			name: 'agent',
			type: 'string',
			default: '',
			placeholder: '134',
			description: 'Only properties of this agent (the ID from Agent → Get Many)',
		},
		{
			displayName: 'Area Max',
			name: 'areaMax',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Largest property area, in the unit of your account (m² or ft²)',
		},
		{
			displayName: 'Area Min',
			name: 'areaMin',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Smallest property area, in the unit of your account (m² or ft²)',
		},
		{
			displayName: 'Bathrooms Min',
			name: 'bathroomsMin',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1,
		},
		{
			displayName: 'Category ID',
			name: 'category',
			type: 'string',
			default: '',
			placeholder: '1',
			description: 'AlterEstate property category ID, e.g. 1 for apartments',
		},
		{
			displayName: 'City',
			name: 'cityName',
			type: 'string',
			default: '',
			placeholder: 'Punta Cana',
		},
		{
			displayName: 'Currency',
			name: 'currency',
			type: 'string',
			default: '',
			placeholder: 'USD',
			description: 'Currency of the price filters; AlterEstate converts prices between currencies',
		},
		{
			displayName: 'Listing Type',
			name: 'listingType',
			type: 'options',
			default: 'sale',
			options: [
				{ name: 'Rent', value: 'rent' },
				{ name: 'Sale', value: 'sale' },
			],
		},
		{
			displayName: 'Price Max',
			name: 'priceMax',
			type: 'string',
			default: '',
			placeholder: '2,500,000',
			description: 'Highest price. Accepts 2500000, 2,500,000, 2.5M or 750k.',
		},
		{
			displayName: 'Price Min',
			name: 'priceMin',
			type: 'string',
			default: '',
			placeholder: '1,000,000',
			description: 'Lowest price. Accepts 1000000, 1,000,000, 1M or 750k.',
		},
		{
			displayName: 'Rooms Max',
			name: 'roomsMax',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 3,
		},
		{
			displayName: 'Rooms Min',
			name: 'roomsMin',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1,
		},
		{
			displayName: 'Search',
			name: 'search',
			type: 'string',
			default: '',
			placeholder: 'ocean view',
			description: 'Words to look for in the property name, description and location',
		},
		{
			displayName: 'Sector',
			name: 'sector',
			type: 'string',
			default: '',
			placeholder: 'Bávaro',
			description: 'Neighbourhood or sector name',
		},
	]),
	optionsCollection(),
]);

function count(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0) {
		throw fieldError(ctx, itemIndex, label, `"${String(value)}" is not a number of 0 or more`, 'Enter a number such as 2, or remove the filter.');
	}
	return number;
}

function id(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const text = String(value).trim();
	if (!/^\d+$/.test(text)) {
		throw fieldError(ctx, itemIndex, label, `"${text}" is not an ID`, 'Enter the numeric AlterEstate ID, or remove the filter.');
	}
	return Number(text);
}

function range(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	min: number | undefined,
	max: number | undefined,
) {
	if (min !== undefined && max !== undefined && min > max) {
		throw fieldError(ctx, itemIndex, `${label} Min`, `${min} is more than ${label} Max ${max}`, 'Swap the two values or correct one of them.');
	}
}

function prepare(this: IExecuteFunctions, itemIndex: number): ListRequest {
	const { limit, timeout, filters } = readListParameters(this, itemIndex);

	const priceMin = isBlank(filters.priceMin) ? undefined : readMoney(this, itemIndex, 'Price Min', filters.priceMin);
	const priceMax = isBlank(filters.priceMax) ? undefined : readMoney(this, itemIndex, 'Price Max', filters.priceMax);
	range(this, itemIndex, 'Price', priceMin, priceMax);
	const roomsMin = count(this, itemIndex, 'Rooms Min', filters.roomsMin);
	const roomsMax = count(this, itemIndex, 'Rooms Max', filters.roomsMax);
	range(this, itemIndex, 'Rooms', roomsMin, roomsMax);
	const areaMin = count(this, itemIndex, 'Area Min', filters.areaMin);
	const areaMax = count(this, itemIndex, 'Area Max', filters.areaMax);
	range(this, itemIndex, 'Area', areaMin, areaMax);
	const listingType = isBlank(filters.listingType)
		? undefined
		: readChoice(this, itemIndex, 'Listing Type', filters.listingType, ['sale', 'rent'] as const);
	const currency = readOptionalText(filters.currency)?.toUpperCase();
	if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
		throw fieldError(this, itemIndex, 'Currency', `"${String(filters.currency).trim()}" is not a currency code`, 'Use a three-letter code such as USD or DOP.');
	}

	const qs = compact({
		search: readOptionalText(filters.search),
		listing_type: listingType ? PROPERTY_LISTING_TYPES[listingType] : undefined,
		category: id(this, itemIndex, 'Category ID', filters.category),
		city_name: readOptionalText(filters.cityName),
		sector: readOptionalText(filters.sector),
		currency,
		value_min: priceMin,
		value_max: priceMax,
		rooms_min: roomsMin,
		rooms_max: roomsMax,
		bath_min: count(this, itemIndex, 'Bathrooms Min', filters.bathroomsMin),
		// A 0 area from an untouched number field is no filter at all.
		area_min: areaMin || undefined,
		area_max: areaMax || undefined,
		agent: id(this, itemIndex, 'Agent ID', filters.agent),
	});
	return { qs, limit, timeout };
}

interface PropertyPage {
	count?: number;
	next?: string | null;
	results?: IDataObject[];
}

/** A property's `uid`: AlterEstate's properties have no `id`. */
function uidOf(property: IDataObject): string | undefined {
	return typeof property?.uid === 'string' && property.uid !== '' ? property.uid : undefined;
}

async function send(this: IExecuteFunctions, query: ListRequest, itemIndex: number) {
	// Page until AlterEstate says there is no next page; an empty page also ends the list.
	return await readPages(new PagedRecords(query.limit, uidOf), 1, async (page: number) => {
		const response = await alterEstateRead.call(
			this,
			{ path: PROPERTIES_FILTER_PATH, qs: { ...query.qs, page }, timeout: query.timeout },
			itemIndex,
		);
		const body = response.body as PropertyPage | undefined;
		const records = Array.isArray(body?.results) ? body.results : [];
		return { records, next: body?.next ? page + 1 : undefined };
	});
}

export const operation: ItemOperation<ListRequest> = { prepare, send };
