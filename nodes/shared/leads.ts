import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { sortedOptions } from './fields';

/**
 * The duplicate contract every create-lead operation keeps: one result shape, and one choice
 * (`onDuplicate`) of what a duplicate does to the workflow.
 */
export type Outcome = 'created' | 'duplicate';

export interface LeadResult extends IDataObject {
	outcome: Outcome;
	leadId: string | number | null;
	existingLeadId: string | number | null;
	message: string | null;
}

export type OnDuplicate = 'continue' | 'separateOutput' | 'error';

export function leadResult(
	outcome: Outcome,
	fields: { leadId?: unknown; existingLeadId?: unknown; message?: unknown },
	apiFields: IDataObject = {},
): LeadResult {
	const id = (value: unknown) =>
		value === undefined || value === null || value === '' ? null : (value as string | number);
	return {
		outcome,
		leadId: id(fields.leadId),
		existingLeadId: id(fields.existingLeadId),
		message: fields.message === undefined || fields.message === null ? null : String(fields.message),
		...apiFields,
	};
}

export function isDuplicate(json: IDataObject): boolean {
	return json.outcome === 'duplicate';
}

/** Parameters shared by every create-lead operation, with display options filled in by the caller. */
export function onDuplicateProperty(serviceName: string): INodeProperties {
	return {
		displayName: 'On Duplicate',
		name: 'onDuplicate',
		type: 'options',
		noDataExpression: true,
		default: 'continue',
		description: `What to do when ${serviceName} says the lead already exists, or an earlier item of this run has the same lead`,
		options: [
			{
				name: 'Continue',
				value: 'continue',
				description: 'Output the item with outcome "duplicate" next to the created leads',
			},
			{
				name: 'Send to Duplicate Output',
				value: 'separateOutput',
				description: 'Route duplicates to a second output named "Duplicate" (e.g. to email a manager)',
			},
			{
				name: 'Stop With Error',
				value: 'error',
				description: 'Treat a duplicate as an error for that item',
			},
		],
	};
}

export const normalizePhoneOption: INodeProperties = {
	displayName: 'Normalize Phone',
	name: 'normalizePhone',
	type: 'boolean',
	default: true,
	description:
		'Whether to rewrite phone numbers to international format (+9715…) so the CRM recognises duplicates whatever the spelling (050…, 9715…, 00971…)',
};

export const defaultCountryCodeOption: INodeProperties = {
	displayName: 'Default Country Code',
	name: 'defaultCountryCode',
	type: 'string',
	default: '971',
	placeholder: '971',
	description: 'Digits added in front of local numbers such as 050 123 4567 (971 is the UAE)',
};

/** Default ceiling of "Parallel Requests" for the per-item create operations. */
export const DEFAULT_PARALLEL_REQUESTS = 50;

export const concurrencyOption: INodeProperties = {
	displayName: 'Parallel Requests',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 200 },
	default: DEFAULT_PARALLEL_REQUESTS,
	description:
		'The most leads sent at the same time. The node starts with a few, sends more while the CRM answers quickly, and backs off at once when it reports too many requests (429), is unavailable (503), times out or slows down. Lower it to protect a small server.',
};

/** The per-item create operations' `concurrency()`: the "Parallel Requests" option. */
export function parallelRequests(this: IExecuteFunctions): number {
	const options = this.getNodeParameter('options', 0, {}) as PhoneOptions;
	return options.concurrency ?? DEFAULT_PARALLEL_REQUESTS;
}

/**
 * The `options` collection of a create-lead operation: phone handling first (the contract's
 * names), then whatever else the service needs.
 */
export function leadOptionsCollection(
	displayOptions: INodeProperties['displayOptions'],
	extra: INodeProperties[] = [],
): INodeProperties {
	// `extra` brings its own timeout where the service has one.
	return { ...sortedOptions([normalizePhoneOption, defaultCountryCodeOption, ...extra]), displayOptions };
}

export interface PhoneOptions {
	normalizePhone?: boolean;
	defaultCountryCode?: string;
	timeout?: number;
	concurrency?: number;
}
