import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fieldError } from './validate';

/**
 * Parameters that read operations of every service share, with display options filled in by
 * the operation (`updateDisplayOptions` copies them), and the readers that go with them.
 */

export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/** Return All / Limit, as every n8n "Get Many" operation has them. */
export const returnAllAndLimit: INodeProperties[] = [returnAllProperty, limitProperty];

/**
 * The request timeout of every operation, in milliseconds, read with `readTimeout`. The
 * minimum is 1 so that no value a saved workflow holds (the Property Finder operations once
 * accepted any positive number) is refused.
 */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Ms)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30000,
	description: 'How long to wait for an answer before giving up on a request',
};

/**
 * The `options` collection of an operation: the request timeout (`timeout`, by default the
 * shared one; null for a trigger, whose requests n8n times) plus `extra`, sorted by label.
 */
export function optionsCollection(
	extra: INodeProperties[] = [],
	timeout: INodeProperties | null = timeoutOption,
): INodeProperties {
	return sortedOptions(timeout === null ? [...extra] : [...extra, timeout]);
}

/** An `options` collection of exactly these options, sorted by label. */
export function sortedOptions(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The "Additional Fields" collection of a create operation: its optional fields. */
export function additionalFieldsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options,
	};
}

/** The `filters` collection of a list: `options` in the order given. */
export function filtersCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options,
	};
}

/** A dropdown's options from [label, value] pairs, sorted by label (as n8n's lint wants them). */
export function choices(pairs: Array<[string, string]>): INodePropertyOptions[] {
	return pairs.map(([name, value]) => ({ name, value })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The parameters of a resource's "Get Many" operation (`getAll`): Return All and Limit, then
 * `fields` (Filters, Options…), shown only for that resource and operation.
 */
export function getManyFields(resource: string, fields: INodeProperties[]): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: [resource], operation: ['getAll'] } }, [
		...returnAllAndLimit,
		...fields,
	]);
}

/** The `limit` of a "Get Many" operation, or undefined when Return All is on. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw fieldError(ctx, itemIndex, 'Limit', `${String(limit)} is not a positive whole number`, 'Enter 1 or more, or switch on "Return All".');
	}
	return limit;
}

/** The `timeout` option when it is a number; anything else leaves the transport's default. */
export function readTimeout(options: { timeout?: unknown }): number | undefined {
	return typeof options.timeout === 'number' ? options.timeout : undefined;
}

/** What every "Get Many" item reads first: its limit and timeout, and its Filters and Options as set. */
export interface ListParameters {
	limit?: number;
	timeout?: number;
	/** A copy: an operation may rewrite a filter (e.g. a date) without touching n8n's value. */
	filters: IDataObject;
	options: IDataObject;
}

/** The Limit (or Return All), Filters and Options of a "Get Many" item; throws on a bad limit. */
export function readListParameters(ctx: IExecuteFunctions, itemIndex: number): ListParameters {
	const limit = readLimit(ctx, itemIndex);
	const filters = { ...(ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject) };
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { limit, timeout: readTimeout(options), filters, options };
}
