import type { IDataObject } from 'n8n-workflow';

import { FIELDS } from './body';
import { MANDATORY_PREFERENCE } from './preference';

/**
 * Update's request body: PUT replaces the lead, so an update sends the whole current lead with
 * the changes on top, and checks that the result still has every mandatory field.
 */

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
