import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { historySizeOption, leadKeyOption, phoneThenEmail, skipAlreadySentOption } from '../../../shared/alreadySent';
import { updateDisplayOptions } from 'n8n-workflow';

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
	readMoney,
	readOptionalText,
	readPhone,
	readText,
} from '../../../shared/validate';
import { INFINITY_LEADS_PATH, infinityRequest } from '../../transport';

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
const INPUT: LeadInputSpec = {
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
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
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
				options: [
					{ name: 'Apartment', value: 'apartment' },
					{ name: 'Townhouse', value: 'townhouse' },
					{ name: 'Villa', value: 'villa' },
				],
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
				options: EMIRATES.map((emirate) => ({ name: emirate, value: emirate })),
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
		],
	},
	leadOptionsCollection(undefined, [
		concurrencyOption,
		historySizeOption,
		leadKeyOption(),
		skipAlreadySentOption('Infinity CRM'),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['create'] } },
	withFieldMapping(properties, ['name', 'additionalFields'], INPUT),
);

interface InfinityLead {
	body: IDataObject;
	phone?: string;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): InfinityLead {
	const input = readLeadInput(this, itemIndex, INPUT);
	const fields = input.additional;
	const options = this.getNodeParameter('options', itemIndex, {}) as PhoneOptions;

	const name = readText(this, itemIndex, 'Name', input.top.name);
	const phone = isBlank(fields.phone)
		? undefined
		: readPhone(this, itemIndex, 'Phone', fields.phone, options);
	const alternatePhone = isBlank(fields.alternatePhone)
		? undefined
		: readPhone(this, itemIndex, 'Alternate Phone', fields.alternatePhone, options);
	const email = isBlank(fields.email) ? undefined : readEmail(this, itemIndex, 'Email', fields.email);
	const budgetMin = isBlank(fields.budgetMin)
		? undefined
		: readMoney(this, itemIndex, 'Budget Min', fields.budgetMin);
	const budgetMax = isBlank(fields.budgetMax)
		? undefined
		: readMoney(this, itemIndex, 'Budget Max', fields.budgetMax);
	if (budgetMin !== undefined && budgetMax !== undefined && budgetMin > budgetMax) {
		throw fieldError(
			this,
			itemIndex,
			'Budget Min',
			`${budgetMin} is more than Budget Max ${budgetMax}`,
			'Swap the two budgets or correct one of them.',
		);
	}
	const category = isBlank(fields.category)
		? undefined
		: readChoice(this, itemIndex, 'Category', fields.category, CATEGORIES);
	const emirate = isBlank(fields.emirate)
		? undefined
		: readChoice(this, itemIndex, 'Emirate', fields.emirate, EMIRATES);

	const body = compact({
		name,
		phone,
		email,
		alternate_phone: alternatePhone,
		country: readOptionalText(fields.country),
		emirate,
		project: readOptionalText(fields.project),
		developer: readOptionalText(fields.developer),
		budget_min: budgetMin,
		budget_max: budgetMax,
		category,
		beds: fields.beds === undefined || isBlank(fields.beds) ? undefined : String(fields.beds).trim(),
		location: readOptionalText(fields.location),
		lead_source: readOptionalText(fields.leadSource) ?? 'api',
		notes: readOptionalText(fields.notes),
	});
	return { body, phone, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, lead: InfinityLead, itemIndex: number) {
	const { statusCode, body: answer, repeatedAfterAmbiguousFailure } = await infinityRequest.call(
		this,
		{
			method: 'POST',
			path: INFINITY_LEADS_PATH,
			body: lead.body,
			timeout: lead.timeout,
			// With a phone, a repeated create comes back as "queued_duplicate", never a second
			// lead; without one, a repeat would create the lead twice.
			idempotent: lead.phone !== undefined,
		},
		itemIndex,
	);
	const body: IDataObject = answer && typeof answer === 'object' ? answer : {};
	if (body.action === 'queued_duplicate' && repeatedAfterAmbiguousFailure) {
		const { message: apiMessage, ...apiFields } = body;
		// The first attempt created the lead before its answer was lost (timeout, reset, 5xx): the
		// repeat is then a "duplicate" of our own lead, not of somebody else's. Infinity has no
		// read endpoint to tell the two apart, so the message names the lead to check.
		return leadResult(
			'created',
			{
				leadId: body.existing_lead_id,
				message: `Created (confirmed on retry): the first attempt got no answer, and the repeat found lead ${String(body.existing_lead_id)} with this phone, which the first attempt created. Infinity CRM queued the repeat for admin review; dismiss that entry (if this phone was already known to Infinity CRM before this run, lead ${String(body.existing_lead_id)} is the older lead).`,
			},
			{ ...apiFields, apiMessage: apiMessage ?? null, confirmedOnRetry: true, statusCode },
		);
	}
	if (body.action === 'queued_duplicate') {
		return leadResult(
			'duplicate',
			{ existingLeadId: body.existing_lead_id, message: body.message },
			{ ...body, statusCode },
		);
	}
	if (body.action === 'created' || statusCode === 201) {
		return leadResult(
			'created',
			{ leadId: body.lead_id, message: null },
			{ ...body, assignedTo: body.assigned_to ?? null, statusCode },
		);
	}
	throw markOutcomeUnknown(fieldError(
		this,
		itemIndex,
		'Response',
		`Infinity CRM answered HTTP ${statusCode} without saying whether the lead was created`,
		'Check Infinity CRM for this lead before sending it again.',
	));
}

export const operation: ItemOperation<InfinityLead> = {
	prepare,
	send,
	routesDuplicates: true,
	dedupeKeys: (lead) => [lead.phone],
	onceOnly: {
		service: 'Infinity CRM',
		contactKeys: (lead) => phoneThenEmail(lead.phone, lead.body.email),
	},
	concurrency() {
		const options = this.getNodeParameter('options', 0, {}) as PhoneOptions;
		return options.concurrency ?? DEFAULT_PARALLEL_REQUESTS;
	},
};
