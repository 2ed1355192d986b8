import fc from 'fast-check';

import {
	MAX_AMOUNT,
	MAX_MONEY_LENGTH,
	MoneyFormatError,
	parseMoney,
} from '../../nodes/shared/money';

function attempt(input: unknown): number | MoneyFormatError {
	try {
		return parseMoney(input);
	} catch (error) {
		if (error instanceof MoneyFormatError) return error;
		throw error;
	}
}

describe('parseMoney', () => {
	it.each([
		['1500000', 1_500_000],
		['1,500,000', 1_500_000],
		['AED 1,500,000', 1_500_000],
		['aed1500000', 1_500_000],
		['1,500,000 AED', 1_500_000],
		['1.5M', 1_500_000],
		['1.1m', 1_100_000],
		['750k', 750_000],
		['2.25 M', 2_250_000],
		[' 999 ', 999],
		[1250000, 1_250_000],
		['1,500', 1_500],
		['1.5', 1.5],
		['1,500,000.50', 1_500_000.5],
		['0.500', 0.5],
	])('reads %p as %p', (input, expected) => {
		expect(parseMoney(input)).toBe(expected);
	});

	describe('clear amounts that used to be refused', () => {
		it.each([
			['2.5 million', 2_500_000],
			['1.5 million AED', 1_500_000],
			['AED 2 bn', 2_000_000_000],
			['١٥٠٠٠٠٠', 1_500_000],
			['۱۵۰۰۰۰۰', 1_500_000],
			['١٬٥٠٠٬٠٠٠', 1_500_000],
			['١٫٥ مليون', 1_500_000],
			['د.إ ١٥٠٠٠٠٠', 1_500_000],
			['1.500.000', 1_500_000],
			['1.500.000,50', 1_500_000.5],
			['1 500 000', 1_500_000],
			['1 500 000,50', 1_500_000.5],
			['1\u202f500', 1_500],
			['1\u00a0500\u00a0000', 1_500_000],
			['15,00,000', 1_500_000],
			['1,50,000', 150_000],
			['15 lakh', 1_500_000],
			['1.2 crore', 12_000_000],
			['1,5M', 1_500_000],
			['1.234M', 1_234_000],
			['1500k', 1_500_000],
			['\u200f1,500,000\u200f', 1_500_000],
		])('reads %p as %p', (input, expected) => {
			expect(parseMoney(input)).toBe(expected);
		});
	});

	describe('ambiguous amounts are refused, naming both readings', () => {
		it.each([
			['1.500', ['1,500', '1.5']],
			['2.750', ['2,750', '2.75']],
			['100 200', ['100,200', 'two amounts (100 and 200)']],
			['1 500', ['1,500', 'two amounts (1 and 500)']],
			['1,500k', ['1,500,000', '1,500']],
			['AED 1.500', ['1,500', '1.5']],
		])('%p', (input, readings) => {
			const result = attempt(input);
			expect(result).toBeInstanceOf(MoneyFormatError);
			expect((result as Error).message).toMatch(new RegExp(`^"${input}" is ambiguous`));
			for (const reading of readings) expect((result as Error).message).toContain(reading);
		});
	});

	describe('absurd amounts are refused instead of misread', () => {
		it.each([
			'99999999999999999999',
			'9007199254740993',
			'1,000,000,000,001',
			'2000 bn',
			'1000000000000000 k',
		])('%p', (input) => {
			expect(() => parseMoney(input)).toThrow(`"${input}" is too large for an amount`);
		});

		it('refuses numbers beyond the limit and keeps the limit itself', () => {
			expect(() => parseMoney(1e20)).toThrow('too large');
			expect(() => parseMoney(Number.MAX_SAFE_INTEGER + 2)).toThrow('too large');
			expect(parseMoney(MAX_AMOUNT)).toBe(MAX_AMOUNT);
			expect(parseMoney('1,000,000,000,000')).toBe(MAX_AMOUNT);
		});

		it('refuses more decimals than fils', () => {
			expect(() => parseMoney('1500.125')).toThrow('more decimals');
			expect(parseMoney('1.12345M')).toBe(1_123_450);
		});
	});

	it.each([
		'about a million',
		'$1M',
		'-5',
		'',
		'1.5X',
		'AED',
		'1,5',
		'1500,50',
		'1.5.00',
		'1,500.000.5',
		'1e6',
		'Infinity',
		'0x10',
		'1M-2M',
		'1 500k',
	])('rejects %p naming the value', (input) => {
		expect(() => parseMoney(input)).toThrow(MoneyFormatError);
		expect(() => parseMoney(input)).toThrow(`"${input}"`);
	});

	it('rejects non-finite and negative numbers and other types', () => {
		expect(() => parseMoney(Number.NaN)).toThrow(MoneyFormatError);
		expect(() => parseMoney(Number.POSITIVE_INFINITY)).toThrow(MoneyFormatError);
		expect(() => parseMoney(-1)).toThrow('negative');
		expect(() => parseMoney('-1,500')).toThrow('negative');
		expect(() => parseMoney({})).toThrow(MoneyFormatError);
	});
});

// ---------------------------------------------------------------------------------------------
// Property: every accepted style of writing an amount parses back to it.
// ---------------------------------------------------------------------------------------------

function group(whole: string, sep: string, indian = false): string {
	if (whole.length <= 3) return whole;
	const last = whole.slice(-3);
	let head = whole.slice(0, -3);
	const size = indian ? 2 : 3;
	const parts: string[] = [];
	while (head.length > size) {
		parts.unshift(head.slice(-size));
		head = head.slice(0, -size);
	}
	parts.unshift(head);
	return [...parts, last].join(sep);
}

interface Amount {
	whole: number;
	cents: number;
}

const value = ({ whole, cents }: Amount) => (whole * 100 + cents) / 100;
const centsText = ({ cents }: Amount, point: string) =>
	cents === 0 ? '' : point + String(cents).padStart(2, '0').replace(/0$/, '');

const whole = (a: Amount, step: number): Amount => ({
	whole: a.whole - (a.whole % step),
	cents: 0,
});
const twoGroups = (a: Amount): Amount => (a.whole >= 1e6 ? a : { ...a, whole: a.whole + 1e6 });

/** Each style: the amount made writable in it (rounded where the style has no room), and how it is written. */
const STYLES: Record<string, { fit: (a: Amount) => Amount; write: (a: Amount) => string }> = {
	plain: { fit: (a) => a, write: (a) => `${a.whole}${centsText(a, '.')}` },
	commas: { fit: (a) => a, write: (a) => `${group(String(a.whole), ',')}${centsText(a, '.')}` },
	// A single dot with three digits after it is ambiguous (1.500): dots need two groups.
	dots: { fit: twoGroups, write: (a) => `${group(String(a.whole), '.')}${centsText(a, ',')}` },
	// A single plain space could be two amounts (100 200): spaces need two groups.
	spaces: { fit: twoGroups, write: (a) => `${group(String(a.whole), ' ')}${centsText(a, ',')}` },
	noBreakSpaces: {
		fit: (a) => a,
		write: (a) => `${group(String(a.whole), '\u202f')}${centsText(a, '.')}`,
	},
	indian: {
		fit: (a) => a,
		write: (a) => `${group(String(a.whole), ',', true)}${centsText(a, '.')}`,
	},
	millions: { fit: (a) => whole(a, 1000), write: (a) => `${a.whole / 1e6}M` },
	millionsLower: { fit: (a) => whole(a, 1000), write: (a) => `${a.whole / 1e6}m` },
	millionWord: { fit: (a) => whole(a, 1000), write: (a) => `${a.whole / 1e6} million` },
	// 1,500M could be 1,500 million: a decimal comma needs other than three digits after it.
	millionsComma: {
		fit: (a) => whole(a, 10_000),
		write: (a) => `${String(a.whole / 1e6).replace('.', ',')}M`,
	},
	thousands: { fit: (a) => whole(a, 1), write: (a) => `${a.whole / 1000}k` },
	lakh: { fit: (a) => whole(a, 100), write: (a) => `${a.whole / 1e5} lakh` },
};

const amounts = fc.record({
	whole: fc.oneof(
		fc.integer({ min: 0, max: 10_000 }),
		fc.integer({ min: 0, max: 999_999_999_999 }),
		fc.integer({ min: 1, max: 999_999 }).map((n) => n * 1000),
	),
	cents: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 99 })),
});

const currency = fc.constantFrom(
	(s: string) => s,
	(s: string) => `AED ${s}`,
	(s: string) => `${s} AED`,
	(s: string) => `aed${s}`,
	(s: string) => `Dhs ${s}`,
	(s: string) => `${s} د.إ`,
);

const script = fc.constantFrom(
	(s: string) => s,
	(s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x660 + Number(d))),
	(s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x6f0 + Number(d))),
	(s: string) =>
		s
			.replace(/\d/g, (d) => String.fromCharCode(0x660 + Number(d)))
			.replace(/,/g, '\u066c')
			.replace(/\./g, '\u066b'),
);

describe('parseMoney property: every accepted style parses back to the amount', () => {
	it('round-trips amounts in every style, currency placement and digit script', () => {
		const counts: Record<string, number> = {};
		fc.assert(
			fc.property(
				amounts,
				fc.constantFrom(...Object.keys(STYLES)),
				currency,
				script,
				(amount, style, withCurrency, inScript) => {
					const fitted = STYLES[style].fit(amount);
					const text = inScript(withCurrency(STYLES[style].write(fitted)));
					expect(parseMoney(text)).toBe(value(fitted));
					counts[style] = (counts[style] ?? 0) + 1;
				},
			),
			{ numRuns: 20_000 },
		);
		const total = Object.values(counts).reduce((a, b) => a + b, 0);
		console.log(
			`money round trip: ${total} amounts, every one parsed back (${Object.entries(counts)
				.map(([s, n]) => `${s} ${n}`)
				.join(', ')})`,
		);
		for (const style of Object.keys(STYLES)) expect(counts[style]).toBeGreaterThan(1000);
	});

	it('names both readings of a lone dot followed by three digits', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 999 }),
				fc.integer({ min: 0, max: 999 }),
				(whole, part) => {
					const three = String(part).padStart(3, '0');
					const message = (attempt(`${whole}.${three}`) as Error).message;
					const decimals = three.replace(/0+$/, '');
					const decimal = decimals ? `${whole}.${decimals}` : String(whole);
					expect(message).toContain(
						`is ambiguous: it could be ${group(`${whole}${three}`, ',')} or ${decimal};`,
					);
				},
			),
			{ numRuns: 1000 },
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Hostile input.
// ---------------------------------------------------------------------------------------------

describe('parseMoney with hostile input', () => {
	const KB100 = 100_000;
	it.each([
		['digits', '9'.repeat(KB100)],
		['comma groups', `1${',000'.repeat(KB100 / 4)}`],
		['dots', '1.'.repeat(KB100 / 2) + '5'],
		['spaces', `1${' 000'.repeat(KB100 / 4)}`],
		['zeros then a letter', `${'0'.repeat(KB100)}x`],
		['Arabic-Indic digits', '٠'.repeat(KB100)],
		['currency words', 'AED '.repeat(KB100 / 4)],
		['multipliers', `1${'k'.repeat(KB100)}`],
	])('refuses 100 KB of %s', (_name, input) => {
		const result = attempt(input);
		expect(result).toBeInstanceOf(MoneyFormatError);
		expect((result as Error).message).toContain(
			`is too long for an amount (more than ${MAX_MONEY_LENGTH} characters)`,
		);
		expect((result as Error).message.length).toBeLessThan(200);
	});

	it('reads an amount with 100 KB of surrounding whitespace', () => {
		expect(parseMoney(`${' '.repeat(KB100)}1,500,000${' '.repeat(KB100)}`)).toBe(1_500_000);
	});

	it('gives an amount in range or a reason for any short string of its characters', () => {
		fc.assert(
			fc.property(
				fc.string({
					unit: fc.constantFrom(
						'0',
						'1',
						'5',
						'9',
						',',
						'.',
						' ',
						'\u00a0',
						'k',
						'm',
						'M',
						'A',
						'E',
						'D',
						'-',
						'٥',
						'٬',
					),
					maxLength: 80,
				}),
				(input) => {
					const result = attempt(input);
					if (typeof result === 'number') {
						expect(result).toBeGreaterThanOrEqual(0);
						expect(result).toBeLessThanOrEqual(MAX_AMOUNT);
					} else expect(result.message).toMatch(/^".*" (is|has) ./s);
				},
			),
			{ numRuns: 5000 },
		);
	});
});
