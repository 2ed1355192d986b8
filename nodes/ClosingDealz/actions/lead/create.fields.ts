import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { onceOnlyOptions } from '../../../shared/alreadySentOptions';
import { additionalFieldsCollection, timeoutOption } from '../../../shared/fields';
import { leadOptionsCollection, onDuplicateProperty } from '../../../shared/leads';
import type { LeadInputSpec } from '../../../shared/mapping';
import { withFieldMapping } from '../../../shared/mapping';
import {
	CLOSINGDEALZ_MAX_BATCH,
	CLOSINGDEALZ_MAX_NOTES,
	CLOSINGDEALZ_RATE_LIMIT,
	CLOSINGDEALZ_RATE_WINDOW_SECONDS,
} from '../../transport';

/** The parameters of Lead → Create (ClosingDealz), and the columns "Map Automatically" reads. */

/** The fields "Map Automatically" reads from the item's columns (all optional). */
export const INPUT: LeadInputSpec = {
	topLevel: [],
	additional: [
		'company',
		'contactPerson',
		'email',
		'phoneNumber',
		'jobTitle',
		'notes',
		'labels',
		'industry',
		'employeeCount',
		'website',
		'linkedIn',
		'twitter',
		'facebook',
		'address',
		'date',
		'contacts',
	],
};

const contactFields: INodeProperties[] = [
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		placeholder: 'Marina Gate 2, Dubai Marina',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
		placeholder: 'Khan',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'Ahmed',
		description: 'First name of the contact',
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		placeholder: '+971501234567',
	},
	{
		displayName: 'Role',
		name: 'role',
		type: 'string',
		default: '',
		placeholder: 'Decision Maker',
		description: "The contact's role in the deal",
	},
];

/** What "Skip Already Sent" knows a lead by when it is not a Property Finder lead (sentKey). */
const CONTACT_KEY = 'the phone, else the e-mail, else the company';

const properties: INodeProperties[] = [
	{
		displayName:
			'Leads are sent in batches of up to 100 per request. Every input item still gets its own output item. Fill in at least one of Company, Contact Person, Email or Phone Number.',
		name: 'batchNotice',
		type: 'notice',
		default: '',
	},
	onDuplicateProperty('ClosingDealz'),
	additionalFieldsCollection([
		{
			displayName: 'Address',
			name: 'address',
			type: 'string',
			default: '',
			placeholder: 'Business Bay, Dubai',
		},
		{
			displayName: 'Company',
			name: 'company',
			type: 'string',
			default: '',
			placeholder: 'Acme Properties LLC',
		},
		{
			displayName: 'Contact Person',
			name: 'contactPerson',
			type: 'string',
			default: '',
			placeholder: 'Ahmed Khan',
			description: 'Full name of the person to talk to',
		},
		{
			displayName: 'Contacts',
			name: 'contacts',
			type: 'fixedCollection',
			placeholder: 'Add Contact',
			typeOptions: { multipleValues: true },
			default: {},
			description: 'More people at this lead, each stored as a contact',
			options: [{ displayName: 'Contact', name: 'contact', values: contactFields }],
		},
		{
			displayName: 'Custom Fields (JSON)',
			name: 'customJson',
			type: 'json',
			default: '{}',
			description:
				'Any other field of the ClosingDealz lead object, e.g. {"isContact": true}. Merged into the lead; the fields set above take precedence.',
		},
		{
			displayName: 'Date',
			name: 'date',
			type: 'dateTime',
			default: '',
			description: 'Date of the lead, e.g. when the enquiry arrived',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
		},
		{
			displayName: 'Employee Count',
			name: 'employeeCount',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description: "Number of employees of the lead's company",
		},
		{
			displayName: 'Facebook',
			name: 'facebook',
			type: 'string',
			default: '',
			placeholder: 'https://facebook.com/acme',
		},
		{
			displayName: 'Industry',
			name: 'industry',
			type: 'string',
			default: '',
			placeholder: 'Real Estate',
		},
		{
			displayName: 'Job Title',
			name: 'jobTitle',
			type: 'string',
			default: '',
			placeholder: 'Head of Sales',
		},
		{
			displayName: 'Labels',
			name: 'labels',
			type: 'string',
			default: '',
			placeholder: 'Property Finder, Hot',
			description: 'Comma-separated labels, or a list mapped with an expression',
		},
		{
			displayName: 'LinkedIn',
			name: 'linkedIn',
			type: 'string',
			default: '',
			placeholder: 'https://linkedin.com/in/ahmed-khan',
		},
		{
			displayName: 'Notes',
			name: 'notes',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: `Anything else about the lead (at most ${CLOSINGDEALZ_MAX_NOTES} characters)`,
		},
		{
			displayName: 'Phone Number',
			name: 'phoneNumber',
			type: 'string',
			default: '',
			placeholder: '+971501234567',
		},
		{
			displayName: 'Twitter',
			name: 'twitter',
			type: 'string',
			default: '',
			placeholder: 'https://x.com/acme',
		},
		{
			displayName: 'Website',
			name: 'website',
			type: 'string',
			default: '',
			placeholder: 'https://acme.example',
		},
	]),
	leadOptionsCollection(undefined, [
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: CLOSINGDEALZ_MAX_BATCH },
			default: CLOSINGDEALZ_MAX_BATCH,
			description: `How many leads go in one request (at most ${CLOSINGDEALZ_MAX_BATCH}). If one lead of a batch is rejected, ClosingDealz rejects the whole batch.`,
		},
		{
			displayName: 'Rate Limit (Requests)',
			name: 'rateLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: CLOSINGDEALZ_RATE_LIMIT,
			description:
				'Most requests sent per rate-limit window with one API key. ClosingDealz allows 100 per minute; lower it when other apps use the same key.',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindow',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: CLOSINGDEALZ_RATE_WINDOW_SECONDS,
			description: 'Length of the window the rate limit is counted over',
		},
		...onceOnlyOptions('ClosingDealz', { noDuplicateCheck: true, contact: CONTACT_KEY }),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['create'] } },
	withFieldMapping(properties, ['additionalFields'], INPUT),
);
