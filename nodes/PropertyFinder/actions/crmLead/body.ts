import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PhoneOptions } from '../../../shared/leads';
import {
	fieldError,
	isBlank,
	readChoice,
	readCount,
	readEmail,
	readId,
	readIdList,
	readJsonObject,
	readMoney,
	readPhone,
	readText,
	splitList,
} from '../../../shared/validate';
import {
	CATEGORIES,
	FINANCIALS,
	MORTGAGE_STATUSES,
	QUALITIES,
	SOURCES,
	STATUSES,
	TITLES,
	preferenceValues,
} from './fields';

/**
 * Turns the node's camelCase lead parameters into the API's snake_case lead body, checking
 * every value on the way. `requireAll` (create) also insists on the mandatory fields.
 */

type Kind = 'text' | 'choice' | 'phone' | 'email' | 'id' | 'idList' | 'note' | 'json';

interface FieldSpec {
	name: string;
	api: string;
	label: string;
	kind: Kind;
	allowed?: readonly string[];
	mandatory?: boolean;
}

const FIELDS: FieldSpec[] = [
	{ name: 'title', api: 'title', label: 'Title', kind: 'choice', allowed: TITLES, mandatory: true },
	{ name: 'firstName', api: 'first_name', label: 'First Name', kind: 'text', mandatory: true },
	{ name: 'middleName', api: 'middle_name', label: 'Middle Name', kind: 'text' },
	{ name: 'lastName', api: 'last_name', label: 'Last Name', kind: 'text', mandatory: true },
	{ name: 'mobile', api: 'mobile', label: 'Mobile', kind: 'phone', mandatory: true },
	{ name: 'email', api: 'email', label: 'Email', kind: 'email' },
	{ name: 'category', api: 'category', label: 'Category', kind: 'choice', allowed: CATEGORIES, mandatory: true },
	{ name: 'address', api: 'address', label: 'Address', kind: 'text' },
	{ name: 'pobox', api: 'pobox', label: 'P.O. Box', kind: 'text' },
	{ name: 'city', api: 'city', label: 'City', kind: 'text' },
	{ name: 'country', api: 'country', label: 'Country', kind: 'text', mandatory: true },
	{ name: 'status', api: 'status', label: 'Status', kind: 'choice', allowed: STATUSES, mandatory: true },
	{ name: 'quality', api: 'quality', label: 'Quality', kind: 'choice', allowed: QUALITIES },
	{ name: 'source', api: 'source', label: 'Source', kind: 'choice', allowed: SOURCES, mandatory: true },
	// A free channel name is allowed when the source is "other".
	{ name: 'sourceChannel', api: 'source_channel', label: 'Source Channel', kind: 'text', mandatory: true },
	{ name: 'financial', api: 'financial', label: 'Financial', kind: 'choice', allowed: FINANCIALS, mandatory: true },
	{
		name: 'mortgageStatus',
		api: 'mortgage_status',
		label: 'Mortgage Status',
		kind: 'choice',
		allowed: MORTGAGE_STATUSES,
	},
	{ name: 'userId', api: 'user', label: 'Assigned User ID', kind: 'id' },
	{ name: 'notes', api: 'notes', label: 'Notes', kind: 'note' },
	{ name: 'properties', api: 'properties', label: 'Properties', kind: 'idList' },
	{ name: 'customFields', api: 'fields', label: 'Custom Fields (JSON)', kind: 'json' },
];

/** The wishlist fields the API requires, in the order they are checked, with their readers. */
const MANDATORY_PREFERENCE: Array<{
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

function readPreference(
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

/**
 * The lead body for create (`requireAll`) or the changes for update. `label` turns a field's
 * label into what the user sees (e.g. "Update Fields › Status").
 */
export function buildLeadBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	input: IDataObject,
	options: PhoneOptions,
	requireAll: boolean,
	label: (name: string) => string = (name) => name,
): IDataObject {
	const body: IDataObject = {};
	for (const field of FIELDS) {
		const value = input[field.name];
		const fieldLabel = label(field.label);
		if (isBlank(value)) {
			if (requireAll && field.mandatory) {
				throw fieldError(ctx, itemIndex, fieldLabel, 'is required but empty', 'PF Expert CRM needs this field to create a lead. Enter a value or map one from the input.');
			}
			continue;
		}
		switch (field.kind) {
			case 'choice':
				body[field.api] = readChoice(ctx, itemIndex, fieldLabel, value, field.allowed ?? []);
				break;
			case 'phone':
				body[field.api] = readPhone(ctx, itemIndex, fieldLabel, value, options);
				break;
			case 'email':
				body[field.api] = readEmail(ctx, itemIndex, fieldLabel, value);
				break;
			case 'id':
				body[field.api] = readId(ctx, itemIndex, fieldLabel, value);
				break;
			case 'idList': {
				const ids = readIdList(ctx, itemIndex, fieldLabel, value);
				if (ids.length > 0) body[field.api] = ids;
				break;
			}
			case 'note':
				body[field.api] = [{ body: readText(ctx, itemIndex, fieldLabel, value) }];
				break;
			case 'json': {
				const object = readJsonObject(ctx, itemIndex, fieldLabel, value, '{"1": "2 pets"}');
				if (object && Object.keys(object).length > 0) body[field.api] = object;
				break;
			}
			default:
				body[field.api] = readText(ctx, itemIndex, fieldLabel, value);
		}
	}
	const preference = readPreference(ctx, itemIndex, input.preference, label, requireAll);
	if (preference) {
		body.preference = preference;
		// The seed's request example also carries the offering type on the lead itself.
		if (preference.offering_type !== undefined) body.offering_type = preference.offering_type;
	}
	return body;
}

function idOf(value: unknown): unknown {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject).id : value;
}

function present(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/**
 * The current lead as a request body (PUT replaces the lead, so an update sends the whole
 * lead with the changes on top). Notes are left out: sending them again would add them twice.
 */
export function bodyFromLead(lead: IDataObject): IDataObject {
	const body: IDataObject = {};
	const copy: Array<[string, unknown]> = [
		['title', lead.title],
		['first_name', lead.first_name],
		['middle_name', lead.middle_name],
		['last_name', lead.last_name],
		['email', lead.email],
		['mobile', lead.mobile],
		['address', lead.address],
		['pobox', lead.pobox],
		['city', lead.city],
		['country', lead.country],
		['status', lead.status],
		['quality', lead.quality],
		['source', lead.source],
		['source_channel', lead.source_channel ?? lead.channel],
		['financial', lead.financial],
		['mortgage_status', lead.mortgage_status],
		['user', idOf(lead.user)],
		['fields', lead.fields],
	];
	for (const [key, value] of copy) if (present(value)) body[key] = value as IDataObject[string];

	const preferences = Array.isArray(lead.preferences) ? (lead.preferences as IDataObject[]) : [];
	const current = preferences[0] ?? (lead.preference as IDataObject | undefined);
	const firstType = Array.isArray(current?.types) ? (current.types as IDataObject[])[0] : undefined;
	const category = lead.category ?? current?.category ?? (firstType && typeof firstType === 'object' ? firstType.category : undefined);
	if (present(category)) body.category = category;
	if (current && typeof current === 'object') {
		const preference: IDataObject = {};
		const list = (value: unknown) => (Array.isArray(value) ? value.map(idOf).filter(present) : undefined);
		const types = list(current.types);
		const locations = list(current.locations);
		const amenities = list(current.amenities) ?? list(lead.amenities);
		if (types) preference.types = types as IDataObject[];
		if (locations) preference.locations = locations as IDataObject[];
		preference.amenities = (amenities ?? []) as IDataObject[];
		for (const key of [
			'from_price',
			'to_price',
			'from_size',
			'to_size',
			'from_bathroom',
			'to_bathroom',
			'from_bedroom',
			'to_bedroom',
			'offering_type',
		]) {
			if (present(current[key])) preference[key] = current[key];
		}
		if (!present(preference.offering_type) && present(lead.offering_type)) preference.offering_type = lead.offering_type;
		body.preference = preference;
	}
	if (Array.isArray(lead.properties)) {
		const properties = (lead.properties as unknown[]).map(idOf).filter(present);
		if (properties.length > 0) body.properties = properties as IDataObject[];
	}
	return body;
}

/** The current lead with the changes on top; the wishlist is merged field by field. */
export function mergeLeadBody(current: IDataObject, changes: IDataObject): IDataObject {
	const merged: IDataObject = { ...current, ...changes };
	if (changes.preference || current.preference) {
		merged.preference = {
			...((current.preference as IDataObject) ?? {}),
			...((changes.preference as IDataObject) ?? {}),
		};
		const offering = (merged.preference as IDataObject).offering_type;
		if (present(offering)) merged.offering_type = offering;
	}
	return merged;
}

/** The first mandatory field the merged body still lacks, by its label; undefined when complete. */
export function missingMandatory(body: IDataObject): string | undefined {
	for (const field of FIELDS) if (field.mandatory && !present(body[field.api])) return field.label;
	const preference = body.preference as IDataObject | undefined;
	if (!preference || typeof preference !== 'object') return 'Preference';
	for (const field of MANDATORY_PREFERENCE) {
		const value = preference[field.api];
		if (!present(value) || (Array.isArray(value) && value.length === 0)) return `Preference › ${field.label}`;
	}
	return undefined;
}
