import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { fieldError, readText } from '../../../shared/validate';
import { alterEstateRead, propertyViewPath } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Slug',
		name: 'slug',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'ocean-view-apartment-punta-cana-d9deml2g39',
		description: 'The slug of the property (the last part of its page address). A full property page address works too.',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['property'], operation: ['get'] } },
	properties,
);

interface PropertyLookup {
	slug: string;
	timeout?: number;
}

/** Take the slug out of a pasted address such as https://example.com/property/some-slug/. */
export function slugOf(value: string): string {
	const withoutQuery = value.split(/[?#]/)[0];
	const parts = withoutQuery.split('/').filter((part) => part !== '');
	return parts.length > 0 ? parts[parts.length - 1] : '';
}

function prepare(this: IExecuteFunctions, itemIndex: number): PropertyLookup {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const value = readText(this, itemIndex, 'Slug', this.getNodeParameter('slug', itemIndex));
	const slug = slugOf(value);
	if (!/^[\w-]+$/.test(slug)) {
		throw fieldError(
			this,
			itemIndex,
			'Slug',
			`"${value}" is not a property slug`,
			'Use the last part of the property page address: letters, digits, dashes and underscores only.',
		);
	}
	return { slug, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, lookup: PropertyLookup, itemIndex: number) {
	const { body } = await alterEstateRead.call(
		this,
		{ path: propertyViewPath(lookup.slug), timeout: lookup.timeout },
		itemIndex,
	);
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : {};
}

export const operation: ItemOperation<PropertyLookup> = { prepare, send };
