/**
 * Budgets as people type them, to the plain number the CRMs want.
 *
 * Accepted: `1500000`, `1,500,000`, `1.500.000`, `1 500 000` (two or more spaces, or any number
 * of no-break/thin spaces), Indian grouping `15,00,000`, decimals `1,500,000.50` and
 * `1.500.000,50`, a multiplier `1.5M`, `1,5 million`, `750k`, `2 bn`, `15 lakh`, `1.2 crore`,
 * `AED`/`Dhs`/`د.إ`/`درهم` before or after, Arabic-Indic and Persian digits (with `٫` and `٬`).
 *
 * Every way of reading the text is tried; one value → that value, several → an error naming
 * them (`1.500` is 1,500 or 1.5; `100 200` is 100,200 or two amounts; `1,500k` is 1,500,000 or
 * 1,500), none → an error with examples. A comma is a decimal separator only in front of a
 * multiplier (`1,5M`) or after dot/space grouping (`1.500.000,50`); otherwise it separates
 * thousands, as in the UAE.
 */

export class MoneyFormatError extends Error {
	constructor(
		readonly value: unknown,
		problem = 'is not an amount: use digits, optionally with commas, "AED" and a k/M suffix (e.g. 1,500,000 or 1.5M)',
	) {
		super(`"${preview(value)}" ${problem}`);
		this.name = 'MoneyFormatError';
	}
}

/** Longer texts are refused before any other work. */
export const MAX_MONEY_LENGTH = 64;

/** The largest amount accepted: more is a typo (an extra digit or two), not a property budget. */
export const MAX_AMOUNT = 1e12;

function preview(value: unknown): string {
	const text = String(value);
	return text.length > MAX_MONEY_LENGTH
		? `${text.slice(0, 40)}… (${text.length} characters)`
		: text;
}

const TOO_LARGE = `is too large for an amount (more than 1,000,000,000,000); check for extra digits`;

/** Multipliers as powers of ten, longest spelling first so `mn` wins over `m`. */
const MULTIPLIERS: Array<[string, number]> = (
	[
		['thousand', 3],
		['million', 6],
		['billion', 9],
		['crores', 7],
		['crore', 7],
		['lakhs', 5],
		['lakh', 5],
		['lacs', 5],
		['lac', 5],
		['مليون', 6],
		['ألف', 3],
		['الف', 3],
		['mio', 6],
		['mn', 6],
		['bn', 9],
		['cr', 7],
		['k', 3],
		['m', 6],
		['b', 9],
	] as Array<[string, number]>
).sort((a, b) => b[0].length - a[0].length);

const CURRENCIES = ['dirhams', 'dirham', 'درهم', 'dhs.', 'dhs', 'dh.', 'dh', 'aed', 'د.إ'];

/** ASCII space: a plain space. No-break, narrow no-break and thin spaces: always grouping. */
const HARD_SPACE = '\u00a0';

function canonical(text: string): string {
	let out = '';
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (code >= 0x660 && code <= 0x669) out += String(code - 0x660);
		else if (code >= 0x6f0 && code <= 0x6f9) out += String(code - 0x6f0);
		else if (code === 0x66b)
			out += '.'; // Arabic decimal separator
		else if (code === 0x66c)
			out += ','; // Arabic thousands separator
		else if (code === 0xa0 || code === 0x202f || code === 0x2009 || code === 0x2007)
			out += HARD_SPACE;
		else if (char === ' ' || char === '\t') out += ' ';
		else if (
			code === 0x200e ||
			code === 0x200f ||
			code === 0x061c ||
			(code >= 0x202a && code <= 0x202e) ||
			(code >= 0x2066 && code <= 0x2069)
		)
			continue;
		else out += char.toLowerCase();
	}
	return out;
}

function stripToken(text: string, tokens: string[]): { text: string; found?: string } {
	for (const token of tokens) {
		if (text.startsWith(token)) return { text: text.slice(token.length).trim(), found: token };
		if (text.endsWith(token))
			return { text: text.slice(0, text.length - token.length).trim(), found: token };
	}
	return { text };
}

const DIGITS = /^\d+$/;
const WESTERN = /^[1-9]\d{0,2}(?:,\d{3})+$/;
const INDIAN = /^[1-9]\d?(?:,\d\d)+,\d{3}$/;

/** Digits of an integer part grouped with `g` (null when the grouping is not valid). */
function ungroup(part: string, g: string): string | null {
	if (!part.includes(g)) return null;
	const commaForm = part.split(g).join(',');
	if (WESTERN.test(commaForm) || (g === ',' && INDIAN.test(commaForm)))
		return part.split(g).join('');
	return null;
}

interface Reading {
	integer: string;
	fraction: string;
}

/** Every reading of `number` with decimal separator `d` and grouping `g` ('' = none). */
function readAs(number: string, d: string, g: string): Reading | null {
	let integer = number;
	let fraction = '';
	if (d) {
		const at = number.indexOf(d);
		if (at < 0 || at !== number.lastIndexOf(d)) return null;
		integer = number.slice(0, at);
		fraction = number.slice(at + 1);
		if (!DIGITS.test(fraction)) return null;
	}
	if (g) {
		const digits = ungroup(integer, g);
		if (digits === null) return null;
		integer = digits;
	}
	return DIGITS.test(integer) ? { integer, fraction } : null;
}

function readings(number: string, withMultiplier: boolean): Reading[] {
	const found: Reading[] = [];
	for (const d of ['', '.', ',']) {
		for (const g of ['', ',', '.', ' ', HARD_SPACE]) {
			if (d === g && d !== '') continue;
			// A decimal comma needs a multiplier after it or dot/space grouping before it.
			if (d === ',' && !withMultiplier && (g === '' || g === ',')) continue;
			// In front of a multiplier nobody groups with dots or spaces (1.234M is 1,234,000).
			if (withMultiplier && g !== '' && g !== ',') continue;
			const reading = readAs(number, d, g);
			if (reading && !found.some((r) => amountOf(r, 0) === amountOf(reading, 0)))
				found.push(reading);
		}
	}
	return found;
}

function amountOf(reading: Reading, exponent: number): number {
	return Number(`${reading.integer}.${reading.fraction || '0'}`) * 10 ** exponent;
}

/** An amount for a message: thousands grouped with commas, decimals as read (1,500 or 1.234). */
function show(amount: number): string {
	if (amount >= 1e15) return String(amount);
	const [whole, fraction] = amount.toFixed(6).split('.');
	let end = fraction.length;
	while (end > 0 && fraction[end - 1] === '0') end--;
	let grouped = '';
	for (let i = 0; i < whole.length; i++) {
		if (i > 0 && (whole.length - i) % 3 === 0) grouped += ',';
		grouped += whole[i];
	}
	return end > 0 ? `${grouped}.${fraction.slice(0, end)}` : grouped;
}

function fromReading(original: unknown, reading: Reading, exponent: number): number {
	const integer = reading.integer.replace(/^0+(?=\d)/, '');
	if (integer.length + exponent > 13) throw new MoneyFormatError(original, TOO_LARGE);
	let decimals = reading.fraction.length;
	while (decimals > 0 && reading.fraction[decimals - 1] === '0') decimals--;
	if (decimals > 2 + exponent) {
		throw new MoneyFormatError(original, 'has more decimals than an amount can (fils are 0.01)');
	}
	const amount = Math.round(amountOf(reading, exponent) * 100) / 100;
	if (amount > MAX_AMOUNT) throw new MoneyFormatError(original, TOO_LARGE);
	return amount;
}

/**
 * An amount as a number, or a MoneyFormatError that names the value and says why (callers
 * wrap it with the field name and item index).
 */
export function parseMoney(value: unknown): number {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new MoneyFormatError(value);
		if (value < 0) throw new MoneyFormatError(value, 'is negative; a budget or price is 0 or more');
		if (value > MAX_AMOUNT) throw new MoneyFormatError(value, TOO_LARGE);
		return value;
	}
	if (typeof value !== 'string') throw new MoneyFormatError(value);
	const trimmed = value.trim();
	if (trimmed.length > MAX_MONEY_LENGTH) {
		throw new MoneyFormatError(
			value,
			`is too long for an amount (more than ${MAX_MONEY_LENGTH} characters)`,
		);
	}

	let text = canonical(trimmed).trim();
	text = stripToken(text, CURRENCIES).text;
	if (text.startsWith('-'))
		throw new MoneyFormatError(value, 'is negative; a budget or price is 0 or more');

	let exponent = 0;
	const multiplier = MULTIPLIERS.find(
		([word]) => text.endsWith(word) && /[\d\s.,]$/.test(text.slice(0, -word.length) || 'x'),
	);
	if (multiplier) {
		exponent = multiplier[1];
		text = text.slice(0, text.length - multiplier[0].length).trim();
		text = stripToken(text, CURRENCIES).text; // "AED 1.5 million" and "1.5M AED" both end here
	}
	if (!/^\d[\d.,\u00a0 ]*$/.test(text) || !/\d$/.test(text)) throw new MoneyFormatError(value);

	const spaces = text.split(' ').length - 1;
	const found = readings(text, multiplier !== undefined);
	if (found.length === 0) throw new MoneyFormatError(value);
	if (found.length > 1) {
		const [a, b] = found.map((reading) => show(amountOf(reading, exponent)));
		throw new MoneyFormatError(
			value,
			`is ambiguous: it could be ${a} or ${b}; write ${a.replace(/,/g, '')} or ${b.replace(/,/g, '')}`,
		);
	}
	if (spaces === 1 && exponent === 0) {
		const [first, second] = text.split(' ');
		throw new MoneyFormatError(
			value,
			`is ambiguous: it could be ${show(amountOf(found[0], 0))} or two amounts (${first} and ${second}); write ${first}${second} or ${first},${second}, and one amount per field`,
		);
	}
	return fromReading(value, found[0], exponent);
}
