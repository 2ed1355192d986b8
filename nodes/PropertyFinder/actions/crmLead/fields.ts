import type { INodeProperties } from 'n8n-workflow';

import {
	CATEGORY_OPTIONS,
	CHANNEL_OPTIONS,
	FINANCIAL_OPTIONS,
	MORTGAGE_STATUS_OPTIONS,
	OFFERING_TYPE_OPTIONS,
	QUALITY_OPTIONS,
	SOURCE_OPTIONS,
	STATUS_OPTIONS,
	TITLE_OPTIONS,
} from './choices';

/**
 * Field definitions shared by the PF Expert CRM lead operations (the choice lists are in
 * choices.ts, the readers in body.ts and preference.ts).
 */

// The operations import the choice lists from here with the fields.
export * from './choices';

export const expandDataOption: INodeProperties = {
	displayName: 'Expand Related Data',
	name: 'expandData',
	type: 'boolean',
	default: false,
	description: 'Whether to return the assigned user, notes and preferences in full instead of by ID (sends X-MyCRM-Expand-Data)',
};

export const leadIdProperty: INodeProperties = {
	displayName: 'Lead ID',
	name: 'leadId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '35436',
	description: 'The numeric ID PF Expert CRM gave the lead',
};

export const leadIdsProperty: INodeProperties = {
	displayName: 'Lead IDs',
	name: 'leadIds',
	type: 'string',
	required: true,
	default: '',
	placeholder: '35436, 35437, 35440',
	description: 'Comma-separated lead IDs, or a list of IDs mapped from the input with an expression',
};

/** The wishlist (`preference`) fields, as a fixed collection: every field shows at once. */
export function preferenceProperty(required: boolean): INodeProperties {
	const textField = (displayName: string, name: string, placeholder: string, description: string) => ({
		displayName,
		name,
		type: 'string' as const,
		default: '',
		placeholder,
		description,
	});
	return {
		displayName: 'Preference',
		name: 'preference',
		type: 'fixedCollection',
		...(required ? { required: true } : {}),
		placeholder: 'Add Wishlist',
		default: {},
		description: 'What the lead is looking for (the wishlist)',
		typeOptions: { multipleValues: false },
		options: [
			{
				displayName: 'Wishlist',
				name: 'values',
				values: [
					textField('Amenities', 'amenities', '1, 2', 'Amenity IDs, comma-separated; leave empty for none'),
					textField('Locations', 'locations', 'are.2.15, are.3.1200', 'Location IDs, comma-separated'),
					textField('Max Bathrooms', 'toBathroom', '3', 'Most bathrooms'),
					textField('Max Bedrooms', 'toBedroom', '3', 'Most bedrooms'),
					textField('Max Price', 'toPrice', '1,500,000', 'Highest price in AED. Accepts 1500000, 1,500,000 or 1.5M.'),
					textField('Max Size', 'toSize', '1200', 'Largest size in sq ft'),
					textField('Min Bathrooms', 'fromBathroom', '2', 'Fewest bathrooms'),
					textField('Min Bedrooms', 'fromBedroom', '2', 'Fewest bedrooms (0 for a studio)'),
					textField('Min Price', 'fromPrice', '1,200,000', 'Lowest price in AED. Accepts 1200000, 1,200,000 or 1.2M.'),
					textField('Min Size', 'fromSize', '900', 'Smallest size in sq ft'),
					{
						displayName: 'Offering Type',
						name: 'offeringType',
						type: 'options',
						options: OFFERING_TYPE_OPTIONS,
						default: 'sale',
					},
					textField('Types', 'types', '2, 5', 'Property type IDs, comma-separated (e.g. 2 for apartment)'),
				],
			},
		],
	};
}

/** The lead fields of create (top level there) and update (all inside "Update Fields"). */
export function mainLeadFields(required: boolean): INodeProperties[] {
	const req = required ? { required: true } : {};
	return [
		{
			displayName: 'Title',
			name: 'title',
			type: 'options',
			options: TITLE_OPTIONS,
			default: 'mr',
			...req,
		},
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			default: '',
			placeholder: 'Johnny',
			...req,
		},
		{
			displayName: 'Last Name',
			name: 'lastName',
			type: 'string',
			default: '',
			placeholder: 'Smith',
			...req,
		},
		{
			displayName: 'Mobile',
			name: 'mobile',
			type: 'string',
			default: '',
			placeholder: '+971501234567',
			description: 'Sent in international format (+9715…) unless "Normalize Phone" is off in Options',
			...req,
		},
		{
			displayName: 'Category',
			name: 'category',
			type: 'options',
			options: CATEGORY_OPTIONS,
			default: 'residential',
			description: 'The property category the lead is searching in',
			...req,
		},
		{
			displayName: 'Country',
			name: 'country',
			type: 'string',
			default: '',
			placeholder: 'AE',
			description: "The lead's country (two-letter code)",
			...req,
		},
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: STATUS_OPTIONS,
			default: 'notYetContacted',
			...req,
		},
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			options: SOURCE_OPTIONS,
			default: 'propertyfinder',
			...req,
		},
		{
			displayName: 'Source Channel',
			name: 'sourceChannel',
			type: 'options',
			options: CHANNEL_OPTIONS,
			default: 'email',
			description:
				'Must belong to the source (e.g. Bayut or Dubizzle for Portal). For source Other, enter your own channel with an expression.',
			...req,
		},
		{
			displayName: 'Financial',
			name: 'financial',
			type: 'options',
			options: FINANCIAL_OPTIONS,
			default: 'cash',
			description: 'How the lead will pay',
			...req,
		},
		preferenceProperty(required),
	];
}

/** The optional fields ("Additional Fields" on create, part of "Update Fields" on update). */
export const optionalLeadFields: INodeProperties[] = [
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		placeholder: 'Dubai Marina',
	},
	{
		displayName: 'Assigned User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: '12',
		description: 'ID of the agent the lead is assigned to (needs the lead.update.other right)',
	},
	{
		displayName: 'City',
		name: 'city',
		type: 'string',
		default: '',
		placeholder: 'Dubai',
	},
	{
		displayName: 'Custom Fields (JSON)',
		name: 'customFields',
		type: 'json',
		default: '{}',
		description: 'Custom lead fields by field ID, e.g. {"1": "2 pets"}',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
	},
	{
		displayName: 'Middle Name',
		name: 'middleName',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Mortgage Status',
		name: 'mortgageStatus',
		type: 'options',
		options: MORTGAGE_STATUS_OPTIONS,
		default: 'pre-approved',
	},
	{
		displayName: 'Notes',
		name: 'notes',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Added to the lead as a note',
	},
	{
		displayName: 'P.O. Box',
		name: 'pobox',
		type: 'string',
		default: '',
		placeholder: '15109',
	},
	{
		displayName: 'Properties',
		name: 'properties',
		type: 'string',
		default: '',
		placeholder: '1, 2, 3',
		description: 'IDs of the properties the lead selected, comma-separated',
	},
	{
		displayName: 'Quality',
		name: 'quality',
		type: 'options',
		options: QUALITY_OPTIONS,
		default: 'average',
	},
];

