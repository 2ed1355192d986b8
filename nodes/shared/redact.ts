import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * Secrets never leave the package: not in an output item, an error message, an error body or
 * a log line. A secret can come back from an API in many spellings — as sent, in another
 * letter case, URL-encoded, JSON-escaped, base64 (alone or as the `key:secret` pair of HTTP
 * Basic auth) — so every spelling is replaced.
 */

/** Credential fields whose value is secret (apiKey, apiSecret, publicToken, accessToken…). */
export const SECRET_FIELD = /key|secret|token|password/i;

/** Shorter values are not secrets worth hunting for (and would redact ordinary words). */
const MIN_SECRET_LENGTH = 4;

export const REDACTED = '***';

/** The secret values of a credential's data (fields named like a key, secret, token or password). */
export function credentialSecretValues(data: ICredentialDataDecryptedObject | undefined): string[] {
	if (!data) return [];
	return Object.entries(data)
		.filter(([name, value]) => SECRET_FIELD.test(name) && typeof value === 'string')
		.map(([, value]) => (value as string).trim())
		.filter((value) => value.length >= MIN_SECRET_LENGTH);
}

function base64(text: string): string {
	return Buffer.from(text, 'utf8').toString('base64');
}

function spellings(secret: string): string[] {
	const b64 = base64(secret);
	return [
		secret,
		encodeURIComponent(secret),
		encodeURIComponent(encodeURIComponent(secret)),
		JSON.stringify(secret).slice(1, -1),
		JSON.stringify(JSON.stringify(secret)).slice(1, -1),
		b64,
		b64.replace(/=+$/, ''),
		b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
	];
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One case-insensitive pattern for every spelling of every secret; undefined when there is none. */
export function secretPattern(secrets: string[]): RegExp | undefined {
	const values = [...new Set(secrets.map((secret) => secret.trim()))].filter(
		(secret) => secret.length >= MIN_SECRET_LENGTH,
	);
	if (values.length === 0) return undefined;
	const forms = new Set<string>();
	for (const value of values) for (const form of spellings(value)) forms.add(form);
	// HTTP Basic: base64("key:secret") of every ordered pair of the credential's values.
	for (const user of values) {
		for (const password of values) {
			if (user === password) continue;
			for (const form of spellings(`${user}:${password}`).slice(5)) forms.add(form);
		}
	}
	// Longest first, so a secret inside a longer spelling is not half replaced.
	const alternatives = [...forms]
		.filter((form) => form.length >= MIN_SECRET_LENGTH)
		.sort((a, b) => b.length - a.length)
		.map(escapeRegExp);
	return new RegExp(alternatives.join('|'), 'gi');
}

/** `text` with every spelling of every secret replaced by ***. */
export function redact(text: string, secrets: string[] | RegExp | undefined): string {
	const pattern = secrets instanceof RegExp || secrets === undefined ? secrets : secretPattern(secrets);
	if (!pattern || typeof text !== 'string' || text === '') return text;
	pattern.lastIndex = 0;
	return text.replace(pattern, REDACTED);
}

/** Every string inside `value` (keys included) redacted; other values unchanged. */
export function redactDeep<T>(value: T, secrets: string[] | RegExp | undefined): T {
	const pattern = secrets instanceof RegExp || secrets === undefined ? secrets : secretPattern(secrets);
	if (!pattern) return value;
	const walk = (entry: unknown, depth: number): unknown => {
		if (typeof entry === 'string') return redact(entry, pattern);
		if (depth > 50 || !entry || typeof entry !== 'object') return entry;
		if (Array.isArray(entry)) return entry.map((child) => walk(child, depth + 1));
		return Object.fromEntries(
			Object.entries(entry as Record<string, unknown>).map(([key, child]) => [
				redact(key, pattern),
				walk(child, depth + 1),
			]),
		);
	};
	return walk(value, 0) as T;
}
