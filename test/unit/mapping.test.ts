import fc from 'fast-check';

import { columnSpellings, mapColumns, normalizeColumn } from '../../nodes/shared/mapping';

describe('Map Automatically: matching columns to fields', () => {
	it('matches a column whatever its case, spaces, dashes and underscores', () => {
		const { values, used, ignored } = mapColumns(
			{ 'Phone Number': '050 1', company_name: 'x', 'E-Mail': 'a@b.co', Notes: '' },
			['phoneNumber', 'email', 'notes'],
		);
		expect(values).toEqual({ phoneNumber: '050 1', email: 'a@b.co', notes: '' });
		expect(used).toEqual(['Phone Number', 'E-Mail', 'Notes']);
		expect(ignored).toEqual(['company_name']);
	});

	it('takes the first column that is not blank when two spellings fill one field', () => {
		expect(mapColumns({ phone: '', Phone: '+971501', PHONE: '+971502' }, ['phone']).values).toEqual({
			phone: '+971501',
		});
		expect(mapColumns({ phone: '+971501', Phone: '+971502' }, ['phone']).values).toEqual({ phone: '+971501' });
	});

	it('lists the usual spellings of a field for error messages', () => {
		expect(columnSpellings('phoneNumber')).toEqual(['phoneNumber', 'phone_number', 'Phone Number', 'phone-number']);
		expect(columnSpellings('name')).toEqual(['name', 'Name']);
	});

	it('property: every spelling made of the same letters with separators and any case fills the field', () => {
		const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));
		const word = fc.array(letter, { minLength: 1, maxLength: 8 }).map((letters) => letters.join(''));
		fc.assert(
			fc.property(
				fc.array(word, { minLength: 1, maxLength: 4 }),
				fc.array(fc.constantFrom('', ' ', '_', '-', '  ', ' - '), { minLength: 4, maxLength: 4 }),
				fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
				fc.string(),
				(words, separators, upper, value) => {
					const field = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
					let column = words.map((w, i) => (i === 0 ? '' : separators[i - 1]) + w).join('');
					column = [...column].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');
					expect(normalizeColumn(column)).toBe(normalizeColumn(field));
					const mapped = mapColumns({ [column]: value, unrelatedcolumnxyz: 1 }, [field]);
					expect(mapped.values).toEqual({ [field]: value });
					expect(mapped.ignored).toEqual(['unrelatedcolumnxyz']);
				},
			),
		);
	});
});
