import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldError } from './validate';

/**
 * "Map Automatically" for the create-lead operations, the way n8n's Google Sheets and Postgres
 * nodes map columns: each field is read from the input item's property of the same name, with
 * case, spaces, dashes and underscores ignored (`Phone Number`, `phone_number` and
 * `phoneNumber` all fill `phoneNumber`). No expression is resolved per field, which is what
 * makes a bulk import after a spreadsheet node cheap.
 *
 * The values go through the same readers as manually set fields; only where they come from
 * differs. The node's execution hint lists the input columns used and those ignored.
 */

export type FieldMapping = 'manual' | 'auto';

export const fieldMappingProperty: INodeProperties = {
	displayName: 'Map Fields',
	name: 'fieldMapping',
	type: 'options',
	noDataExpression: true,
	default: 'manual',
	options: [
		{
			name: 'Manually',
			value: 'manual',
			description: 'Set each field below, typing a value or mapping it with an expression',
		},
		{
			name: 'Map Automatically',
			value: 'auto',
			description:
				'Take each field from the input column of the same name (e.g. after a spreadsheet node). Case, spaces, dashes and underscores are ignored: "Phone Number", "phone_number" and "phoneNumber" all fill Phone Number.',
		},
	],
};

/**
 * A create operation's properties with "Map Fields" in front: the fields named in
 * `manualFields` only show in manual mode, and in auto mode a notice lists the columns read.
 */
export function withFieldMapping(
	properties: INodeProperties[],
	manualFields: string[],
	spec: LeadInputSpec,
): INodeProperties[] {
	const manual = properties.map((property) =>
		manualFields.includes(property.name)
			? {
					...property,
					displayOptions: {
						...property.displayOptions,
						show: { ...property.displayOptions?.show, fieldMapping: ['manual'] },
					},
				}
			: property,
	);
	const at = manual.findIndex((property) => manualFields.includes(property.name));
	manual.splice(Math.max(0, at), 0, fieldMappingProperty, autoMappingNotice(spec));
	return manual;
}

/** A notice shown in auto mode naming the columns the operation reads. */
function autoMappingNotice(spec: LeadInputSpec): INodeProperties {
	const required = Object.keys(spec.required ?? {});
	const list = [...spec.topLevel, ...spec.additional]
		.map((name) => (required.includes(name) ? `${name} (required)` : name))
		.join(', ');
	return {
		displayName: `Each field is read from the input column of the same name (case, spaces, dashes and underscores ignored): ${list}. Other columns are ignored; the output hint lists which were used.`,
		name: 'autoMappingNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { fieldMapping: ['auto'] } },
	};
}

/** The form a column name is compared in: lower case, without spaces, dashes or underscores. */
export function normalizeColumn(name: string): string {
	return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The spellings of a field's column a user is most likely to have: phoneNumber → phone_number, Phone Number… */
export function columnSpellings(field: string): string[] {
	const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
	const lower = words.map((word) => word.toLowerCase());
	const title = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
	return [...new Set([field, lower.join('_'), title.join(' '), lower.join('-')])];
}

export interface MappedItem {
	/** Field name → the item's value for it. */
	values: IDataObject;
	/** Input columns that filled a field. */
	used: string[];
	/** Input columns that match no field. */
	ignored: string[];
}

/**
 * Read `fields` out of `json`. When two columns fill the same field (`phone` and `Phone`), the
 * first one that is not blank wins.
 */
export function mapColumns(json: IDataObject, fields: string[]): MappedItem {
	const byColumn = new Map(fields.map((field) => [normalizeColumn(field), field]));
	const values: IDataObject = {};
	const used: string[] = [];
	const ignored: string[] = [];
	for (const [column, value] of Object.entries(json)) {
		const field = byColumn.get(normalizeColumn(column));
		if (field === undefined) {
			ignored.push(column);
			continue;
		}
		// The first column that is not blank wins.
		if (!(field in values) || (isBlankValue(values[field]) && !isBlankValue(value)))
			values[field] = value;
		used.push(column);
	}
	return { values, used, ignored };
}

function isBlankValue(value: unknown) {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** Columns seen over one run, for the hint given once its last item was read. */
const seenColumns = new WeakMap<object, { used: Set<string>; ignored: Set<string> }>();

function recordColumns(ctx: IExecuteFunctions, itemIndex: number, mapped: MappedItem) {
	let seen = seenColumns.get(ctx);
	if (!seen || itemIndex === 0) {
		seen = { used: new Set(), ignored: new Set() };
		seenColumns.set(ctx, seen);
	}
	for (const column of mapped.used) seen.used.add(column);
	for (const column of mapped.ignored) seen.ignored.add(column);
	if (itemIndex !== ctx.getInputData().length - 1) return;
	seenColumns.delete(ctx);
	const used = [...seen.used];
	const ignored = [...seen.ignored].filter((column) => !seen.used.has(column));
	const quote = (columns: string[]) => columns.map((column) => `"${column}"`).join(', ');
	ctx.addExecutionHints({
		type: used.length === 0 ? 'warning' : 'info',
		location: 'outputPane',
		message:
			(used.length > 0
				? `Map Automatically used the input columns ${quote(used)}.`
				: 'Map Automatically found no input column matching a field of this node.') +
			(ignored.length > 0 ? ` Ignored (no field of that name): ${quote(ignored)}.` : ''),
	});
}

export interface LeadInputSpec {
	/** Top-level parameters (the required fields). */
	topLevel: string[];
	/** Fields of the `additionalFields` collection. */
	additional: string[];
	/** Top-level fields that must be present in auto mode, with their labels. */
	required?: Record<string, string>;
}

export interface LeadInput {
	mode: FieldMapping;
	/** Top-level fields: parameter values, or the item's values in auto mode. */
	top: IDataObject;
	/** The `additionalFields` collection, or the item's values for those fields in auto mode. */
	additional: IDataObject;
}

const modes = new WeakMap<object, FieldMapping>();

/** The run's mapping mode: one value for every item (the parameter takes no expression). */
export function readFieldMapping(ctx: IExecuteFunctions): FieldMapping {
	let mode = modes.get(ctx);
	if (mode === undefined) {
		mode = ctx.getNodeParameter('fieldMapping', 0, 'manual') === 'auto' ? 'auto' : 'manual';
		modes.set(ctx, mode);
	}
	return mode;
}

/**
 * The fields of a create-lead operation for one item: from the node's parameters (manual), or
 * from the item's own columns (auto). In auto mode a required field without a column fails
 * the item, naming the field and the column spellings accepted for it.
 */
export function readLeadInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	spec: LeadInputSpec,
): LeadInput {
	if (readFieldMapping(ctx) === 'manual') {
		const top: IDataObject = {};
		for (const name of spec.topLevel)
			top[name] = ctx.getNodeParameter(name, itemIndex, '') as IDataObject[string];
		const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		return { mode: 'manual', top, additional };
	}
	const json = ctx.getInputData()[itemIndex]?.json ?? {};
	const mapped = mapColumns(json, [...spec.topLevel, ...spec.additional]);
	recordColumns(ctx, itemIndex, mapped);
	for (const [name, label] of Object.entries(spec.required ?? {})) {
		if (!(name in mapped.values)) throw missingColumn(ctx, itemIndex, label, [name]);
	}
	const top: IDataObject = {};
	const additional: IDataObject = {};
	for (const [name, value] of Object.entries(mapped.values)) {
		if (spec.topLevel.includes(name)) top[name] = value;
		else additional[name] = value;
	}
	return { mode: 'auto', top, additional };
}

/** The item has no column for a field it needs (auto mode). */
export function missingColumn(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	fields: string[],
) {
	const spellings = fields
		.map((field) =>
			columnSpellings(field)
				.map((s) => `"${s}"`)
				.join(', '),
		)
		.join('; or ');
	return fieldError(
		ctx,
		itemIndex,
		label,
		'no input column for it (Map Automatically)',
		`Add a column named ${spellings} (case, spaces, dashes and underscores are ignored), or switch "Map Fields" to "Manually".`,
	);
}
