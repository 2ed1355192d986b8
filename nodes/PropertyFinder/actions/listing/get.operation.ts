import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { fieldError, readText } from '../../../shared/validate';
import { pfRequest } from '../../transport/enterprise';

const properties: INodeProperties[] = [
	{
		displayName: 'Reference',
		name: 'reference',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. APT-DOWNTOWN-101',
		description: "The listing's reference number (the one a lead's listing reference shows)",
	},
	optionsCollection(
		[
			{
				displayName: 'Include Unpublished',
				name: 'includeUnpublished',
				type: 'boolean',
				default: false,
				description: 'Whether to also look among draft and archived listings when no published listing has this reference',
			},
		],
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['listing'], operation: ['get'] } },
	properties,
);

interface ListingLookup {
	reference: string;
	includeUnpublished: boolean;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): ListingLookup {
	const reference = readText(this, itemIndex, 'Reference', this.getNodeParameter('reference', itemIndex));
	if (reference.includes(',')) {
		throw fieldError(this, itemIndex, 'Reference', `"${reference}" holds more than one reference`, 'Enter one reference, or use Get Many for several listings.');
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		reference,
		includeUnpublished: options.includeUnpublished === true,
		timeout: readTimeout(options),
	};
}

async function send(this: IExecuteFunctions, lookup: ListingLookup, itemIndex: number): Promise<IDataObject> {
	// No GET /v1/listings/{id}: filter the list by reference. Published listings come back by
	// default; draft and archived ones only when asked for explicitly.
	const variants: IDataObject[] = [{}];
	if (lookup.includeUnpublished) variants.push({ draft: true }, { archived: true });
	for (const variant of variants) {
		const { body } = await pfRequest.call(
			this,
			{
				method: 'GET',
				path: '/v1/listings',
				qs: { 'filter[reference]': lookup.reference, ...variant, perPage: 1 },
				idempotent: true,
				timeout: lookup.timeout,
			},
			itemIndex,
		);
		const listing = (Array.isArray(body?.results) ? (body.results as IDataObject[]) : []).find(
			(entry) => String(entry.reference) === lookup.reference,
		);
		if (listing) return listing;
	}
	throw fieldError(
		this,
		itemIndex,
		'Reference',
		`Property Finder has no ${lookup.includeUnpublished ? '' : 'published '}listing with reference "${lookup.reference}"`,
		lookup.includeUnpublished
			? 'Check the reference (it is case-sensitive).'
			: 'Check the reference, or switch on "Include Unpublished" in Options to search drafts and archived listings too.',
	);
}

export const operation: ItemOperation<ListingLookup> = { prepare, send };
