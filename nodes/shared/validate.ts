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
	return String(value).trim();
}

/** Trimmed text, or undefined when blank (so the field is left out of the request). */
export function optionalText(value: unknown): string | undefined {
	if (isBlank(value)) return undefined;
	return String(value).trim();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function checkEmail(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): string {
	const email = String(value).trim();
	if (!EMAIL.test(email)) {
		throw fieldError(ctx, itemIndex, label, `"${email}" is not a valid e-mail address`, 'Use the form name@example.com, or leave the field empty.');
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
	const text = String(value).trim();
	const match = allowed.find((choice) => choice.toLowerCase() === text.toLowerCase());
	if (!match) {
		throw fieldError(ctx, itemIndex, label, `"${text}" is not allowed`, `Use one of: ${allowed.join(', ')}.`);
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
