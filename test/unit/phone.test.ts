import fc from 'fast-check';
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

import {
	MAX_PHONE_LENGTH,
	normalizePhone,
	PhoneFormatError,
	preparePhone,
} from '../../nodes/shared/phone';
import { corpus, type Entry } from './phoneCorpus';

function attempt(input: unknown, defaultCountryCode?: string): string | PhoneFormatError {
	try {
		return normalizePhone(input, defaultCountryCode);
	} catch (error) {
		if (error instanceof PhoneFormatError) return error;
		throw error;
	}
}

describe('normalizePhone', () => {
	it.each([
		'050 123 4567',
		'0501234567',
		'00971501234567',
		'971501234567',
		'+971 50 123 4567',
		'+971-50-123-4567',
		'(050) 123 4567',
		'501234567',
	])('turns the UAE spelling %p into +971501234567', (input) => {
		expect(normalizePhone(input)).toBe('+971501234567');
	});

	it('keeps a foreign number in international format', () => {
		expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
		expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
		expect(normalizePhone('+33 6 12 34 56 78')).toBe('+33612345678');
	});

	it('uses another default country code for local numbers', () => {
		expect(normalizePhone('020 7946 0958', '44')).toBe('+442079460958');
		expect(normalizePhone('0501234567', '+971')).toBe('+971501234567');
		expect(normalizePhone('8 912 345-67-89', '7')).toBe('+79123456789');
		expect(normalizePhone('06 12 34 56 78', '33')).toBe('+33612345678');
	});

	describe('a trunk 0 written after the country code is dropped', () => {
		it.each([
			['+971 (0)50 123 4567', '+971501234567'],
			['+9710501234567', '+971501234567'],
			['00971 050 123 4567', '+971501234567'],
			['9710501234567', '+971501234567'],
			['+44 (0)7911 123456', '+447911123456'],
			['+44 07911 123456', '+447911123456'],
			['+966 (0)50 123 4567', '+966501234567'],
			['+91 (0)98765 43210', '+919876543210'],
			['+7 8 912 345 67 89', '+79123456789'],
			['+33 (0)6 12 34 56 78', '+33612345678'],
		])('%p → %p', (input, expected) => {
			expect(normalizePhone(input)).toBe(expected);
		});
	});

	describe('an international number whose + was lost keeps its country', () => {
		it.each([
			['966501234567', '+966501234567'],
			['96650 123 4567', '+966501234567'],
			['97433123456', '+97433123456'],
			['96550012345', '+96550012345'],
			['97336001234', '+97336001234'],
			['96892123456', '+96892123456'],
			['919876543210', '+919876543210'],
			['923001234567', '+923001234567'],
			['447911123456', '+447911123456'],
			['79123456789', '+79123456789'],
			['12015550123', '+12015550123'],
		])('%p → %p', (input, expected) => {
			expect(normalizePhone(input)).toBe(expected);
		});
	});

	describe('a number with a digit missing or too many is refused, not given a second country code', () => {
		it.each([
			'9715012345',
			'97150123456789',
			'12345',
			'050 123 456',
			'050 123 45678',
			'+971 50 123 456',
			'+966 50 123 456',
			'+44 7911 12345',
		])('%p', (input) => {
			const result = attempt(input);
			expect(result).toBeInstanceOf(PhoneFormatError);
			expect((result as Error).message).toContain(`"${input}"`);
			expect((result as Error).message).toMatch(/not a valid \w+ number/);
		});

		it('says what was expected and shows both readings when the digits start with a country code', () => {
			expect(() => normalizePhone('9715012345')).toThrow(
				/10 digits after \+971.*read as \+971 5012345.*7 digits after \+971/,
			);
			expect(() => normalizePhone('96650123456')).toThrow(
				/UAE number.*read as \+966 50123456.*8 digits after \+966/,
			);
		});
	});

	describe('valid spellings that used to be refused', () => {
		it.each([
			['٠٥٠١٢٣٤٥٦٧', 'Arabic-Indic digits'],
			['۰۵۰۱۲۳۴۵۶۷', 'Persian digits'],
			['+٩٧١ ٥٠ ١٢٣ ٤٥٦٧', 'Arabic-Indic digits with +'],
			['\u200f050 123 4567\u200f', 'right-to-left marks'],
			['\u2066+971 50 123 4567\u2069', 'an isolate around the number'],
			['\u200e+971\u200e 50\u200e 123 4567', 'left-to-right marks between groups'],
			['050\u2011123\u20114567', 'non-breaking hyphens (U+2011)'],
			['050\u2013123\u20134567', 'en dashes (U+2013)'],
			['+971\u221250\u2212123\u22124567', 'minus signs (U+2212)'],
			['050\u00a0123\u00a04567', 'no-break spaces'],
			['050 123 4567 x123', 'an extension "x123"'],
			['+971 50 123 4567 ext. 12', 'an extension "ext. 12"'],
			['050 123 4567 ext 12', 'an extension "ext 12"'],
			['tel:+971501234567;ext=5', 'a tel: link with an extension'],
			['+971 50 123 4567 #12', 'an extension "#12"'],
			['＋９７１ ５０ １２３ ４５６７', 'full-width digits'],
		])('%p (%s)', (input) => {
			expect(normalizePhone(input)).toBe('+971501234567');
		});
	});

	it.each([
		'call me',
		'n/a',
		'05O1234567',
		'12',
		'+12345678901234567',
		'+0501234567',
		'050 123 4567 ext',
		'++971501234567',
		'0501234567x',
	])('rejects %p naming the value', (input) => {
		expect(() => normalizePhone(input)).toThrow(PhoneFormatError);
		expect(() => normalizePhone(input)).toThrow(`"${input}"`);
	});

	it('rejects an empty value and a bad default country code', () => {
		expect(() => normalizePhone('   ')).toThrow('it is empty');
		expect(() => normalizePhone('0501234567', 'UAE')).toThrow('default country code');
		expect(() => normalizePhone('0501234567', '0')).toThrow('default country code');
	});

	it('passes the text through unchanged when normalisation is off', () => {
		expect(preparePhone(' 050 123 4567 ', { normalizePhone: false })).toBe('050 123 4567');
		expect(preparePhone('050 123 4567', { normalizePhone: true })).toBe('+971501234567');
		expect(preparePhone('9665 0123 4567', { defaultCountryCode: '971' })).toBe('+966501234567');
	});
});

// ---------------------------------------------------------------------------------------------
// Differential test against libphonenumber-js (max metadata).
//
// What "the oracle finds a valid number" means, for the default country AE:
// - input with + or 00: libphonenumber's reading of it;
// - input without: its reading as a UAE number when that is valid; else its reading of the
//   same digits with a + in front, when that is valid and the country code is one of ours
//   (the `966501234567` class); else no valid reading.
// Where the oracle has a valid number, ours must give the same E.164. Where it has none, ours
// must refuse or give one of the oracle's readings that the oracle calls possible.
// ---------------------------------------------------------------------------------------------

const SEED = 20261201;
const SIZE = 24_200;
const OUR_CODES = new Set(['971', '966', '974', '965', '973', '968', '91', '92', '44', '7', '1']);

interface Verdict {
	valid?: string;
	possible: string[];
	/** The oracle read the digits with a + for a calling code outside our table. */
	foreignGuess?: string;
}

/**
 * libphonenumber-js gives up on a direction mark between the country code and the rest
 * (`+971\u200f 50…`), an oracle limitation rather than a reading: the oracle gets the text
 * without them. Our handling of marks is checked against the oracle where it copes (marks
 * around the number) and by the formatting-invariance property below.
 */
function oracleText(input: string): string {
	return input.replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, '');
}

function oracle(entry: Entry): Verdict {
	const readings: PhoneNumber[] = [];
	const local = parsePhoneNumberFromString(oracleText(entry.input), 'AE');
	if (local) readings.push(local);
	if (local?.isValid()) return { valid: local.number, possible: [local.number] };
	let foreignGuess: string | undefined;
	if (entry.plain) {
		const international = parsePhoneNumberFromString(`+${entry.digits}`);
		if (international) {
			if (international.isValid() && OUR_CODES.has(international.countryCallingCode)) {
				return { valid: international.number, possible: [international.number] };
			}
			if (international.isValid()) foreignGuess = international.number;
			readings.push(international);
		}
	}
	return { possible: readings.filter((r) => r.isPossible()).map((r) => r.number), foreignGuess };
}

/** Differences we intend, with the reason; each is counted and printed. */
const INTENDED: Array<{
	name: string;
	reason: string;
	applies: (entry: Entry, verdict: Verdict, ours: string | Error) => boolean;
}> = [
	{
		name: 'words around the number ("Mob: 050…")',
		reason:
			'the oracle picks a number out of free text; a field holding words is more likely mapped from the wrong column or a note, so we refuse and show the value',
		applies: (entry, verdict, ours) =>
			entry.words && verdict.valid !== undefined && ours instanceof Error,
	},
	{
		name: 'a calling code outside the table, after + or 00',
		reason:
			'we hold number plans only for the 11 countries of the table; for any other code the digits are kept as written when E.164 allows their length (8 to 15), so a lead from elsewhere is not lost, where the oracle may call the length impossible',
		applies: (_entry, verdict, ours) =>
			verdict.valid === undefined &&
			typeof ours === 'string' &&
			![...OUR_CODES].some((cc) => ours.startsWith(`+${cc}`)),
	},
];

describe('normalizePhone against libphonenumber-js (max metadata)', () => {
	const entries = corpus(SEED, SIZE);

	it(`agrees on a seeded corpus of ${SIZE} inputs (seed ${SEED})`, () => {
		const tally = {
			agree: 0,
			validSame: 0,
			refusedInvalid: 0,
			possibleSame: 0,
			foreignGuessRefused: 0,
		};
		const intended = new Map<string, number>();
		const disagreements: string[] = [];
		for (const entry of entries) {
			const verdict = oracle(entry);
			const ours = attempt(entry.input);
			if (verdict.valid !== undefined) {
				if (ours === verdict.valid) {
					tally.agree++;
					tally.validSame++;
					continue;
				}
			} else if (ours instanceof Error) {
				tally.agree++;
				tally.refusedInvalid++;
				if (verdict.foreignGuess) tally.foreignGuessRefused++;
				continue;
			} else if (verdict.possible.includes(ours)) {
				tally.agree++;
				tally.possibleSame++;
				continue;
			}
			const difference = INTENDED.find((d) => d.applies(entry, verdict, ours));
			if (difference) {
				intended.set(difference.name, (intended.get(difference.name) ?? 0) + 1);
				continue;
			}
			disagreements.push(
				`${JSON.stringify(entry.input)} [${entry.region} ${entry.format} ${entry.mutation}]: ours ${
					ours instanceof Error ? `refused (${ours.message})` : ours
				}, oracle ${verdict.valid ?? `no valid reading (possible: ${verdict.possible.join(', ') || 'none'})`}`,
			);
		}
		const percent = ((100 * tally.agree) / entries.length).toFixed(2);
		const lines = [
			`phone differential (seed ${SEED}): ${tally.agree}/${entries.length} agree (${percent}%)`,
			`  oracle valid, same E.164: ${tally.validSame}`,
			`  oracle no valid reading, we refuse: ${tally.refusedInvalid} (of which ${tally.foreignGuessRefused} the oracle could read only as a number of a country outside our table)`,
			`  oracle no valid reading, we give the same possible number: ${tally.possibleSame}`,
			...[...intended].map(([name, count]) => `  intended difference "${name}": ${count}`),
			`  unexplained disagreements: ${disagreements.length}`,
		];
		console.log(lines.join('\n'));
		expect(disagreements.slice(0, 25)).toEqual([]);
		// The corpus exercises each class it is meant to.
		expect(tally.validSame).toBeGreaterThan(SIZE * 0.4);
		expect(tally.refusedInvalid).toBeGreaterThan(SIZE / 20);
	});

	it('covers every region, format, script and kind of noise', () => {
		const seen = (key: keyof Entry) => new Set(entries.map((e) => String(e[key])));
		expect(seen('region').size).toBe(11);
		expect(seen('format').size).toBe(9);
		expect(seen('mutation').size).toBe(3);
		expect(seen('script').size).toBe(3);
		expect(entries.filter((e) => e.marks).length).toBeGreaterThan(1000);
		expect(entries.filter((e) => e.extension).length).toBeGreaterThan(500);
	});
});

// ---------------------------------------------------------------------------------------------
// Properties: idempotence and formatting invariance.
// ---------------------------------------------------------------------------------------------

const NUMBERS = [
	'+971501234567',
	'+97142345678',
	'+971800123',
	'+966512345678',
	'+97433123456',
	'+96550012345',
	'+97336001234',
	'+96892123456',
	'+918123456789',
	'+923012345678',
	'+447400123456',
	'+79123456789',
	'+12015550123',
	'+33612345678',
];

const separator = fc.constantFrom(
	'',
	' ',
	'-',
	'.',
	'/',
	'\u00a0',
	'\u2011',
	'\u2013',
	'\u2212',
	'\u2009',
);
const mark = fc.constantFrom(
	'',
	'',
	'\u200e',
	'\u200f',
	'\u061c',
	'\u2066',
	'\u2069',
	'\u202b',
	'\u202c',
);

/** The digits of an E.164 number respelled: groups, separators, marks, digit script, prefix. */
const respelled = fc
	.record({
		number: fc.constantFrom(...NUMBERS),
		prefix: fc.constantFrom('+', '00', '+', '\uff0b'),
		cuts: fc.array(fc.integer({ min: 1, max: 14 }), { maxLength: 5 }),
		seps: fc.array(separator, { minLength: 5, maxLength: 5 }),
		marks: fc.array(mark, { minLength: 7, maxLength: 7 }),
		zero: fc.constantFrom(0x30, 0x30, 0x660, 0x6f0, 0xff10),
		extension: fc.constantFrom('', '', ' x12', ' ext. 3', ';ext=44'),
	})
	.map(({ number, prefix, cuts, seps, marks, zero, extension }) => {
		const digits = number.slice(1);
		const at = [...new Set(cuts.filter((c) => c < digits.length))].sort((a, b) => a - b);
		let text = '';
		let from = 0;
		at.forEach((cut, i) => {
			text += digits.slice(from, cut) + marks[i] + seps[i];
			from = cut;
		});
		text += digits.slice(from);
		text = text.replace(/\d/g, (d) => String.fromCharCode(zero + Number(d)));
		return { number, text: `${marks[5]}${prefix}${text}${extension}${marks[6]}` };
	});

describe('normalizePhone properties', () => {
	it('is idempotent: an output normalises to itself', () => {
		fc.assert(
			fc.property(respelled, ({ text }) => {
				const once = normalizePhone(text);
				expect(normalizePhone(once)).toBe(once);
			}),
			{ numRuns: 2000 },
		);
		for (const entry of corpus(SEED + 1, 3000)) {
			const once = attempt(entry.input);
			if (typeof once === 'string') expect(normalizePhone(once)).toBe(once);
		}
	});

	it('gives the same number whatever the punctuation, digit script, marks or extension', () => {
		fc.assert(
			fc.property(respelled, ({ number, text }) => {
				expect(normalizePhone(text)).toBe(number);
			}),
			{ numRuns: 3000 },
		);
	});

	it('reads a UAE number the same with or without its 0, its +971 or its 00971', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('50', '52', '54', '55', '56', '58', '2', '3', '4', '6', '7', '9'),
				fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }),
				separator,
				(prefix, rest, sep) => {
					// landlines: area digit + [2-8] + 6 digits; mobiles: 5x + 7 digits
					const tail =
						prefix.length === 1 ? `${2 + (rest[0] % 7)}${rest.slice(1).join('')}` : rest.join('');
					const nsn = prefix + tail;
					const spellings = [
						`0${nsn}`,
						nsn,
						`971${nsn}`,
						`+971${sep}${nsn}`,
						`00971${sep}${nsn}`,
						`+971 (0)${nsn}`,
						`9710${nsn}`,
					];
					const results = spellings.map((s) =>
						normalizePhone(s.replace(/(\d{3})(?=\d)/, `$1${sep}`)),
					);
					expect(new Set(results)).toEqual(new Set([`+971${nsn}`]));
				},
			),
			{ numRuns: 1000 },
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Hostile input: long and pathological strings are refused, never worked through.
// ---------------------------------------------------------------------------------------------

describe('normalizePhone with hostile input', () => {
	const KB100 = 100_000;
	it.each([
		['digits', '1'.repeat(KB100)],
		['+ and digits', `+${'9'.repeat(KB100)}`],
		['separators', `050${' -'.repeat(KB100 / 2)}1234567`],
		['brackets', '('.repeat(KB100) + '0501234567' + ')'.repeat(KB100)],
		['direction marks', '\u200f'.repeat(KB100) + '0501234567'],
		['Arabic-Indic digits', '٠'.repeat(KB100)],
		['extension markers', `0501234567${' x'.repeat(KB100 / 2)}1`],
		['an extension of digits', `0501234567 ext ${'1'.repeat(KB100)}`],
		['(0) repeated', `+971${'(0)'.repeat(KB100 / 3)}501234567`],
		['letters', 'a'.repeat(KB100)],
	])('refuses 100 KB of %s', (_name, input) => {
		const result = attempt(input);
		expect(result).toBeInstanceOf(PhoneFormatError);
		expect((result as Error).message).toContain(`longer than ${MAX_PHONE_LENGTH} characters`);
		// The message shows a short preview, not the whole value.
		expect((result as Error).message.length).toBeLessThan(200);
	});

	it('reads a number with 100 KB of surrounding whitespace (trimmed before anything else)', () => {
		const padding = ' '.repeat(KB100);
		expect(normalizePhone(`${padding}050 123 4567${padding}`)).toBe('+971501234567');
	});

	it('refuses short hostile strings with a reason', () => {
		fc.assert(
			fc.property(
				fc.string({
					unit: fc.constantFrom(
						'0',
						'9',
						'+',
						'(',
						')',
						' ',
						'-',
						'x',
						'e',
						't',
						'#',
						';',
						'=',
						':',
						'\u200f',
						'٠',
					),
					maxLength: 80,
				}),
				(input) => {
					const result = attempt(input);
					if (typeof result === 'string') expect(result).toMatch(/^\+[1-9]\d{7,14}$/);
					else expect(result.message).toMatch(/is not a phone number: ./);
				},
			),
			{ numRuns: 5000 },
		);
	});

	it('refuses objects and other types with a message instead of crashing', () => {
		expect(attempt({ phone: '050' })).toBeInstanceOf(PhoneFormatError);
		expect(attempt(['0501234567', '0501234568'])).toBeInstanceOf(PhoneFormatError);
		expect(attempt(null)).toBeInstanceOf(PhoneFormatError);
		expect(normalizePhone(971501234567)).toBe('+971501234567');
	});
});
