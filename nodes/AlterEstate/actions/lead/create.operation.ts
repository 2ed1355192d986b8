import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { phoneThenEmail } from '../../../shared/alreadySent';
import type { ItemOperation } from '../../../shared/execute';
import { answerObject, unconfirmedAnswer } from '../../../shared/execute';
import { readTimeout } from '../../../shared/fields';
import type { PhoneOptions } from '../../../shared/leads';
import { leadResult, parallelRequests } from '../../../shared/leads';
import { readLeadInput } from '../../../shared/mapping';
import {
	compact,
	fieldError,
	ifGiven,
	readChoice,
	readEmail,
	readJsonObject,
	readMoney,
	readOptionalText,
	readPhone,
	readText,
} from '../../../shared/validate';
import { LEADS_PATH, alterEstateWrite } from '../../transport';
import { INPUT, LISTING_TYPES } from './create.fields';

export { description } from './create.fields';

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
	const related = ifGiven(fields.related, (value) => readEmail(this, itemIndex, 'Related Agent', value));
	const listingType = ifGiven(fields.listingType, (value) =>
		readChoice(this, itemIndex, 'Listing Type', value, LISTING_TYPES),
	);
	const via = ifGiven(fields.via, (value) => checkVia(this, itemIndex, value));
	const budget = ifGiven(fields.budget, (value) => readMoney(this, itemIndex, 'Budget', value));
	const currency = ifGiven(fields.currency, (value) => checkCurrency(this, itemIndex, value));
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
	const body = answerObject(answer);
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
	throw unconfirmedAnswer(this, itemIndex, 'AlterEstate', statusCode);
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
	concurrency: parallelRequests,
};
