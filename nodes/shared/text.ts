import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The base of every field reader (validate.ts): the item-indexed error naming field and fix,
 * the length bounds checked before any pattern runs, and the plain-text readers.
 */

/** An item-indexed error about one parameter, naming the field and the fix (required: every refusal says what to enter instead). */
export function fieldError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
	fix: string,
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
	refuseObject(ctx, itemIndex, label, value, '{{ $json.name }}');
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

/** Refuse an object or list where one value is expected; `example` is the expression to map instead. */
export function refuseObject(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown, example: string) {
	if (value !== null && typeof value === 'object') {
		throw fieldError(ctx, itemIndex, label, 'must be text, not an object or list', `Map a single field, e.g. ${example}.`);
	}
}
