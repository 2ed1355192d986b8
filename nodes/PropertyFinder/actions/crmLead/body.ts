import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PhoneOptions } from '../../../shared/leads';
import {
	fieldError,
	isBlank,
	readChoice,
	readEmail,
	readId,
	readIdList,
	readJsonObject,
	readPhone,
	readText,
} from '../../../shared/validate';
import { CATEGORIES, FINANCIALS, MORTGAGE_STATUSES, QUALITIES, SOURCES, STATUSES, TITLES } from './choices';
import { readPreference } from './preference';

/**
 * Turns the node's camelCase lead parameters into the API's snake_case lead body, checking
 * every value on the way. `requireAll` (create) also insists on the mandatory fields. The
 * wishlist is read in preference.ts; update's "whole lead with the changes" in update.body.ts.
 */

type Kind = 'text' | 'choice' | 'phone' | 'email' | 'id' | 'idList' | 'note' | 'json';

export interface FieldSpec {
	name: string;
	api: string;
	label: string;
	kind: Kind;
	allowed?: readonly string[];
	mandatory?: boolean;
}

export const FIELDS: FieldSpec[] = [
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
