import { normalizePhone, PhoneFormatError, preparePhone } from '../../nodes/shared/phone';

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
	});

	it('uses another default country code for local numbers', () => {
		expect(normalizePhone('020 7946 0958', '44')).toBe('+442079460958');
		expect(normalizePhone('0501234567', '+971')).toBe('+971501234567');
	});

	it.each(['call me', 'n/a', '05O1234567', '+971 50 123 4567 ext 5', '12', '+12345678901234567'])(
		'rejects %p naming the value',
		(input) => {
			expect(() => normalizePhone(input)).toThrow(PhoneFormatError);
			expect(() => normalizePhone(input)).toThrow(`"${input}"`);
		},
	);

	it('rejects an empty value and a bad default country code', () => {
		expect(() => normalizePhone('   ')).toThrow('it is empty');
		expect(() => normalizePhone('0501234567', 'UAE')).toThrow('default country code');
	});

	it('passes the text through unchanged when normalisation is off', () => {
		expect(preparePhone(' 050 123 4567 ', { normalizePhone: false })).toBe('050 123 4567');
		expect(preparePhone('050 123 4567', { normalizePhone: true })).toBe('+971501234567');
	});
});
