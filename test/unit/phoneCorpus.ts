/**
 * A seeded corpus of phone numbers in the shapes people type them, for the differential test
 * against libphonenumber-js. Every entry records how it was built, so a disagreement can be
 * traced to its class.
 */
import { getCountryCallingCode, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';

import { seededRandom } from '../../tooling/simulators/framework';

export const REGIONS = ['AE', 'SA', 'QA', 'KW', 'BH', 'OM', 'IN', 'PK', 'GB', 'RU', 'US'] as const;
export type Region = (typeof REGIONS)[number];

/** Trunk prefixes as dialled inside each country (none in QA, KW, BH, OM). */
export const TRUNK: Partial<Record<Region, string>> = {
	AE: '0',
	SA: '0',
	IN: '0',
	PK: '0',
	GB: '0',
	RU: '8',
	US: '1',
};

/** Usual national-number lengths, for numbers made up digit by digit. */
const LENGTHS: Record<Region, number[]> = {
	AE: [8, 9],
	SA: [9, 10],
	QA: [7, 8],
	KW: [7, 8],
	BH: [8],
	OM: [8],
	IN: [10],
	PK: [10],
	GB: [9, 10],
	RU: [10],
	US: [10],
};

export type Format =
	| 'e164' // +971 50 123 4567
	| 'idd' // 00971 50 123 4567
	| 'lostPlus' // 971 50 123 4567 (a spreadsheet dropped the +)
	| 'national' // 050 123 4567 (with the trunk prefix where the country has one)
	| 'nationalBare' // 50 123 4567
	| 'plusTrunk' // +971 (0)50 123 4567 or +971 050 123 4567
	| 'iddTrunk' // 00971 050 123 4567
	| 'lostPlusTrunk' // 971050 123 4567
	| 'tel'; // tel:+971501234567

export type Mutation = 'none' | 'dropDigit' | 'extraDigit';
export type Script = 'ascii' | 'arabicIndic' | 'persian';

export interface Entry {
	input: string;
	region: Region;
	format: Format;
	mutation: Mutation;
	script: Script;
	marks: boolean;
	extension: boolean;
	/** Words around the number ("Mob: …"). */
	words: boolean;
	/** The ASCII digits of the number as typed (no extension), for the oracle's international reading. */
	digits: string;
	/** True when the input has neither + nor 00 in front. */
	plain: boolean;
}


const SEPARATORS = ['', ' ', ' ', '-', '.', '\u00a0', '\u2011', '\u2013', '\u2212', '/'];
const MARKS = ['\u200e', '\u200f', '\u061c', '\u2066', '\u2067', '\u2069', '\u202b', '\u202c'];
const EXTENSIONS = [' x123', ' ext. 12', ' ext 7', ';ext=45', ' #9', ' extension 3'];
const WORDS = ['Mob: ', 'call ', 'WhatsApp ', 'Tel. '];

export function corpus(seed: number, size: number): Entry[] {
	const random = seededRandom(seed);
	const int = (n: number) => Math.floor(random() * n);
	const pick = <T>(list: readonly T[]): T => list[int(list.length)];
	const digit = () => String(int(10));
	const entries: Entry[] = [];

	for (let i = 0; i < size; i++) {
		const region = REGIONS[i % REGIONS.length];
		const cc = getCountryCallingCode(region as CountryCode);
		const trunk = TRUNK[region];

		// A national number: the oracle's example mobile with its tail redrawn, a UAE landline,
		// or digits of a usual length.
		let nsn: string;
		const base = random();
		if (base < 0.6) {
			const example = getExampleNumber(region as CountryCode, examples)!.nationalNumber as string;
			const keep = 2 + int(2);
			nsn = example.slice(0, keep) + Array.from({ length: example.length - keep }, digit).join('');
		} else if (base < 0.75 && region === 'AE') {
			nsn =
				pick(['2', '3', '4', '6', '7', '9']) +
				String(2 + int(7)) +
				Array.from({ length: 6 }, digit).join('');
		} else {
			nsn = String(1 + int(9)) + Array.from({ length: pick(LENGTHS[region]) - 1 }, digit).join('');
		}

		const m = random();
		const mutation: Mutation = m < 0.8 ? 'none' : m < 0.9 ? 'dropDigit' : 'extraDigit';
		if (mutation === 'dropDigit') {
			const at = int(nsn.length);
			nsn = nsn.slice(0, at) + nsn.slice(at + 1);
		} else if (mutation === 'extraDigit') {
			const at = int(nsn.length + 1);
			nsn = nsn.slice(0, at) + digit() + nsn.slice(at);
		}

		const formats: Format[] = [
			'e164',
			'e164',
			'idd',
			'lostPlus',
			'lostPlus',
			'national',
			'national',
			'nationalBare',
			'tel',
		];
		if (trunk) formats.push('plusTrunk', 'iddTrunk', 'lostPlusTrunk');
		const format = pick(formats);
		const sep = pick(SEPARATORS);
		const grouped = group(nsn, sep, int);
		const t = trunk ?? '';
		const paren = random() < 0.5;
		let text: string;
		switch (format) {
			case 'e164':
				text = `+${cc}${pick([' ', '', sep])}${grouped}`;
				break;
			case 'idd':
				text = `00${cc} ${grouped}`;
				break;
			case 'lostPlus':
				text = `${cc}${pick([' ', '', sep])}${grouped}`;
				break;
			case 'national':
				text =
					t && paren && random() < 0.3
						? `(${t}${nsn.slice(0, 2)}) ${group(nsn.slice(2), sep, int)}`
						: `${t}${grouped}`;
				break;
			case 'nationalBare':
				text = grouped;
				break;
			case 'plusTrunk':
				text = paren ? `+${cc} (${t})${grouped}` : `+${cc} ${t}${grouped}`;
				break;
			case 'iddTrunk':
				text = `00${cc} ${t}${grouped}`;
				break;
			case 'lostPlusTrunk':
				text = `${cc}${t}${grouped}`;
				break;
			case 'tel':
				text = `tel:+${cc}${nsn}`;
				break;
		}
		const plain = !['e164', 'idd', 'plusTrunk', 'iddTrunk', 'tel'].includes(format);
		const digits = text.replace(/\D/g, '');

		const extension = random() < 0.05;
		if (extension) text += format === 'tel' ? ';ext=45' : pick(EXTENSIONS);

		const s = random();
		const script: Script = s < 0.8 ? 'ascii' : s < 0.9 ? 'arabicIndic' : 'persian';
		if (script !== 'ascii') {
			const zero = script === 'arabicIndic' ? 0x660 : 0x6f0;
			text = text.replace(/\d/g, (d) => String.fromCharCode(zero + Number(d)));
		}

		const marks = random() < 0.1;
		if (marks) {
			const mark = pick(MARKS);
			text = random() < 0.5 ? `${mark}${text}${mark}` : text.replace(' ', `${pick(MARKS)} `);
		}

		const words = random() < 0.02;
		if (words) text = pick(WORDS) + text;

		entries.push({
			input: text,
			region,
			format,
			mutation,
			script,
			marks,
			extension,
			words,
			digits,
			plain,
		});
	}
	return entries;
}

/** Digits in groups of 2 to 4 joined by the separator. */
function group(digits: string, sep: string, int: (n: number) => number): string {
	const parts: string[] = [];
	for (let at = 0; at < digits.length; ) {
		const size = 2 + int(3);
		parts.push(digits.slice(at, at + size));
		at += size;
	}
	return parts.join(sep);
}
