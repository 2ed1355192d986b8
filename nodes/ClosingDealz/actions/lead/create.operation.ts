import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BatchEntry, BatchOperation } from '../../../shared/execute';
import { answerObject, asItemError, markOutcomeUnknown } from '../../../shared/execute';
import type { PhoneOptions } from '../../../shared/leads';
import { leadResult } from '../../../shared/leads';
import { missingColumn, readLeadInput } from '../../../shared/mapping';
import { compact, fieldError, isBlank, readEmail, readOptionalText, readPhone } from '../../../shared/validate';
import {
	CLOSINGDEALZ_LEADS_PATH,
	CLOSINGDEALZ_MAX_BATCH,
	CLOSINGDEALZ_RATE_LIMIT,
	CLOSINGDEALZ_RATE_WINDOW_SECONDS,
	closingDealzLimiter,
	closingDealzRequest,
} from '../../transport';
import { heldCredential } from '../../../shared/transport';
import { INPUT } from './create.fields';
import {
	checkBatchSize,
	field,
	readContacts,
	readCustomJson,
	readDate,
	readEmployeeCount,
	readLabels,
	readNotes,
	takeCustom,
} from './create.readers';

export { description } from './create.fields';

interface CreateOptions extends PhoneOptions {
	batchSize?: number;
	skipAlreadySent?: boolean;
	historySize?: number;
	rateLimit?: number;
	rateLimitWindow?: number;
}

export interface ClosingDealzLead {
	lead: IDataObject;
	/** Normalised phone, lower-cased e-mail and company, for duplicate checks. */
	phone?: string;
	email?: string;
	company?: string;
}

/** The fields of the lead object that say who the lead is. */
const IDENTIFYING = ['company', 'contactPerson', 'email', 'phoneNumber'];

function prepare(this: IExecuteFunctions, itemIndex: number): ClosingDealzLead {
	const input = readLeadInput(this, itemIndex, INPUT);
	const fields = input.additional;
	// A "contacts" column holds the list itself; the manual field wraps it in `contact`.
	if (input.mode === 'auto' && Array.isArray(fields.contacts)) fields.contacts = { contact: fields.contacts };
	const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;

	const custom = readCustomJson(this, itemIndex, fields.customJson);
	// Identifying fields in the custom JSON (`PhoneNumber`, `EMAIL`…) are checked, normalised
	// and deduplicated like the fields above; a field set above wins and the JSON one is dropped.
	const customPhone = takeCustom(this, itemIndex, custom, 'phoneNumber');
	const customEmail = takeCustom(this, itemIndex, custom, 'email');
	const phoneNumber = !isBlank(fields.phoneNumber)
		? readPhone(this, itemIndex, 'Phone Number', fields.phoneNumber, options)
		: customPhone && readPhone(this, itemIndex, customPhone.label, customPhone.value, options);
	const email = !isBlank(fields.email)
		? readEmail(this, itemIndex, 'Email', fields.email)
		: customEmail && readEmail(this, itemIndex, customEmail.label, customEmail.value);

	const own = compact({
		company: readOptionalText(fields.company),
		contactPerson: readOptionalText(fields.contactPerson),
		jobTitle: readOptionalText(fields.jobTitle),
		email,
		phoneNumber,
		notes: readNotes(this, itemIndex, fields.notes),
		labels: readLabels(this, itemIndex, fields.labels),
		industry: readOptionalText(fields.industry),
		employeeCount: readEmployeeCount(this, itemIndex, fields.employeeCount),
		website: readOptionalText(fields.website),
		linkedIn: readOptionalText(fields.linkedIn),
		twitter: readOptionalText(fields.twitter),
		facebook: readOptionalText(fields.facebook),
		address: readOptionalText(fields.address),
		date: readDate(this, itemIndex, fields.date),
		contacts: readContacts(this, itemIndex, fields.contacts, options),
	} as IDataObject);

	// Fields set in the UI win over the same field in the custom JSON, whatever its casing.
	const lead: IDataObject = {};
	for (const [key, value] of Object.entries(custom)) {
		if (!Object.keys(own).some((name) => name.toLowerCase() === key.toLowerCase()))
			lead[key] = value;
	}
	Object.assign(lead, own);

	if (IDENTIFYING.every((name) => isBlank(field(lead, name)))) {
		if (input.mode === 'auto') {
			throw missingColumn(this, itemIndex, 'Company, Contact Person, Email or Phone Number', IDENTIFYING);
		}
		throw fieldError(
			this,
			itemIndex,
			'Additional Fields',
			'the lead has no Company, Contact Person, Email or Phone Number',
			'Add at least one of these fields so the lead can be recognised in ClosingDealz.',
		);
	}
	// Notes may also arrive through the custom JSON: the length limit holds either way.
	const notes = field(lead, 'notes');
	if (typeof notes === 'string') readNotes(this, itemIndex, notes);
	checkBatchSize(this, itemIndex, options.batchSize);

	const text = (value: unknown) =>
		isBlank(value) || typeof value === 'object' ? undefined : String(value).trim();
	return {
		lead,
		phone: text(field(lead, 'phoneNumber')),
		email: text(field(lead, 'email'))?.toLowerCase(),
		company: text(field(lead, 'company'))?.toLowerCase(),
	};
}

/** The key a lead is remembered under by "Skip Already Sent": phone, else e-mail, else company. */
export function sentKey(prepared: ClosingDealzLead): string | undefined {
	if (prepared.phone) return `phone:${prepared.phone}`;
	if (prepared.email) return `email:${prepared.email}`;
	if (prepared.company) return `company:${prepared.company}`;
	return undefined;
}

function readOptions(ctx: IExecuteFunctions): CreateOptions {
	return ctx.getNodeParameter('options', 0, {}) as CreateOptions;
}

async function sendBatch(
	this: IExecuteFunctions,
	entries: Array<BatchEntry<ClosingDealzLead>>,
): Promise<IDataObject[]> {
	const options = readOptions(this);
	// The run's credential, as the request itself reads it (once per run).
	const credentials = (await heldCredential(this, 'closingDealzApi')).data;
	const limiter = closingDealzLimiter(
		String(credentials.apiKey ?? ''),
		options.rateLimit ?? CLOSINGDEALZ_RATE_LIMIT,
		options.rateLimitWindow ?? CLOSINGDEALZ_RATE_WINDOW_SECONDS,
	);
	try {
		const { statusCode, body: answer } = await closingDealzRequest.call(
			this,
			{
				method: 'POST',
				path: CLOSINGDEALZ_LEADS_PATH,
				body: entries.map((entry) => entry.prepared.lead),
				timeout: options.timeout,
				// ClosingDealz has no duplicate check: a batch repeated after a timeout or a
				// dropped connection could create every lead in it twice.
				idempotent: false,
				pace: limiter,
			},
			entries[0].itemIndex,
		);
		const body = answerObject(answer);
		if (body.succeeded !== true) {
			throw markOutcomeUnknown(new NodeOperationError(
				this.getNode(),
				`ClosingDealz answered HTTP ${statusCode} without confirming the leads were created${
					typeof body.message === 'string' && body.message ? `: ${body.message}` : ''
				}; unknown whether created`,
				{
					itemIndex: entries[0].itemIndex,
					description: 'Check ClosingDealz for these leads before sending them again.',
				},
			));
		}
		return entries.map((entry) =>
			leadResult(
				'created',
				{ leadId: null, message: null },
				{
					succeeded: true,
					statusCode: (body.statusCode as number | undefined) ?? statusCode,
					statusCodeDescription: (body.statusCodeDescription as string | undefined) ?? null,
					lead: entry.prepared.lead,
				},
			),
		);
	} catch (error) {
		throw asItemError(this, error, entries[0].itemIndex);
	}
}

export const operation: BatchOperation<ClosingDealzLead> = {
	kind: 'batch',
	prepare,
	// Checked for every item in prepare, before any request.
	batchSize() {
		return Number(readOptions(this).batchSize ?? CLOSINGDEALZ_MAX_BATCH);
	},
	sendBatch,
	routesDuplicates: true,
	// "Skip Already Sent" (nodes/shared/alreadySent.ts). ClosingDealz has no duplicate check of
	// its own, and earlier versions remembered leads by contact: a Property Finder lead is
	// keyed by its id and its contact.
	onceOnly: {
		service: 'ClosingDealz',
		contactKeys: (prepared) => [sentKey(prepared)],
		alwaysContactKey: true,
		describeSkipped: (prepared) => ({ lead: prepared.lead }),
	},
	dedupeKeys: (prepared) =>
		prepared.phone || prepared.email
			? [prepared.phone && `phone:${prepared.phone}`, prepared.email && `email:${prepared.email}`]
			: [prepared.company && `company:${prepared.company}`],
};
