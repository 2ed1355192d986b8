import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PhoneOptions } from '../../../shared/leads';
import { compact, fieldError, isBlank, readEmail, readJsonObject, readOptionalText, readPhone } from '../../../shared/validate';
import { CLOSINGDEALZ_MAX_BATCH, CLOSINGDEALZ_MAX_NOTES } from '../../transport';

/**
 * The field readers of Lead → Create (ClosingDealz) that no other operation needs: each
 * returns a clean value or throws an item-indexed error naming the field and the fix.
 */

export function readLabels(
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

export function readNotes(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string | undefined {
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

export function readEmployeeCount(
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

export function readDate(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string | undefined {
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

export function readCustomJson(ctx: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject {
	if (isBlank(value)) return {};
	return readJsonObject(ctx, itemIndex, 'Custom Fields (JSON)', value, '{"isContact": true}') ?? {};
}

export function readContacts(
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
export function takeCustom(
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
export function field(lead: IDataObject, name: string): unknown {
	const key = Object.keys(lead).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : lead[key];
}

export function checkBatchSize(ctx: IExecuteFunctions, itemIndex: number, value: unknown) {
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
