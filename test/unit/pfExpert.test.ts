import { expertErrorMessage, toExpertDate } from '../../nodes/PropertyFinder/transport/expert';
import { splitList } from '../../nodes/shared/validate';
import { bodyFromLead, mergeLeadBody, missingMandatory } from '../../nodes/PropertyFinder/actions/crmLead/update.body';

describe('PF Expert CRM error messages', () => {
	it.each([
		[{ code: 404, message: 'Lead 5 not found' }, 'Lead 5 not found'],
		[
			{ code: 400, message: 'Validation Failed', errors: [{ field: 'first_name', message: 'This value should not be blank.' }] },
			'Validation Failed (first_name: This value should not be blank.)',
		],
		[
			{ code: 400, message: 'Validation Failed', errors: { children: { mobile: { errors: ['Invalid mobile'] }, email: {} } } },
			'Validation Failed (mobile: Invalid mobile)',
		],
		[{ error: 'invalid_token', error_description: 'The access token provided has expired.' }, 'The access token provided has expired.'],
		[{ error: { code: 403, message: 'Access denied' } }, 'Access denied'],
		['plain text failure', 'plain text failure'],
		[{}, undefined],
		[null, undefined],
	])('%j → %s', (body, expected) => {
		expect(expertErrorMessage(body)).toBe(expected);
	});
});

describe('PF Expert CRM dates', () => {
	it('keeps the written calendar day and reads dates, Luxon-like objects and ISO text', () => {
		expect(toExpertDate('2025-02-01T23:30:00+04:00')).toBe('2025-02-01');
		expect(toExpertDate('2025-02-01')).toBe('2025-02-01');
		expect(toExpertDate(new Date('2025-02-01T12:00:00Z'))).toBe('2025-02-01');
		expect(toExpertDate({ toISO: () => '2025-03-04T00:00:00.000+04:00' })).toBe('2025-03-04');
		expect(toExpertDate('Feb 3, 2025 12:00 UTC')).toBe('2025-02-03');
		expect(toExpertDate('soon')).toBeUndefined();
		expect(toExpertDate('')).toBeUndefined();
	});
});

describe('PF Expert CRM lists and lead bodies', () => {
	it('splits IDs from text, JSON text, arrays and objects', () => {
		expect(splitList('1, 2;3\n4')).toEqual(['1', '2', '3', '4']);
		expect(splitList('[5, 6]')).toEqual(['5', '6']);
		expect(splitList([7, '8', { id: 9 }])).toEqual(['7', '8', '9']);
		expect(splitList(' , ')).toEqual([]);
		expect(splitList(undefined)).toEqual([]);
	});

	it('turns an API lead back into a request body and merges changes over it', () => {
		const current = bodyFromLead({
			id: 1,
			title: 'mr',
			first_name: 'Johnny',
			last_name: 'Trump',
			mobile: '0478524147',
			country: 'AE',
			status: 'prospect',
			source: 'portal',
			channel: 'bayut',
			financial: null,
			user: { id: 1, first_name: 'Jean' },
			preferences: [
				{
					types: [{ id: 2, name: 'Apartment', category: 'residential' }],
					locations: [{ id: 'are.3.1200', city: 'Dubai' }],
					from_price: 120000,
					to_price: 125000,
					offering_type: 'sale',
				},
			],
			amenities: [{ id: 1, name: 'swimming pool' }],
			notes: [{ id: 9, body: 'old note' }],
		});
		expect(current).toEqual({
			title: 'mr',
			first_name: 'Johnny',
			last_name: 'Trump',
			mobile: '0478524147',
			country: 'AE',
			status: 'prospect',
			source: 'portal',
			source_channel: 'bayut',
			user: 1,
			category: 'residential',
			preference: {
				types: [2],
				locations: ['are.3.1200'],
				amenities: [1],
				from_price: 120000,
				to_price: 125000,
				offering_type: 'sale',
			},
		});
		expect(missingMandatory(current)).toBe('Financial');
		const merged = mergeLeadBody(current, { financial: 'cash', preference: { to_price: 200000 } });
		expect(missingMandatory(merged)).toBeUndefined();
		expect(merged.preference).toMatchObject({ from_price: 120000, to_price: 200000, types: [2] });
		expect(merged.offering_type).toBe('sale');
	});
});
