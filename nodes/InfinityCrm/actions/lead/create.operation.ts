import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { phoneThenEmail } from '../../../shared/alreadySent';
import type { ItemOperation } from '../../../shared/execute';
import { unconfirmedAnswer } from '../../../shared/execute';
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
	readMoney,
	readOptionalText,
	readPhone,
	readText,
} from '../../../shared/validate';
import { INFINITY_LEADS_PATH, infinityRequest } from '../../transport';
import { CATEGORIES, EMIRATES, INPUT } from './create.fields';

export { description } from './create.fields';

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
	const phone = ifGiven(fields.phone, (value) => readPhone(this, itemIndex, 'Phone', value, options));
	const alternatePhone = ifGiven(fields.alternatePhone, (value) =>
		readPhone(this, itemIndex, 'Alternate Phone', value, options),
	);
	const email = ifGiven(fields.email, (value) => readEmail(this, itemIndex, 'Email', value));
	const budgetMin = ifGiven(fields.budgetMin, (value) => readMoney(this, itemIndex, 'Budget Min', value));
	const budgetMax = ifGiven(fields.budgetMax, (value) => readMoney(this, itemIndex, 'Budget Max', value));
	if (budgetMin !== undefined && budgetMax !== undefined && budgetMin > budgetMax) {
		throw fieldError(
			this,
			itemIndex,
			'Budget Min',
			`${budgetMin} is more than Budget Max ${budgetMax}`,
			'Swap the two budgets or correct one of them.',
		);
	}
	const category = ifGiven(fields.category, (value) => readChoice(this, itemIndex, 'Category', value, CATEGORIES));
	const emirate = ifGiven(fields.emirate, (value) => readChoice(this, itemIndex, 'Emirate', value, EMIRATES));

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
		beds: readOptionalText(fields.beds),
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
	throw unconfirmedAnswer(this, itemIndex, 'Infinity CRM', statusCode);
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
	concurrency: parallelRequests,
};
