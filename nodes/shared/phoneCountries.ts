/**
 * The number plans phone.ts checks numbers against: one row per country whose leads matter
 * here, and the lookups on the table (by country code, by leading digits, a national number
 * against its plan, and why a number fails it).
 */

export interface Country {
	cc: string;
	name: string;
	/** National (trunk) prefix dialled inside the country, e.g. `0` in `050 123 4567`. */
	trunk?: string;
	/** International call prefixes used from the country besides `00`. */
	idd?: string[];
	/** Valid national significant numbers (without trunk prefix): leading digits and length. */
	plan: RegExp;
	/** Usual lengths of the national significant number, and how it looks: for messages. */
	lengths: number[];
	hint: string;
}

/**
 * The countries whose leads matter here, with their number plans written compactly: a plan
 * accepts every number the country assigns (it may accept a few unassigned ranges of a
 * possible length, never a length the country does not use). Country codes are prefix-free.
 */
const COUNTRIES: Country[] = [
	{
		cc: '971',
		name: 'UAE',
		trunk: '0',
		// Landlines 2/3/4/6/7/9 + 7 digits, mobiles 50/52–56/58, toll-free 800 and 400,
		// premium 900, shared-cost 600, UAN 700.
		plan: /^(?:[2-4679][2-8]\d{6}|5[02-68]\d{7}|400\d{6}|800\d{2,9}|900[02]\d{5}|600[25]\d{5}|700[05]\d{5})$/,
		lengths: [8, 9],
		hint: 'mobiles have 9 digits after +971 (50 123 4567, or 050 123 4567 locally), landlines 8 (4 123 4567)',
	},
	{
		cc: '966',
		name: 'Saudi',
		trunk: '0',
		plan: /^(?:[15]\d{8}|92\d{7}|800\d{7})$/,
		lengths: [9],
		hint: 'mobiles have 9 digits after +966 (5x xxx xxxx)',
	},
	{
		cc: '974',
		name: 'Qatari',
		plan: /^(?:[2-7]\d{7}|2[136]\d{5}|800\d{4}|800\d{6}|0080[01]\d{6})$/,
		lengths: [8],
		hint: 'numbers have 8 digits after +974',
	},
	{
		cc: '965',
		name: 'Kuwaiti',
		plan: /^(?:[2569]\d{7}|41\d{6}|18\d{5})$/,
		lengths: [8],
		hint: 'numbers have 8 digits after +965',
	},
	{
		cc: '973',
		name: 'Bahraini',
		plan: /^[136-9]\d{7}$/,
		lengths: [8],
		hint: 'numbers have 8 digits after +973',
	},
	{
		cc: '968',
		name: 'Omani',
		plan: /^(?:2[1-6]\d{6}|[79]\d{7}|1505\d{4}|500\d{4}|800[05]\d{4}|8007\d{4,5}|900\d{5})$/,
		lengths: [8],
		hint: 'numbers have 8 digits after +968',
	},
	{
		cc: '91',
		name: 'Indian',
		trunk: '0',
		plan: /^(?:[2-9]\d{9}|1\d{7,12}|000800\d{7})$/,
		lengths: [10],
		hint: 'numbers have 10 digits after +91',
	},
	{
		cc: '92',
		name: 'Pakistani',
		trunk: '0',
		plan: /^(?:[2-9]\d{7,11}|122\d{6})$/,
		lengths: [10],
		hint: 'mobiles have 10 digits after +92 (3xx xxx xxxx)',
	},
	{
		cc: '44',
		name: 'UK',
		trunk: '0',
		plan: /^(?:[1-357-9]\d{9}|[18]\d{8}|8\d{6})$/,
		lengths: [10],
		hint: 'numbers have 10 digits after +44 (7xxx xxxxxx for mobiles)',
	},
	{
		cc: '7',
		name: 'Russian or Kazakh',
		trunk: '8',
		idd: ['810'],
		plan: /^(?:[3-9]\d{9}|8\d{13})$/,
		lengths: [10],
		hint: 'numbers have 10 digits after +7 (9xx xxx xx xx for mobiles)',
	},
	{
		cc: '1',
		name: 'North American',
		trunk: '1',
		idd: ['011'],
		plan: /^[2-9]\d{9}$/,
		lengths: [10],
		hint: 'numbers have 10 digits after +1, the first of them 2–9',
	},
];

export function countryOfCode(cc: string): Country | undefined {
	return COUNTRIES.find((country) => country.cc === cc);
}

export function countryOfDigits(digits: string): Country | undefined {
	return COUNTRIES.find((country) => digits.startsWith(country.cc));
}

/** The national significant number, without a trunk prefix written in front, or undefined. */
export function nationalNumber(country: Country, digits: string, trunkAllowed = true): string | undefined {
	const { trunk, plan } = country;
	if (trunk && trunkAllowed && digits.startsWith(trunk) && plan.test(digits.slice(trunk.length))) {
		return digits.slice(trunk.length);
	}
	return plan.test(digits) ? digits : undefined;
}

export function whyInvalid(country: Country, digits: string): string {
	const nsn =
		country.trunk && digits.startsWith(country.trunk) ? digits.slice(country.trunk.length) : digits;
	const why = country.lengths.includes(nsn.length)
		? `no number there starts with +${country.cc} ${nsn.slice(0, 2)}`
		: `${nsn.length} digits after +${country.cc}`;
	return `it is not a valid ${country.name} number (${why}; ${country.hint})`;
}
