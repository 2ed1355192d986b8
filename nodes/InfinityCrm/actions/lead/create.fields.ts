import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { onceOnlyOptions } from '../../../shared/alreadySentOptions';
import { additionalFieldsCollection, choices, timeoutOption } from '../../../shared/fields';
import { concurrencyOption, leadOptionsCollection, onDuplicateProperty } from '../../../shared/leads';
import type { LeadInputSpec } from '../../../shared/mapping';
import { withFieldMapping } from '../../../shared/mapping';

/** The parameters of Lead → Create (Infinity CRM), and the columns "Map Automatically" reads. */

export const EMIRATES = [
	'Dubai',
	'Abu Dhabi',
	'Sharjah',
	'Ajman',
	'Umm Al Quwain',
	'Ras Al Khaimah',
	'Fujairah',
] as const;
export const CATEGORIES = ['apartment', 'townhouse', 'villa'] as const;

/** The fields "Map Automatically" reads from the item's columns. */
export const INPUT: LeadInputSpec = {
	topLevel: ['name'],
	additional: [
		'phone',
		'email',
		'alternatePhone',
		'country',
		'emirate',
		'project',
		'developer',
		'budgetMin',
		'budgetMax',
		'category',
		'beds',
		'location',
		'leadSource',
		'notes',
	],
	required: { name: 'Name' },
};

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Ahmed Khan',
		description: "The lead's full name",
	},
	onDuplicateProperty('Infinity CRM'),
	additionalFieldsCollection([
		{
			displayName: 'Alternate Phone',
			name: 'alternatePhone',
			type: 'string',
			default: '',
			placeholder: '+971509876543',
		},
		{
			displayName: 'Beds',
			name: 'beds',
			type: 'string',
			default: '',
			placeholder: '2',
			description: 'Number of bedrooms wanted, e.g. 2 or Studio (sent as text)',
		},
		{
			displayName: 'Budget Max',
			name: 'budgetMax',
			type: 'string',
			default: '',
			placeholder: '2,500,000',
			description: 'Highest budget in AED. Accepts 2500000, 2,500,000, AED 2.5M or 750k.',
		},
		{
			displayName: 'Budget Min',
			name: 'budgetMin',
			type: 'string',
			default: '',
			placeholder: '1,500,000',
			description: 'Lowest budget in AED. Accepts 1500000, 1,500,000, AED 1.5M or 750k.',
		},
		{
			displayName: 'Category',
			name: 'category',
			type: 'options',
			default: 'apartment',
			options: choices([
				['Apartment', 'apartment'],
				['Townhouse', 'townhouse'],
				['Villa', 'villa'],
			]),
		},
		{
			displayName: 'Country',
			name: 'country',
			type: 'string',
			default: '',
			placeholder: 'UAE',
		},
		{
			displayName: 'Developer',
			name: 'developer',
			type: 'string',
			default: '',
			placeholder: 'Emaar',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
		},
		{
			displayName: 'Emirate',
			name: 'emirate',
			type: 'options',
			default: 'Dubai',
			options: [...EMIRATES].sort().map((emirate) => ({ name: emirate, value: emirate })),
		},
		{
			displayName: 'Lead Source',
			name: 'leadSource',
			type: 'string',
			default: 'api',
			placeholder: 'property_finder',
			description: 'Where the lead came from, e.g. property_finder or website',
		},
		{
			displayName: 'Location',
			name: 'location',
			type: 'string',
			default: '',
			placeholder: 'Creek Beach',
			description: 'Area or community',
		},
		{
			displayName: 'Notes',
			name: 'notes',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
		},
		{
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			default: '',
			placeholder: '+971501234567',
			description: 'Infinity CRM finds duplicates by phone: a lead with a known phone is queued for review instead of created',
		},
		{
			displayName: 'Project',
			name: 'project',
			type: 'string',
			default: '',
			placeholder: 'Dubai Creek Harbour',
		},
	]),
	leadOptionsCollection(undefined, [concurrencyOption, ...onceOnlyOptions('Infinity CRM'), timeoutOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['create'] } },
	withFieldMapping(properties, ['name', 'additionalFields'], INPUT),
);
