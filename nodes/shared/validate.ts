import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fieldError } from './execute';
import { MoneyFormatError, parseMoney } from './money';
import { PhoneFormatError, preparePhone } from './phone';
import type { PhoneOptions } from './leads';

/**
 * Field readers used by every operation's `prepare`: each one either returns a clean value or
 * throws an item-indexed error that names the field (by its label) and says how to fix it.
 */

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

export function requireText(
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

/** Trimmed text, or undefined when blank (so the field is left out of the request). */
export function optionalText(value: unknown): string | undefined {
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

export function checkEmail(
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

export function checkPhone(
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

export function checkMoney(
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

export function checkChoice<T extends string>(
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
 * A JSON object field: an object mapped by an expression, or its JSON text (undefined when the
 * text is blank). `example` is a small object of the service's, shown in the fix.
 */
export function checkJsonObject(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
	example: string,
): IDataObject | undefined {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return undefined;
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
