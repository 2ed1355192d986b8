/**
 * Issue #11: hostile text. Every field reader bounds the length before any pattern runs, so a
 * 100 KB value is refused with a short, item-indexed message, and no input (long, full of
 * dots and @, control characters, emoji) makes a reader do anything but return a bounded
 * value or throw that message. The tests assert outcomes, never time.
 */
import * as fc from 'fast-check';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	MAX_LENGTH,
	readChoice,
	readEmail,
	readJsonObject,
	readMoney,
	readPhone,
	isEmail,
	readText,
} from '../../nodes/shared/validate';

const node = { id: 'n', name: 'Subject', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
const ctx = { getNode: () => node } as unknown as IExecuteFunctions;

/** Texts built to hurt backtracking patterns, up to ~120 KB. */
const hostile = fc.oneof(
	fc.string({ maxLength: 300 }),
	fc.string({ unit: 'grapheme', maxLength: 100 }),
	fc
		.tuple(fc.constantFrom('a', 'a.', '@', '.@', ' ', '1', '+', '0', ',', 'k', '\u0000', '\u200b', '😀', 'a@b.'), fc.integer({ min: 1, max: 60_000 }))
		.map(([unit, count]) => unit.repeat(count)),
	fc
		.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 50_000 }), fc.string({ maxLength: 20 }))
		.map(([head, count, tail]) => `${head}${'a.'.repeat(count)}${tail}`),
	fc.integer({ min: 1, max: 50_000 }).map((count) => `a@${'a.'.repeat(count)} `),
);

type Reader = (value: string) => unknown;

const readers: Array<[string, Reader, number]> = [
	['Email', (value) => readEmail(ctx, 3, 'Email', value), MAX_LENGTH.email],
	['Phone', (value) => readPhone(ctx, 3, 'Phone', value, {}), MAX_LENGTH.phone],
	['Phone', (value) => readPhone(ctx, 3, 'Phone', value, { normalizePhone: false }), MAX_LENGTH.phone],
	['Budget', (value) => readMoney(ctx, 3, 'Budget', value), Infinity],
	['Category', (value) => readChoice(ctx, 3, 'Category', value, ['apartment', 'villa']), MAX_LENGTH.choice],
	['Name', (value) => readText(ctx, 3, 'Name', value), MAX_LENGTH.text],
	['Custom Fields (JSON)', (value) => readJsonObject(ctx, 3, 'Custom Fields (JSON)', value, '{}'), Infinity],
];

describe('field readers on long and hostile text', () => {
	it.each(readers)('%s: returns a bounded value or throws a short item-indexed error with its fix', (label, read, max) => {
		fc.assert(
			fc.property(hostile, (value) => {
				let result: unknown;
				try {
					result = read(value);
				} catch (error) {
					expect(error).toBeInstanceOf(NodeOperationError);
					const message = (error as Error).message;
					expect(message.startsWith(`${label}: `)).toBe(true);
					expect(message.length).toBeLessThan(600);
					expect((error as NodeOperationError).context.itemIndex).toBe(3);
					// Every refusal says the fix: a sentence of what to enter instead.
					expect((error as NodeOperationError).description).toMatch(/^[A-Z][^]*\.$/);
					return;
				}
				if (typeof result === 'string') expect(result.length).toBeLessThanOrEqual(max);
			}),
			{ numRuns: 60 },
		);
	});

	it('a 100 KB e-mail is refused for its length, and the message quotes only an excerpt', () => {
		const value = `${'a'.repeat(50_000)}@${'b.'.repeat(25_000)}`;
		expect(() => readEmail(ctx, 0, 'Email', value)).toThrow(/^Email: is 100001 characters long; an e-mail address takes at most/);
		try {
			readEmail(ctx, 0, 'Email', value);
		} catch (error) {
			expect((error as Error).message.length).toBeLessThan(300);
		}
	});

	it('the quadratic case of the former e-mail pattern is refused, not evaluated', () => {
		const value = `a@${'a.'.repeat(50_000)} `;
		expect(() => readEmail(ctx, 0, 'Email', value)).toThrow(/characters long/);
		expect(isEmail(value)).toBe(false);
	});

	it('long phone numbers and amounts are refused for their length before parsing', () => {
		expect(() => readPhone(ctx, 0, 'Phone', '5'.repeat(100_000), {})).toThrow(/^Phone: is 100000 characters long; a phone number takes at most 64/);
		expect(() => readMoney(ctx, 0, 'Budget', '1,'.repeat(50_000))).toThrow(/^Budget: is 100000 characters long; an amount takes at most 64/);
	});

	it('objects are refused as e-mail and phone, not turned into "[object Object]"', () => {
		expect(() => readEmail(ctx, 0, 'Email', { a: 1 })).toThrow(/must be text/);
		expect(() => readPhone(ctx, 0, 'Phone', ['050'], {})).toThrow(/must be text/);
	});

	it('isEmail agrees with the former pattern on every short input', () => {
		const former = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
		const shortText = fc.stringMatching(/^[a@. \tb]{0,12}$/);
		fc.assert(
			fc.property(fc.oneof(shortText, fc.string({ maxLength: 40 }), fc.emailAddress()), (value) => {
				if (value.length <= MAX_LENGTH.email) expect(isEmail(value)).toBe(former.test(value));
			}),
			{ numRuns: 2000 },
		);
	});
});
