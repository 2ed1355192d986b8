import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { fieldError, isBlank, readCount, readIdList, readMoney, readText, splitList } from '../../../shared/validate';

/**
 * The wishlist (`preference`) of a PF Expert CRM lead: read from the fixed collection (or a
 * plain object, or flat columns gathered by create), checked, and turned into the API's fields.
 */

/** The wishlist values whether the parameter came as a fixed collection or a plain object. */
export function preferenceValues(raw: unknown): IDataObject | undefined {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
	const object = raw as IDataObject;
	const inner = object.values ?? object.wishlist;
	if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner as IDataObject;
	return Object.keys(object).length > 0 ? object : undefined;
}

/** The wishlist fields the API requires, in the order they are checked, with their readers. */
export const MANDATORY_PREFERENCE: Array<{
	name: string;
	api: string;
	label: string;
	hint: string;
	read: (ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown) => IDataObject[string];
}> = [
	{ name: 'types', api: 'types', label: 'Types', hint: 'Enter at least one property type ID, e.g. 2.', read: readIdList },
	{
		name: 'locations',
		api: 'locations',
		label: 'Locations',
		hint: 'Enter at least one location ID, e.g. are.2.15.',
		read: (_ctx, _itemIndex, _label, value) => splitList(value),
	},
	{ name: 'fromPrice', api: 'from_price', label: 'Min Price', hint: 'Enter the lowest price in AED, e.g. 1,200,000.', read: readMoney },
	{ name: 'toPrice', api: 'to_price', label: 'Max Price', hint: 'Enter the highest price in AED, e.g. 1,500,000.', read: readMoney },
	{ name: 'offeringType', api: 'offering_type', label: 'Offering Type', hint: 'Choose Rent or Sale.', read: readText },
];

export function readPreference(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: (name: string) => string,
	requireAll: boolean,
): IDataObject | undefined {
	const values = preferenceValues(raw);
	if (!values) {
		if (requireAll) {
			throw fieldError(
				ctx,
				itemIndex,
				label('Preference'),
				'is required but empty',
				'Add the wishlist: types, locations, min and max price, offering type and amenities.',
			);
		}
		return undefined;
	}
	const out: IDataObject = {};
	const given = (name: string) => !isBlank(values[name]) && !(Array.isArray(values[name]) && (values[name] as unknown[]).length === 0);
	const missing = (name: string, hint: string) =>
		fieldError(ctx, itemIndex, label(`Preference › ${name}`), 'is required but empty', hint);

	for (const field of MANDATORY_PREFERENCE) {
		if (given(field.name)) out[field.api] = field.read(ctx, itemIndex, label(`Preference › ${field.label}`), values[field.name]);
		else if (requireAll) throw missing(field.label, field.hint);
	}

	// Amenities are mandatory for the API but may be an empty list.
	if (given('amenities')) out.amenities = readIdList(ctx, itemIndex, label('Preference › Amenities'), values.amenities);
	else if (requireAll) out.amenities = [];

	const counts: Array<[string, string, string]> = [
		['fromSize', 'from_size', 'Min Size'],
		['toSize', 'to_size', 'Max Size'],
		['fromBedroom', 'from_bedroom', 'Min Bedrooms'],
		['toBedroom', 'to_bedroom', 'Max Bedrooms'],
		['fromBathroom', 'from_bathroom', 'Min Bathrooms'],
		['toBathroom', 'to_bathroom', 'Max Bathrooms'],
	];
	for (const [name, api, fieldLabel] of counts) {
		const value = readCount(ctx, itemIndex, label(`Preference › ${fieldLabel}`), values[name]);
		if (value !== undefined) out[api] = value;
	}
	checkRange(ctx, itemIndex, label, out, 'from_price', 'to_price', 'Min Price', 'Max Price');
	checkRange(ctx, itemIndex, label, out, 'from_size', 'to_size', 'Min Size', 'Max Size');
	checkRange(ctx, itemIndex, label, out, 'from_bedroom', 'to_bedroom', 'Min Bedrooms', 'Max Bedrooms');
	checkRange(ctx, itemIndex, label, out, 'from_bathroom', 'to_bathroom', 'Min Bathrooms', 'Max Bathrooms');
	return Object.keys(out).length > 0 ? out : undefined;
}

function checkRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: (name: string) => string,
	values: IDataObject,
	from: string,
	to: string,
	fromLabel: string,
	toLabel: string,
) {
	if (typeof values[from] === 'number' && typeof values[to] === 'number' && (values[from] as number) > (values[to] as number)) {
		throw fieldError(
			ctx,
			itemIndex,
			label(`Preference › ${fromLabel}`),
			`${String(values[from])} is more than ${toLabel} ${String(values[to])}`,
			'Swap the two values or correct one of them.',
		);
	}
}
