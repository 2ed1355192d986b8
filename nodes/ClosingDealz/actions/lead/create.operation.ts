import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { BatchEntry, BatchOperation } from '../../../shared/execute';
import { asItemError, fieldError, markOutcomeUnknown } from '../../../shared/execute';
import { historySizeOption, leadKeyOption, skipAlreadySentOption } from '../../../shared/alreadySent';
import { timeoutOption } from '../../../shared/fields';
import type { LeadInputSpec } from '../../../shared/mapping';
import { missingColumn, readLeadInput, withFieldMapping } from '../../../shared/mapping';
import type { PhoneOptions } from '../../../shared/leads';
import {
	leadOptionsCollection,
	leadResult,
	onDuplicateProperty,
} from '../../../shared/leads';
import { readEmail, readJsonObject, readPhone, compact, isBlank, readOptionalText } from '../../../shared/validate';
import {
	CLOSINGDEALZ_LEADS_PATH,
	CLOSINGDEALZ_MAX_BATCH,
	CLOSINGDEALZ_MAX_NOTES,
	CLOSINGDEALZ_RATE_LIMIT,
	CLOSINGDEALZ_RATE_WINDOW_SECONDS,
	closingDealzLimiter,
	closingDealzRequest,
} from '../../transport';

/** The fields "Map Automatically" reads from the item's columns (all optional). */
const INPUT: LeadInputSpec = {
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
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
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
		],
	},
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
		historySizeOption,
		leadKeyOption(CONTACT_KEY),
		skipAlreadySentOption('ClosingDealz', { noDuplicateCheck: true, contact: CONTACT_KEY }),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['create'] } },
	withFieldMapping(properties, ['additionalFields'], INPUT),
);

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

function readLabels(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string[] | undefined {
	if (isBlank(value)) return undefined;
	const list = Array.isArray(value) ? value : String(value).split(',');
	if (list.some((label) => label !== null && typeof label === 'object')) {
		throw fieldError(
			ctx,
			itemIndex,
			'Labels',
			'must be text or a list of texts',
			'Enter labels separated by commas, e.g. Property Finder, Hot.',
		);
	}
	const labels = list.map((label) => String(label ?? '').trim()).filter((label) => label !== '');
	return labels.length > 0 ? labels : undefined;
}

function readNotes(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string | undefined {
	const notes = readOptionalText(value);
	if (notes !== undefined && notes.length > CLOSINGDEALZ_MAX_NOTES) {
		throw fieldError(
			ctx,
			itemIndex,
			'Notes',
			`is ${notes.length} characters long; ClosingDealz stores at most ${CLOSINGDEALZ_MAX_NOTES}`,
			'Shorten the notes, e.g. with {{ $json.notes.slice(0, 6900) }}.',
		);
	}
	return notes;
}

function readEmployeeCount(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): number | undefined {
	if (isBlank(value)) return undefined;
	const count = typeof value === 'number' ? value : Number(String(value).replace(/[\s,]/g, ''));
	if (!Number.isInteger(count) || count < 1) {
		throw fieldError(
			ctx,
			itemIndex,
			'Employee Count',
			`"${String(value)}" is not a whole number of 1 or more`,
			'Enter a number such as 25, or remove the field.',
		);
	}
	return count;
}

function readDate(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string | undefined {
	if (isBlank(value)) return undefined;
	const text = String(value).trim();
	const time = Date.parse(text);
	if (Number.isNaN(time)) {
		throw fieldError(
			ctx,
			itemIndex,
			'Date',
			`"${text}" is not a date`,
			'Use a date such as 2025-05-31 or 2025-05-31T14:30:00Z.',
		);
	}
	return new Date(time).toISOString();
}

function readCustomJson(ctx: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject {
	if (isBlank(value)) return {};
	return readJsonObject(ctx, itemIndex, 'Custom Fields (JSON)', value, '{"isContact": true}') ?? {};
}

function readContacts(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	options: PhoneOptions,
): IDataObject[] | undefined {
	const rows = ((value as IDataObject | undefined)?.contact ?? []) as IDataObject[];
	const contacts = rows.map((row, position) => {
		const label = (field: string) => `Contacts › Contact ${position + 1} › ${field}`;
		return compact({
			name: readOptionalText(row.name),
			lastName: readOptionalText(row.lastName),
			email: isBlank(row.email) ? undefined : readEmail(ctx, itemIndex, label('Email'), row.email),
			phoneNumber: isBlank(row.phoneNumber)
				? undefined
				: readPhone(ctx, itemIndex, label('Phone Number'), row.phoneNumber, options),
			address: readOptionalText(row.address),
			role: readOptionalText(row.role),
		});
	});
	const filled = contacts.filter((contact) => Object.keys(contact).length > 0);
	return filled.length > 0 ? filled : undefined;
}

/**
 * Remove `name` (in any letter case) from the custom JSON and return its value for checking;
 * undefined when absent or blank.
 */
function takeCustom(
	ctx: IExecuteFunctions,
	itemIndex: number,
	custom: IDataObject,
	name: string,
): { label: string; value: string } | undefined {
	let found: { label: string; value: string } | undefined;
	for (const key of Object.keys(custom).filter((candidate) => candidate.toLowerCase() === name.toLowerCase())) {
		const value = custom[key];
		delete custom[key];
		if (isBlank(value) || found) continue;
		const label = `Custom Fields (JSON) › ${key}`;
		if (typeof value === 'object') {
			throw fieldError(ctx, itemIndex, label, 'must be text, not an object or list', `Write it as text, e.g. {"${name}": "…"}.`);
		}
		found = { label, value: String(value) };
	}
	return found;
}

/** Look a field up the way ClosingDealz binds JSON: case-insensitively. */
function field(lead: IDataObject, name: string): unknown {
	const key = Object.keys(lead).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : lead[key];
}

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

function checkBatchSize(ctx: IExecuteFunctions, itemIndex: number, value: unknown) {
	if (value === undefined) return;
	const size = Number(value);
	if (!Number.isInteger(size) || size < 1 || size > CLOSINGDEALZ_MAX_BATCH) {
		throw fieldError(
			ctx,
			itemIndex,
			'Batch Size',
			`${String(value)} is not allowed`,
			`Use a whole number from 1 to ${CLOSINGDEALZ_MAX_BATCH}; ClosingDealz takes at most ${CLOSINGDEALZ_MAX_BATCH} leads per request.`,
		);
	}
}

function readOptions(ctx: IExecuteFunctions): CreateOptions {
	return ctx.getNodeParameter('options', 0, {}) as CreateOptions;
}

async function sendBatch(
	this: IExecuteFunctions,
	entries: Array<BatchEntry<ClosingDealzLead>>,
): Promise<IDataObject[]> {
	const options = readOptions(this);
	const credentials = await this.getCredentials('closingDealzApi');
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
		const body: IDataObject =
			answer && typeof answer === 'object' && !Array.isArray(answer) ? answer : {};
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
