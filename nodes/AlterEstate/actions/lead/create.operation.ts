import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { historySizeOption, leadKeyOption, phoneThenEmail, skipAlreadySentOption } from '../../../shared/alreadySent';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { markOutcomeUnknown } from '../../../shared/execute';
import { readTimeout, timeoutOption } from '../../../shared/fields';
import type { LeadInputSpec } from '../../../shared/mapping';
import { readLeadInput, withFieldMapping } from '../../../shared/mapping';
import type { PhoneOptions } from '../../../shared/leads';
import {
	concurrencyOption,
	DEFAULT_PARALLEL_REQUESTS,
	leadOptionsCollection,
	leadResult,
	onDuplicateProperty,
} from '../../../shared/leads';
import {
	compact,
	fieldError,
	isBlank,
	readChoice,
	readEmail,
	readJsonObject,
	readMoney,
	readOptionalText,
	readPhone,
	readText,
} from '../../../shared/validate';
import { LEADS_PATH, alterEstateWrite } from '../../transport';

export const LISTING_TYPES = ['buy', 'rent'] as const;

/** The fields "Map Automatically" reads from the item's columns. */
const INPUT: LeadInputSpec = {
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
		options: [
			{ name: 'Buy', value: 'buy' },
			{ name: 'Rent', value: 'rent' },
		],
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
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: additionalFields,
	},
	leadOptionsCollection(undefined, [
		concurrencyOption,
		historySizeOption,
		leadKeyOption(),
		skipAlreadySentOption('AlterEstate'),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['create'] } },
	withFieldMapping(properties, ['fullName', 'phone', 'email', 'additionalFields'], INPUT),
);

interface AlterEstateLead {
	body: IDataObject;
	phone: string;
	email: string;
	timeout?: number;
}

function checkVia(ctx: IExecuteFunctions, itemIndex: number, value: unknown): number {
	const text = String(value).trim();
	if (!/^\d+$/.test(text) || Number(text) > Number.MAX_SAFE_INTEGER) {
		throw fieldError(
			ctx,
			itemIndex,
			'Via (Channel ID)',
			`"${text}" is not a channel ID`,
			'Enter the numeric ID of the AlterEstate channel, e.g. 104, or leave the field empty.',
		);
	}
	return Number(text);
}

function checkCurrency(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const text = String(value).trim().toUpperCase();
	if (!/^[A-Z]{3}$/.test(text)) {
		throw fieldError(
			ctx,
			itemIndex,
			'Currency',
			`"${String(value).trim()}" is not a currency code`,
			'Use a three-letter code such as USD, AED or DOP.',
		);
	}
	return text;
}

function checkCustomFields(ctx: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject | undefined {
	const custom = readJsonObject(ctx, itemIndex, 'Custom Fields (JSON)', value, '{"preferred_area": "Marina"}');
	return custom && Object.keys(custom).length > 0 ? custom : undefined;
}

function prepare(this: IExecuteFunctions, itemIndex: number): AlterEstateLead {
	const input = readLeadInput(this, itemIndex, INPUT);
	const fields = input.additional;
	const options = this.getNodeParameter('options', itemIndex, {}) as PhoneOptions;

	const fullName = readText(this, itemIndex, 'Full Name', input.top.fullName);
	const phone = readPhone(
		this,
		itemIndex,
		'Phone',
		readText(this, itemIndex, 'Phone', input.top.phone),
		options,
	);
	const email = readEmail(
		this,
		itemIndex,
		'Email',
		readText(this, itemIndex, 'Email', input.top.email),
	);
	const related = isBlank(fields.related)
		? undefined
		: readEmail(this, itemIndex, 'Related Agent', fields.related);
	const listingType = isBlank(fields.listingType)
		? undefined
		: readChoice(this, itemIndex, 'Listing Type', fields.listingType, LISTING_TYPES);
	const via = isBlank(fields.via) ? undefined : checkVia(this, itemIndex, fields.via);
	const budget = isBlank(fields.budget) ? undefined : readMoney(this, itemIndex, 'Budget', fields.budget);
	const currency = isBlank(fields.currency) ? undefined : checkCurrency(this, itemIndex, fields.currency);
	const customFields =
		fields.customFields === undefined ? undefined : checkCustomFields(this, itemIndex, fields.customFields);

	const body = compact({
		full_name: fullName,
		phone,
		email,
		property_uid: readOptionalText(fields.propertyUid),
		utm_source: readOptionalText(fields.utmSource),
		utm_campaign: readOptionalText(fields.utmCampaign),
		utm_content: readOptionalText(fields.utmContent),
		utm_medium: readOptionalText(fields.utmMedium),
		utm_term: readOptionalText(fields.utmTerm),
		adset_name: readOptionalText(fields.adsetName),
		campaign_name: readOptionalText(fields.campaignName),
		form_name: readOptionalText(fields.formName),
		platform: readOptionalText(fields.platform),
		round_robin: readOptionalText(fields.roundRobin),
		listing_type: listingType,
		related,
		notes: readOptionalText(fields.notes),
		via,
		currency,
		budget,
		custom_fields: customFields,
	});
	return { body, phone, email, timeout: readTimeout(options) };
}

/**
 * AlterEstate's 400 as an error. A 400 for a lead that names an agent (and no round robin
 * rule) is almost always that agent not being a user of the account: say so, and how to fix it.
 */
function rejection(ctx: IExecuteFunctions, lead: AlterEstateLead, body: IDataObject, itemIndex: number) {
	const apiMessage = typeof body.message === 'string' && body.message !== '' ? body.message : 'the lead was rejected';
	const related = lead.body.related;
	const blamesRelated =
		typeof related === 'string' && lead.body.round_robin === undefined && !/missing required field/i.test(apiMessage);
	return new NodeApiError(ctx.getNode(), body as JsonObject, {
		httpCode: '400',
		itemIndex,
		message: blamesRelated
			? `AlterEstate rejected the lead because the Related Agent "${related}" is not a user of this AlterEstate account (${apiMessage})`
			: `AlterEstate: ${apiMessage}`,
		description: blamesRelated
			? 'Remove "Related Agent", choose an agent from the list (needs the Public Token in the credential), or set "Round Robin Rule UID" to let a rule assign the lead.'
			: 'Correct the field AlterEstate names and run the node again.',
	});
}

async function send(this: IExecuteFunctions, lead: AlterEstateLead, itemIndex: number) {
	const { statusCode, body: answer } = await alterEstateWrite.call(
		this,
		{
			path: LEADS_PATH,
			body: lead.body,
			timeout: lead.timeout,
			// AlterEstate only refuses a repeat when the company disallows duplicate contacts,
			// which this node cannot know: a create is never repeated after an ambiguous failure.
			idempotent: false,
			// Validation errors come back as 400 {status: "error", message}; read them here.
			acceptStatus: [400],
		},
		itemIndex,
	);
	const body: IDataObject = answer && typeof answer === 'object' && !Array.isArray(answer) ? answer : {};
	if (statusCode === 400) throw rejection(this, lead, body, itemIndex);
	const data = body.data && typeof body.data === 'object' ? (body.data as IDataObject) : undefined;

	if (data && data.id !== undefined && data.id !== null) {
		return leadResult(
			'created',
			{ leadId: data.id, message: null },
			{
				...body,
				uid: data.uid ?? null,
				dealId: body.deal_id ?? null,
				logId: body.log_id ?? null,
				statusCode,
			},
		);
	}
	if (statusCode === 200 && (body.status === 200 || typeof body.message === 'string')) {
		return leadResult(
			'duplicate',
			{ existingLeadId: null, message: body.message ?? 'This contact already exists.' },
			{ ...body, logId: body.log_id ?? null, statusCode },
		);
	}
	throw markOutcomeUnknown(fieldError(
		this,
		itemIndex,
		'Response',
		`AlterEstate answered HTTP ${statusCode} without saying whether the lead was created`,
		'Check AlterEstate for this lead before sending it again.',
	));
}

export const operation: ItemOperation<AlterEstateLead> = {
	prepare,
	send,
	routesDuplicates: true,
	dedupeKeys: (lead) => [`phone:${lead.phone}`, `email:${lead.email.toLowerCase()}`],
	onceOnly: {
		service: 'AlterEstate',
		contactKeys: (lead) => phoneThenEmail(lead.phone, lead.email),
	},
	concurrency() {
		const options = this.getNodeParameter('options', 0, {}) as PhoneOptions;
		return options.concurrency ?? DEFAULT_PARALLEL_REQUESTS;
	},
};
