import { countryOfCode, countryOfDigits, nationalNumber, whyInvalid } from './phoneCountries';

/**
 * Phone numbers to E.164, written once for every node.
 *
 * CRMs match duplicates on the phone string they store, so every lead leaves this package in
 * one spelling: `+<country code><national number>`. Property Finder already sends `+971…`;
 * forms and spreadsheets send `05…`, `9715…`, `00971…`, spaced variants, Arabic-Indic digits,
 * numbers whose `+` a spreadsheet dropped (`966501234567`) and numbers with a trunk `0` kept
 * after the country code (`+971 (0)50…`).
 *
 * The rule: the number the person meant, or a PhoneFormatError that says why. Never a different
 * number. How a number without `+` or `00` is read:
 *
 * 1. as a national number of the default country (its trunk prefix, e.g. the UAE's `0`, optional):
 *    when that is a valid number there, it is the answer;
 * 2. else, when the digits start with the country code of a country in the table
 *    (phoneCountries.ts), as an international number whose `+` was lost (`971501234567`,
 *    `966501234567`, `9710501234567`): when that is a valid number there, it is the answer;
 * 3. else the value is refused, naming both readings. (Both valid cannot happen for the UAE:
 *    its national numbers have at most 9 digits but for 800 toll-free numbers, and no
 *    country code in the table starts with 800; for other default countries the national
 *    reading wins, as a local number is what a form without `+` usually holds.)
 *
 * With `+` or `00` only the international reading exists. Countries in the table are checked
 * against their number plan (lengths and leading digits) and a trunk prefix written after the
 * country code is dropped; for any other country code the digits are kept as written (a
 * literal `(0)` after the country code is dropped) and only the E.164 length is checked.
 * An extension (`x123`, `ext. 12`, `;ext=12`) is not part of E.164 and is left out.
 */

export class PhoneFormatError extends Error {
	constructor(
		readonly value: string,
		reason: string,
	) {
		super(`"${preview(value)}" is not a phone number: ${reason}`);
		this.name = 'PhoneFormatError';
	}
}

/** Longer values are refused before any other work: no phone number needs more characters. */
export const MAX_PHONE_LENGTH = 64;

/** Shown in messages: a value as typed, cut short when it is long (a message is no place for 100 KB). */
function preview(value: string): string {
	return value.length > MAX_PHONE_LENGTH
		? `${value.slice(0, 40)}… (${value.length} characters)`
		: value;
}

/** E.164 allows at most 15 digits with the country code; no real number has fewer than 8. */
const MIN_DIGITS = 8;
const MAX_DIGITS = 15;

const DIGIT_BLOCKS = [
	0x30, // ASCII
	0x660, // Arabic-Indic ٠١٢…
	0x6f0, // Extended Arabic-Indic (Persian, Urdu) ۰۱۲…
	0x966, // Devanagari
	0xff10, // full-width
];

/** Invisible characters copied along with right-to-left text or from web pages. */
function isInvisible(code: number): boolean {
	return (
		code === 0x00ad || // soft hyphen
		code === 0x061c || // Arabic letter mark
		(code >= 0x200b && code <= 0x200f) || // zero-width space/joiners, LRM, RLM
		(code >= 0x202a && code <= 0x202e) || // embeddings and overrides
		(code >= 0x2060 && code <= 0x2069) || // word joiner, invisible operators, isolates
		code === 0xfeff // byte-order mark
	);
}

function isDash(code: number): boolean {
	return (
		code === 0x2d ||
		(code >= 0x2010 && code <= 0x2015) || // hyphen, non-breaking hyphen (U+2011), en/em dash
		code === 0x2212 || // minus sign
		code === 0xfe58 ||
		code === 0xfe63 ||
		code === 0xff0d
	);
}

const SPACE = /^\s$/;

/**
 * One pass over the characters: Unicode digits to ASCII, invisible marks dropped, dashes,
 * dots, slashes and spaces to one space, brackets and the letters of `tel:` and extension
 * markers kept (lower case). Anything else is refused.
 */
function canonicalCharacters(text: string): { text: string } | { bad: string } {
	let out = '';
	for (const char of text) {
		const code = char.codePointAt(0)!;
		const block = DIGIT_BLOCKS.find((start) => code >= start && code <= start + 9);
		if (block !== undefined) out += String(code - block);
		else if (char === '+' || code === 0xff0b) out += '+';
		else if (isInvisible(code)) continue;
		else if (isDash(code) || char === '.' || char === '/' || code === 0xff0e || SPACE.test(char))
			out += ' ';
		else if (char === '(' || code === 0xff08 || char === '[') out += '(';
		else if (char === ')' || code === 0xff09 || char === ']') out += ')';
		else if (/^[a-z#:;=]$/i.test(char)) out += char.toLowerCase();
		else return { bad: char };
	}
	return { text: out };
}

const EXTENSION_MARKERS = [';ext=', 'extension', 'extn.', 'extn', 'ext.', 'ext:', 'ext', 'x', '#'];

/** The text without a trailing extension such as `x123`, `ext. 12` or `;ext=12`. */
function withoutExtension(text: string): string {
	let end = text.length;
	while (end > 0 && text[end - 1] === ' ') end--;
	let start = end;
	while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') start--;
	if (start === end || end - start > 7) return text;
	const before = text.slice(0, start).trimEnd();
	const marker = EXTENSION_MARKERS.find((m) => before.endsWith(m));
	return marker ? before.slice(0, before.length - marker.length) : text;
}

/** `trunkDropped`: a "(0)" after the country code was already removed; no second trunk prefix. */
function readInternational(original: string, digits: string, trunkDropped = false): string {
	if (digits === '') throw new PhoneFormatError(original, 'it has no digits after the +');
	if (digits.startsWith('0')) {
		throw new PhoneFormatError(
			original,
			'a country code cannot start with 0; for a local number leave out the + or 00',
		);
	}
	const country = countryOfDigits(digits);
	if (country) {
		const rest = digits.slice(country.cc.length);
		const nsn = nationalNumber(country, rest, !trunkDropped);
		if (nsn === undefined) throw new PhoneFormatError(original, whyInvalid(country, rest));
		return `+${country.cc}${nsn}`;
	}
	if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
		throw new PhoneFormatError(
			original,
			`it has ${digits.length} digits with the country code; a phone number has ${MIN_DIGITS} to ${MAX_DIGITS}`,
		);
	}
	return `+${digits}`;
}

function readLocal(original: string, digits: string, cc: string): string {
	const home = countryOfCode(cc);
	const abroad = countryOfDigits(digits);
	const international = () => {
		if (!abroad) return undefined;
		const nsn = nationalNumber(abroad, digits.slice(abroad.cc.length));
		return nsn === undefined ? undefined : `+${abroad.cc}${nsn}`;
	};

	if (home) {
		const nsn = nationalNumber(home, digits);
		if (nsn !== undefined) return `+${cc}${nsn}`;
		const other = international();
		if (other) return other;
		const local = whyInvalid(home, digits);
		if (abroad && digits.length >= abroad.cc.length + 5) {
			throw new PhoneFormatError(
				original,
				`${local}; read as +${abroad.cc} ${digits.slice(abroad.cc.length)}, ${whyInvalid(abroad, digits.slice(abroad.cc.length))} either`,
			);
		}
		throw new PhoneFormatError(
			original,
			`${local}; write a foreign number with + and its country code`,
		);
	}

	// A default country outside the table: its plan is unknown, so only lengths are checked.
	let national: string;
	if (digits.startsWith('0')) {
		national = digits.replace(/^0/, '');
	} else {
		const other = international();
		if (other) return other;
		if (digits.startsWith(cc) && digits.length - cc.length >= 8)
			return readInternational(original, digits);
		national = digits;
	}
	return readInternational(original, cc + national);
}

/**
 * Turn a phone number as people type it into E.164 (see the rules at the top of this file).
 *
 * @param defaultCountryCode the country of numbers written without `+`/`00`: digits, e.g. `971`
 *   (a leading `+` or `00` is accepted)
 */
export function normalizePhone(input: unknown, defaultCountryCode = '971'): string {
	const original = String(input ?? '').trim();
	if (original === '') throw new PhoneFormatError(original, 'it is empty');
	if (original.length > MAX_PHONE_LENGTH) {
		throw new PhoneFormatError(original, `it is longer than ${MAX_PHONE_LENGTH} characters`);
	}

	const countryCode = String(defaultCountryCode ?? '')
		.trim()
		.replace(/^(?:\+|00)/, '');
	if (!/^[1-9]\d{0,2}$/.test(countryCode)) {
		throw new PhoneFormatError(
			original,
			`the default country code "${defaultCountryCode}" must be 1 to 3 digits, e.g. 971`,
		);
	}

	const canonical = canonicalCharacters(original);
	if ('bad' in canonical) {
		throw new PhoneFormatError(
			original,
			`"${canonical.bad}" cannot be part of a phone number; use digits, spaces, dashes, brackets, a leading + and an extension such as "ext. 12"`,
		);
	}
	let text = withoutExtension(canonical.text.replace(/^tel:/, '')).replace(/ /g, '');
	// A "(0)" right after the country code marks a trunk prefix dialled only inside the country.
	const withoutTrunk = text.replace(/^(\+|00)(\d{1,3})\(0\)/, '$1$2');
	const trunkDropped = withoutTrunk !== text;
	text = withoutTrunk;
	text = text.replace(/[()]/g, '');
	if (!/^\+?\d+$/.test(text)) {
		throw new PhoneFormatError(
			original,
			'it may only contain digits, spaces, dashes, brackets, a leading + and an extension such as "ext. 12"',
		);
	}

	if (text.startsWith('+')) return readInternational(original, text.slice(1), trunkDropped);
	const idd = ['00', ...(countryOfCode(countryCode)?.idd ?? [])].find((prefix) =>
		text.startsWith(prefix),
	);
	if (idd) return readInternational(original, text.slice(idd.length), trunkDropped);
	return readLocal(original, text, countryCode);
}

/** Normalise when asked to, else pass the trimmed text through unchanged. */
export function preparePhone(
	input: unknown,
	options: { normalizePhone?: boolean; defaultCountryCode?: string },
): string {
	if (options.normalizePhone === false) return String(input ?? '').trim();
	return normalizePhone(input, options.defaultCountryCode ?? '971');
}
