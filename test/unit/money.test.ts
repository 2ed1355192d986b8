import { MoneyFormatError, parseMoney } from '../../nodes/shared/money';

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
	])('reads %p as %p', (input, expected) => {
		expect(parseMoney(input)).toBe(expected);
	});

	it.each(['1.500.000', 'about a million', '1,50,000', '$1M', '-5', '', '1.5X', 'AED'])(
		'rejects %p naming the value',
		(input) => {
			expect(() => parseMoney(input)).toThrow(MoneyFormatError);
			expect(() => parseMoney(input)).toThrow(`"${input}"`);
		},
	);

	it('rejects non-finite and negative numbers and other types', () => {
		expect(() => parseMoney(Number.NaN)).toThrow(MoneyFormatError);
		expect(() => parseMoney(-1)).toThrow(MoneyFormatError);
		expect(() => parseMoney({})).toThrow(MoneyFormatError);
	});
});
