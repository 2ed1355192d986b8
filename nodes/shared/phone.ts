/**
 * Phone numbers to E.164, written once for every node.
 *
 * CRMs match duplicates on the phone string they store, so every lead leaves this package in
 * one spelling: `+<country code><national number>`. Property Finder already sends `+971…`;
 * forms and spreadsheets send `05…`, `9715…`, `00971…` or spaced variants.
 */

export class PhoneFormatError extends Error {
	constructor(readonly value: string, reason: string) {
		super(`"${value}" is not a phone number: ${reason}`);
		this.name = 'PhoneFormatError';
	}
}

const SEPARATORS = /[\s\-.()/\u00a0]/g;

/** E.164 allows at most 15 digits; no real subscriber number has fewer than 7. */
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

/**
 * Turn a phone number as people type it into E.164.
 *
 * - `+971 50 123 4567`, `00971501234567`, `971501234567` (already international)
 * - `050 123 4567`, `0501234567` (national, trunk prefix 0) → default country code
 * - `501234567` (national without trunk prefix, 9 digits for UAE mobiles) → default country code
 *
 * @param defaultCountryCode digits only, e.g. `971`
 */
export function normalizePhone(input: unknown, defaultCountryCode = '971'): string {
	const original = String(input ?? '').trim();
	if (original === '') throw new PhoneFormatError(original, 'it is empty');

	const countryCode = String(defaultCountryCode).replace(/^\+|^00/, '').trim();
	if (!/^\d{1,3}$/.test(countryCode)) {
		throw new PhoneFormatError(
			original,
			`the default country code "${defaultCountryCode}" must be 1 to 3 digits, e.g. 971`,
		);
	}

	let compact = original.replace(SEPARATORS, '');
	// "tel:" links and a trailing extension are common in exports; anything else alphabetic is not a phone.
	compact = compact.replace(/^tel:/i, '');
	if (!/^\+?\d+$/.test(compact)) {
		throw new PhoneFormatError(original, 'it may only contain digits, spaces, dashes, brackets and a leading +');
	}

	let international: string;
	if (compact.startsWith('+')) {
		international = compact.slice(1);
	} else if (compact.startsWith('00')) {
		international = compact.slice(2);
	} else if (compact.startsWith('0')) {
		international = countryCode + compact.slice(1);
	} else if (compact.startsWith(countryCode) && compact.length - countryCode.length >= 8) {
		international = compact;
	} else {
		international = countryCode + compact;
	}

	if (international.startsWith('0')) {
		throw new PhoneFormatError(original, 'a country code cannot start with 0');
	}
	if (international.length < MIN_DIGITS + 1 || international.length > MAX_DIGITS) {
		throw new PhoneFormatError(
			original,
			`it has ${international.length} digits with the country code; a phone number has 8 to 15`,
		);
	}
	return `+${international}`;
}

/** Normalise when asked to, else pass the trimmed text through unchanged. */
export function preparePhone(
	input: unknown,
	options: { normalizePhone?: boolean; defaultCountryCode?: string },
): string {
	if (options.normalizePhone === false) return String(input ?? '').trim();
	return normalizePhone(input, options.defaultCountryCode ?? '971');
}
