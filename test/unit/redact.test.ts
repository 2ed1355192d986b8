/**
 * Secrets in any encoding: every spelling an API has been seen to echo is replaced.
 */
import * as fc from 'fast-check';

import { credentialSecretValues, redact, redactDeep } from '../../nodes/shared/redact';

const secretArb = fc.stringMatching(/^[A-Za-z0-9+/=_\-.:!@#$%&*]{6,40}$/);

function spellingsOf(secret: string, other: string): string[] {
	const b64 = Buffer.from(secret).toString('base64');
	return [
		secret,
		secret.toUpperCase(),
		secret.toLowerCase(),
		encodeURIComponent(secret),
		JSON.stringify(secret).slice(1, -1),
		b64,
		b64.replace(/=+$/, ''),
		Buffer.from(`${secret}:${other}`).toString('base64'),
		Buffer.from(`${other}:${secret}`).toString('base64'),
	];
}

describe('redact', () => {
	it('removes every spelling of every secret from any surrounding text', () => {
		fc.assert(
			fc.property(secretArb, secretArb, fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (key, secret, before, after) => {
				fc.pre(key.toLowerCase() !== secret.toLowerCase());
				for (const form of spellingsOf(key, secret)) {
					const out = redact(`${before}${form}${after}`, [key, secret]);
					expect(out).not.toContain(form);
					expect(out).toContain('***');
				}
			}),
			{ numRuns: 200 },
		);
	});

	it('walks objects and arrays, keys included, and leaves other values alone', () => {
		const out = redactDeep({ ['x-SeCrEt-Value-1']: ['Bearer secret-value-1', 3, null, { n: true }] }, ['secret-value-1']);
		expect(out).toEqual({ ['x-***']: ['Bearer ***', 3, null, { n: true }] });
	});

	it('takes secret fields of a credential (keys, secrets, tokens) and ignores short and non-secret ones', () => {
		expect(
			credentialSecretValues({ apiKey: 'k-123456', apiSecret: 'abc', accessToken: 'tok-98765', baseUrl: 'https://x.example', publicToken: '' }),
		).toEqual(['k-123456', 'tok-98765']);
	});
});
