import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { onceOnlyOptions } from '../../../shared/alreadySentOptions';
import { additionalFieldsCollection, choices, timeoutOption } from '../../../shared/fields';
import { concurrencyOption, leadOptionsCollection, onDuplicateProperty } from '../../../shared/leads';
import type { LeadInputSpec } from '../../../shared/mapping';
import { withFieldMapping } from '../../../shared/mapping';

/** The parameters of Lead → Create (AlterEstate), and the columns "Map Automatically" reads. */

export const LISTING_TYPES = ['buy', 'rent'] as const;

/** The fields "Map Automatically" reads from the item's columns. */
export const INPUT: LeadInputSpec = {
	topLevel: ['fullName', 'phone', 'email'],
	additional: [
		'propertyUid',
		'utmSource',
		'utmCampaign',
		'utmContent',
		'utmMedium',
		'utmTerm',
		'adsetName',
		'campaignName',
		'formName',
		'platform',
		'roundRobin',
		'listingType',
		'related',
		'notes',
		'via',
		'currency',
		'budget',
		'customFields',
	],
	required: { fullName: 'Full Name', phone: 'Phone', email: 'Email' },
};

const additionalFields: INodeProperties[] = [
	{
		displayName: 'Ad Set Name',
		name: 'adsetName',
		type: 'string',
		default: '',
		placeholder: 'Dubai Marina – Lookalike 1%',
	},
	{
		displayName: 'Budget',
		name: 'budget',
		type: 'string',
		default: '',
		placeholder: '1,500,000',
		description: "The lead's budget. Accepts 1500000, 1,500,000, 1.5M or 750k; sent as a plain number.",
	},
	{
		displayName: 'Campaign Name',
		name: 'campaignName',
		type: 'string',
		default: '',
		placeholder: 'Spring Launch',
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: '',
		placeholder: 'USD',
		description: 'Three-letter currency code of the budget, e.g. USD, AED or DOP',
	},
	{
		displayName: 'Custom Fields (JSON)',
		name: 'customFields',
		type: 'json',
		default: '{}',
		description: 'Custom fields of your AlterEstate account as a JSON object, e.g. {"preferred_area": "Marina"}',
	},
	{
		displayName: 'Form Name',
		name: 'formName',
		type: 'string',
		default: '',
		placeholder: 'Website contact form',
		description: 'Identifier of the form that collected the lead',
	},
	{
		displayName: 'Listing Type',
		name: 'listingType',
		type: 'options',
		default: 'buy',
		description: 'Whether the lead wants to buy or to rent',
		options: choices([
			['Buy', 'buy'],
			['Rent', 'rent'],
		]),
	},
	{
		displayName: 'Notes',
		name: 'notes',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Extra notes or the message from the lead',
	},
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'string',
		default: '',
		placeholder: 'Facebook',
		description: 'Where the lead came from, e.g. Facebook, Instagram or Property Finder',
	},
	{
		displayName: 'Property UID',
		name: 'propertyUid',
		type: 'string',
		default: '',
		placeholder: 'D9dEML2g39',
		description: 'UID of the AlterEstate property the lead asked about',
	},
	{
		displayName: 'Related Agent Name or ID',
		name: 'related',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAgents' },
		default: '',
		description:
			'The agent to assign the lead to, identified by the email of their AlterEstate user (the list needs the Public Token in the credential). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Round Robin Rule UID',
		name: 'roundRobin',
		type: 'string',
		default: '',
		placeholder: 'rr_8Hk2Lq',
		description: 'UID of the AlterEstate round robin rule that assigns the lead',
		hint: 'When set, the round robin rule decides who gets the lead and Related Agent is ignored',
	},
	{
		displayName: 'UTM Campaign',
		name: 'utmCampaign',
		type: 'string',
		default: '',
	},
	{
		displayName: 'UTM Content',
		name: 'utmContent',
		type: 'string',
		default: '',
		description: 'The ad creative or content',
	},
	{
		displayName: 'UTM Medium',
		name: 'utmMedium',
		type: 'string',
		default: '',
		placeholder: 'cpc',
	},
	{
		displayName: 'UTM Source',
		name: 'utmSource',
		type: 'string',
		default: '',
		placeholder: 'facebook',
	},
	{
		displayName: 'UTM Term',
		name: 'utmTerm',
		type: 'string',
		default: '',
		description: 'The search keyword',
	},
	{
		displayName: 'Via (Channel ID)',
		name: 'via',
		type: 'string',
		default: '',
		placeholder: '104',
		description: 'Numeric ID of the AlterEstate channel the lead came through (e.g. WhatsApp or web form)',
	},
];

const properties: INodeProperties[] = [
	{
		displayName: 'Full Name',
		name: 'fullName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Ahmed Khan',
		description: "The lead's full name",
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+971501234567',
		description:
			'AlterEstate finds existing contacts by phone or email. Numbers are sent in international format (see Options) so the same person is recognised however the number was typed.',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		required: true,
		default: '',
	},
	onDuplicateProperty('AlterEstate'),
	additionalFieldsCollection(additionalFields),
	leadOptionsCollection(undefined, [concurrencyOption, ...onceOnlyOptions('AlterEstate'), timeoutOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['create'] } },
	withFieldMapping(properties, ['fullName', 'phone', 'email', 'additionalFields'], INPUT),
);
