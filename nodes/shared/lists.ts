import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { fieldError, isBlank } from './text';

/** IDs, counts and lists (validate.ts re-exports them with the other field readers). */

/** Digits only: the form of every numeric ID the services use (0 included). */
export function isDigits(text: string): boolean {
	return /^\d+$/.test(text);
}

/** A list parameter: an array from an expression or comma-separated text. */
export function listValue(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	const entries = Array.isArray(value) ? value : String(value).split(',');
	return entries.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
}

/**
 * A list from a comma-, semicolon- or line-separated string, a JSON array text, an array,
 * objects with an `id`, or a single value.
 */
export function splitList(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flatMap((entry) => splitList(entry));
	if (typeof value === 'number') return [String(value)];
	if (typeof value === 'object') {
		const id = (value as IDataObject).id;
		return id === undefined ? [] : splitList(id);
	}
	const raw = String(value).trim();
	if (raw.startsWith('[')) {
		try {
			return splitList(JSON.parse(raw));
		} catch {
			// not JSON: read it as a comma-separated list
		}
	}
	return raw
		.split(/[,;\n]/)
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

/**
 * A required positive whole-number ID (PF Expert CRM lead and user IDs). `fix` names the
 * service's form of an ID.
 */
export function readId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	fix = 'PF Expert CRM IDs are whole numbers, e.g. 35436.',
): number {
	if (isBlank(value)) {
		throw fieldError(ctx, itemIndex, label, 'is required but empty', 'Enter the numeric ID or map it from the input, e.g. {{ $json.id }}.');
	}
	const textValue = String(value).trim();
	if (typeof value === 'object' || !isDigits(textValue) || Number(textValue) <= 0) {
		throw fieldError(
			ctx,
			itemIndex,
			label,
			`"${typeof value === 'object' ? JSON.stringify(value) : textValue}" is not an ID`,
			fix,
		);
	}
	return Number(textValue);
}

/** Positive whole-number IDs (read with `splitList`), de-duplicated, in the given order. */
export function readIdList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): number[] {
	const ids: number[] = [];
	for (const part of splitList(value)) {
		if (!isDigits(part) || Number(part) <= 0) {
			throw fieldError(
				ctx,
				itemIndex,
				label,
				`"${part}" is not an ID`,
				'Use numeric IDs separated by commas, e.g. 35436, 35437, or map a list of numbers.',
			);
		}
		if (!ids.includes(Number(part))) ids.push(Number(part));
	}
	return ids;
}

/**
 * Numeric IDs of a read filter (read with `listValue`), as text in the given order; `what`
 * names one of them in the message ("a public profile ID").
 */
export function readDigitsList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	what: string,
	fix: string,
): string[] {
	const ids = listValue(value);
	const bad = ids.find((id) => !isDigits(id));
	if (bad !== undefined) throw fieldError(ctx, itemIndex, label, `"${bad}" is not ${what}`, fix);
	return ids;
}

/** A whole number ≥ 0 (sizes, bedrooms, bathrooms; thousands commas allowed); undefined when empty. */
export function readCount(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): number | undefined {
	if (isBlank(value)) return undefined;
	const textValue = String(value).trim().replace(/,/g, '');
	if (!isDigits(textValue)) {
		throw fieldError(ctx, itemIndex, label, `"${String(value)}" is not a whole number`, 'Enter a number such as 2, or leave the field empty.');
	}
	return Number(textValue);
}
