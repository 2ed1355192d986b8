import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listValue } from './lists';
import { MoneyFormatError, parseMoney } from './money';
import { PhoneFormatError, preparePhone } from './phone';
import type { PhoneOptions } from './leads';
import { MAX_LENGTH, boundedText, excerpt, fieldError, isBlank, readText, refuseObject } from './text';

/**
 * Field readers used by every operation's `prepare`: each `read…` either returns a clean value
 * or throws an item-indexed error (`fieldError`) that names the field (by its label) and says
 * how to fix it. The predicates (`is…`) and list splitters throw nothing. The base readers
 * (text.ts) and the ID and list readers (lists.ts) are exported from here with the rest, so an
 * operation imports every reader from this one module.
 */

export {
	MAX_LENGTH,
	boundedText,
	excerpt,
	fieldError,
	ifGiven,
	isBlank,
	readOptionalText,
	readText,
	refuseObject,
} from './text';
export { isDigits, listValue, readCount, readDigitsList, readId, readIdList, splitList } from './lists';

/**
 * name@domain.tld: one @, no spaces, a dot in the domain with text before it and at least two
 * characters after it. Checked in one pass (the former pattern backtracked quadratically).
 */
export function isEmail(email: string): boolean {
	if (email.length > MAX_LENGTH.email || /\s/.test(email)) return false;
	const at = email.indexOf('@');
	if (at < 1 || at !== email.lastIndexOf('@')) return false;
	const domain = email.slice(at + 1);
	const dot = domain.indexOf('.', 1);
	return dot >= 1 && dot <= domain.length - 3;
}

export function readEmail(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): string {
	refuseObject(ctx, itemIndex, label, value, '{{ $json.email }}');
	const email = boundedText(ctx, itemIndex, label, value, MAX_LENGTH.email + 64, 'an e-mail address').trim();
	if (!isEmail(email)) {
		throw fieldError(ctx, itemIndex, label, `"${excerpt(email)}" is not a valid e-mail address`, 'Use the form name@example.com, or leave the field empty.');
	}
	return email;
}

export function readPhone(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	options: PhoneOptions,
): string {
	refuseObject(ctx, itemIndex, label, value, '{{ $json.phone }}');
	boundedText(ctx, itemIndex, label, value, MAX_LENGTH.phone, 'a phone number');
	try {
		return preparePhone(value, options);
	} catch (error) {
		if (error instanceof PhoneFormatError) {
			throw fieldError(ctx, itemIndex, label, error.message, 'Use a number such as +971 50 123 4567 or 050 123 4567, or switch off "Normalize Phone" in Options.');
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
}

export function readMoney(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): number {
	if (typeof value === 'string') boundedText(ctx, itemIndex, label, value, MAX_LENGTH.money, 'an amount');
	try {
		return parseMoney(value);
	} catch (error) {
		if (error instanceof MoneyFormatError) {
			throw fieldError(ctx, itemIndex, label, error.message, 'Enter a plain amount such as 1500000, 1,500,000, AED 1.5M or 750k.');
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
}

export function readChoice<T extends string>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	allowed: readonly T[],
): T {
	const text = boundedText(ctx, itemIndex, label, value, MAX_LENGTH.choice, 'a choice').trim();
	const match = allowed.find((choice) => choice.toLowerCase() === text.toLowerCase());
	if (!match) {
		throw fieldError(ctx, itemIndex, label, `"${excerpt(text)}" is not allowed`, `Use one of: ${allowed.join(', ')}.`);
	}
	return match;
}

/** Drop undefined values so optional fields the user left empty are not sent. */
export function compact<T extends IDataObject>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * A JSON object field: an object mapped by an expression, or its JSON text (undefined when
 * blank). `example` is a small object of the service's, shown in the fix.
 */
export function readJsonObject(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	example: string,
): IDataObject | undefined {
	if (isBlank(value)) return undefined;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		boundedText(ctx, itemIndex, label, value, MAX_LENGTH.text, 'a JSON field');
		try {
			parsed = JSON.parse(value);
		} catch {
			throw fieldError(ctx, itemIndex, label, 'is not valid JSON', `Write an object such as ${example}, with double quotes around names and texts.`);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw fieldError(ctx, itemIndex, label, 'must be a JSON object, not a list or a single value', `Write an object such as ${example}.`);
	}
	return parsed as IDataObject;
}

/** E-mail addresses of a read filter (read with `listValue`), each checked like `readEmail`. */
export function readEmailList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	fix: string,
): string[] {
	const emails = listValue(value);
	const bad = emails.find((email) => !isEmail(email));
	if (bad !== undefined) throw fieldError(ctx, itemIndex, label, `"${excerpt(bad)}" is not a valid e-mail address`, fix);
	return emails;
}

/** The former name of `readText`, kept for the Property Finder lead operations until they move. */
export const requireText = readText;
