import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { phoneThenEmail } from '../../../shared/alreadySent';
import { onceOnlyOptions } from '../../../shared/alreadySentOptions';
import type { ItemOperation } from '../../../shared/execute';
import { asItemError, mayHaveCreated } from '../../../shared/execute';
import type { PhoneOptions } from '../../../shared/leads';
import { additionalFieldsCollection, readTimeout, timeoutOption } from '../../../shared/fields';
import type { LeadInputSpec } from '../../../shared/mapping';
import { missingColumn, readLeadInput, withFieldMapping } from '../../../shared/mapping';
import { leadOptionsCollection, leadResult, onDuplicateProperty } from '../../../shared/leads';
import { apiWarning, expertRequest, unwrapLead, withWarning } from '../../transport/expert';
import { buildLeadBody } from './body';
import { expandDataOption, mainLeadFields, optionalLeadFields } from './fields';

const checkExistingOption: INodeProperties = {
	displayName: 'Check for Existing Lead',
	name: 'checkExisting',
	type: 'boolean',
	default: true,
	description:
		'Whether to look the mobile up in PF Expert CRM first and report a lead that already has it as a duplicate instead of creating a second one',
};

const properties: INodeProperties[] = [
	...mainLeadFields(true),
	onDuplicateProperty('PF Expert CRM'),
	additionalFieldsCollection(optionalLeadFields),
	leadOptionsCollection(undefined, [
		checkExistingOption,
		expandDataOption,
		...onceOnlyOptions('PF Expert CRM'),
		timeoutOption,
	]),
];

/** The wishlist's fields, accepted as flat columns in auto mode (a spreadsheet row is flat). */
const PREFERENCE_FIELDS = [
	'types',
	'locations',
	'fromPrice',
	'toPrice',
	'offeringType',
	'amenities',
	'fromSize',
	'toSize',
	'fromBedroom',
	'toBedroom',
	'fromBathroom',
	'toBathroom',
];

/** The fields "Map Automatically" reads from the item's columns. */
const INPUT: LeadInputSpec = {
	topLevel: [
		'title',
		'firstName',
		'lastName',
		'mobile',
		'category',
		'country',
		'status',
		'source',
		'sourceChannel',
		'financial',
		'preference',
	],
	additional: [
		'middleName',
		'email',
		'address',
		'pobox',
		'city',
		'quality',
		'mortgageStatus',
		'userId',
		'notes',
		'properties',
		'customFields',
		...PREFERENCE_FIELDS,
	],
	required: {
		title: 'Title',
		firstName: 'First Name',
		lastName: 'Last Name',
		mobile: 'Mobile',
		category: 'Category',
		country: 'Country',
		status: 'Status',
		source: 'Source',
		sourceChannel: 'Source Channel',
		financial: 'Financial',
	},
};

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['create'] } },
	withFieldMapping(properties, [...INPUT.topLevel, 'additionalFields'], INPUT),
);

interface CreateOptions extends PhoneOptions {
	checkExisting?: boolean;
	expandData?: boolean;
}

interface PreparedCreate {
	body: IDataObject;
	mobile: string;
	options: CreateOptions;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedCreate {
	const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
	const read = readLeadInput(this, itemIndex, INPUT);
	const input: IDataObject = { ...read.additional, ...read.top };
	if (read.mode === 'auto') {
		// Flat wishlist columns (types, locations, fromPrice…) when there is no "preference" column.
		const flat = PREFERENCE_FIELDS.filter((name) => name in input);
		if (input.preference === undefined && flat.length > 0) {
			input.preference = Object.fromEntries(flat.map((name) => [name, input[name]]));
		}
		for (const name of PREFERENCE_FIELDS) delete input[name];
		if (input.preference === undefined) {
			const wishlist = ['preference', 'types', 'locations', 'fromPrice', 'toPrice', 'offeringType'];
			throw missingColumn(this, itemIndex, 'Preference', wishlist);
		}
	}
	const body = buildLeadBody(this, itemIndex, input, options, true);
	return { body, mobile: body.mobile as string, options };
}

/** The first lead with this mobile, if any (a read: safe to repeat). */
async function findByMobile(ctx: IExecuteFunctions, lead: PreparedCreate, itemIndex: number) {
	const { body } = await expertRequest.call(
		ctx,
		{
			method: 'GET',
			path: '/leads',
			qs: { 'filters[mobile]': lead.mobile, page: 1, per_page: 1 },
			timeout: readTimeout(lead.options),
			idempotent: true,
		},
		itemIndex,
	);
	const existing = Array.isArray(body?.leads) ? (body.leads as IDataObject[])[0] : undefined;
	return existing && existing.id !== undefined ? existing : undefined;
}

async function send(this: IExecuteFunctions, lead: PreparedCreate, itemIndex: number) {
	if (lead.options.checkExisting !== false) {
		const existing = await findByMobile(this, lead, itemIndex);
		if (existing) {
			return leadResult(
				'duplicate',
				{
					existingLeadId: existing.id,
					message: `A lead with mobile ${lead.mobile} already exists in PF Expert CRM (lead ${String(existing.id)}); not created again.`,
				},
				{ existingLead: existing },
			);
		}
	}
	let answer: Awaited<ReturnType<typeof expertRequest>>;
	try {
		answer = await expertRequest.call(
			this,
			{
				method: 'POST',
				path: '/leads',
				body: { lead: lead.body },
				expand: lead.options.expandData,
				timeout: readTimeout(lead.options),
				// The API has no idempotency key: a repeated create would make a second lead. So
				// a create is repeated only after a 429 or a 503 with Retry-After (not acted on).
				idempotent: false,
			},
			itemIndex,
		);
	} catch (error) {
		// The create may have happened (timeout, dropped connection, 5xx). The mobile was not
		// known just before it, so a lead with this mobile now is the one this request created.
		const original = asItemError(this, error, itemIndex);
		if (!mayHaveCreated(error) || lead.options.checkExisting === false) throw original;
		const found = await findByMobile(this, lead, itemIndex).catch(() => undefined);
		if (!found) throw original;
		return leadResult(
			'created',
			{
				leadId: found.id,
				message: `Created (confirmed by lookup): the create got no clear answer (${(error as Error).message}), and lead ${String(found.id)} with mobile ${lead.mobile} now exists.`,
			},
			{ ...found, confirmedByLookup: true },
		);
	}
	const { statusCode, headers, body } = answer;
	const created = unwrapLead(body);
	return leadResult(
		'created',
		{ leadId: created.id, message: null },
		withWarning({ ...created, statusCode }, apiWarning(headers)),
	);
}

export const operation: ItemOperation<PreparedCreate> = {
	prepare,
	send,
	routesDuplicates: true,
	dedupeKeys: (lead) => [lead.mobile],
	onceOnly: {
		service: 'PF Expert CRM',
		contactKeys: (lead) => phoneThenEmail(lead.mobile, lead.body.email),
	},
};
