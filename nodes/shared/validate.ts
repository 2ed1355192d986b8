import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MoneyFormatError, parseMoney } from './money';
import { PhoneFormatError, preparePhone } from './phone';
import type { PhoneOptions } from './leads';

/**
 * Field readers used by every operation's `prepare`: each `read…` either returns a clean value
 * or throws an item-indexed error (`fieldError`) that names the field (by its label) and says
 * how to fix it. The predicates (`is…`) and list splitters here throw nothing.
 */

/** An item-indexed error about one parameter, naming the field and the fix. */
export function fieldError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
	fix?: string,
): NodeOperationError {
	// A message never carries a hostile value whole: readers quote excerpts, this is the backstop.
	const said = problem.length > 400 ? `${problem.slice(0, 400)}…` : problem;
	return new NodeOperationError(ctx.getNode(), `${field}: ${said}`, {
		itemIndex,
		description: fix,
	});
}

/**
 * Longest values the readers look at. Every reader checks the length before any pattern
 * runs, so a hostile or broken input (a 100 KB "e-mail") is refused at once instead of
 * keeping n8n busy, and no message echoes more than a short excerpt of it.
 */
export const MAX_LENGTH = {
	/** RFC 5321: an address is at most 254 characters. */
	email: 254,
	/** A phone number as typed, with spaces, brackets and a prefix. */
	phone: 64,
	/** An amount as typed: "AED 1,500,000.00". */
	money: 64,
	/** A choice from a list (category, emirate, status…). */
	choice: 100,
	/** Any other single text (names, ids, notes): generous, but bounded. */
	text: 65_536,
} as const;

/** A value as shown inside a message: at most `max` characters, with its full length when cut. */
export function excerpt(value: unknown, max = 60): string {
	const text = typeof value === 'string' ? value : String(value);
	return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** The value as text, refused when longer than `max` (before any pattern looks at it). */
export function boundedText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	max: number,
	what = 'this field',
): string {
	const text = typeof value === 'string' ? value : String(value);
	if (text.length > max) {
		throw fieldError(
			ctx,
			itemIndex,
			label,
			`is ${text.length} characters long; ${what} takes at most ${max} ("${excerpt(text, 40)}")`,
			'Map the right input field, or shorten the value.',
		);
	}
	return text;
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function readText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): string {
	if (isBlank(value)) {
		throw fieldError(ctx, itemIndex, label, 'is required but empty', `Enter a value or map one from the input with an expression.`);
	}
	if (typeof value === 'object') {
		throw fieldError(ctx, itemIndex, label, 'must be text, not an object or list', 'Map a single field, e.g. {{ $json.name }}.');
	}
	return boundedText(ctx, itemIndex, label, value, MAX_LENGTH.text).trim();
}

/** `read(value)` for a field that is filled in; undefined (left out of the request) when blank. */
export function ifGiven<T>(value: unknown, read: (value: unknown) => T): T | undefined {
	return isBlank(value) ? undefined : read(value);
}

/** Trimmed text, or undefined when blank (so the field is left out of the request). */
export function readOptionalText(value: unknown): string | undefined {
	if (isBlank(value)) return undefined;
	return String(value).trim();
}

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
	if (value !== null && typeof value === 'object') {
		throw fieldError(ctx, itemIndex, label, 'must be text, not an object or list', 'Map a single field, e.g. {{ $json.email }}.');
	}
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
	if (value !== null && typeof value === 'object') {
		throw fieldError(ctx, itemIndex, label, 'must be text, not an object or list', 'Map a single field, e.g. {{ $json.phone }}.');
	}
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

/** The former name of `readText`, kept for the Property Finder lead operations until they move. */
export const requireText = readText;
