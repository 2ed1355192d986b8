/**
 * Budgets as people type them: `1500000`, `1,500,000`, `AED 1,500,000`, `1.5M`, `750k`.
 * The CRMs want plain numbers with no commas.
 */

export class MoneyFormatError extends Error {
	constructor(readonly value: unknown) {
		super(
			`"${String(value)}" is not an amount: use digits, optionally with commas, "AED" and a k/M suffix (e.g. 1,500,000 or 1.5M)`,
		);
		this.name = 'MoneyFormatError';
	}
}

const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, mn: 1e6, b: 1e9, bn: 1e9 };

export function parseMoney(value: unknown): number {
	if (typeof value === 'number') {
		if (Number.isFinite(value) && value >= 0) return value;
		throw new MoneyFormatError(value);
	}
	if (typeof value !== 'string') throw new MoneyFormatError(value);

	const text = value
		.trim()
		.replace(/^(aed|dhs?|د\.إ)\s*/i, '')
		.replace(/\s*(aed|dhs?|د\.إ)$/i, '')
		.replace(/[\s\u00a0]/g, '');
	const match = /^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(k|m|mn|b|bn)?$/i.exec(text);
	if (!match) throw new MoneyFormatError(value);

	const [, whole, fraction = '', suffix] = match;
	const amount = Number(whole.replace(/,/g, '') + fraction);
	const multiplier = suffix ? MULTIPLIERS[suffix.toLowerCase()] : 1;
	// Round away float noise such as 1.1 * 1e6 = 1100000.0000000002.
	return Math.round(amount * multiplier * 100) / 100;
}
