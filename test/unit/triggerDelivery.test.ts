import { createHmac } from 'node:crypto';

import type { DeliveryMemory, RecentEvents } from '../../nodes/PropertyFinderTrigger/delivery';
import {
	PERSIST_EVERY_MS,
	admitDelivery,
	pruneRecent,
	readRecent,
	rememberDelivery,
} from '../../nodes/PropertyFinderTrigger/delivery';
import {
	checkSignature,
	credentialFingerprint,
	deriveWebhookSecret,
	newWebhookNonce,
	signBody,
} from '../../nodes/PropertyFinderTrigger/signing';
import { callbackUrlProblem } from '../../nodes/PropertyFinderTrigger/subscriptions';

describe('webhook signature', () => {
	const secret = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
	const body = '{"id":"3f1c","type":"lead.created","payload":{"id":"call_lead_1"}}';
	const signature = createHmac('sha256', secret).update(body).digest('hex');

	it('signs the raw body as lower-case hex HMAC-SHA256', () => {
		expect(signBody(body, secret)).toBe(signature);
		expect(signBody(Buffer.from(body), secret)).toBe(signature);
		expect(signBody(body, secret)).toMatch(/^[0-9a-f]{64}$/);
	});

	it('accepts the right signature, also with surrounding spaces or upper case', () => {
		expect(checkSignature(body, signature, secret)).toBe('valid');
		expect(checkSignature(Buffer.from(body), ` ${signature.toUpperCase()} `, secret)).toBe('valid');
	});

	it('rejects missing, malformed and forged signatures', () => {
		expect(checkSignature(body, undefined, secret)).toBe('missing');
		expect(checkSignature(body, '', secret)).toBe('missing');
		expect(checkSignature(body, ['a', 'b'], secret)).toBe('malformed');
		expect(checkSignature(body, 'sha256=' + signature, secret)).toBe('malformed');
		expect(checkSignature(body, signature.slice(0, 63), secret)).toBe('malformed');
		expect(checkSignature(body, signature + '00', secret)).toBe('malformed');
		expect(checkSignature(body, 'z'.repeat(64), secret)).toBe('malformed');
		expect(checkSignature(body, signature, 'another-secret')).toBe('mismatch');
		expect(checkSignature(body.replace('call_lead_1', 'call_lead_2'), signature, secret)).toBe('mismatch');
	});
});

describe('signing secret derived from the credential', () => {
	const credential = { apiKey: 'abcde.0123456789abcdef0123456789abcdef01', apiSecret: 'fedcba9876543210fedcba9876543210' };
	const url = 'https://n8n.example.com/webhook/a5b0c7e2/webhook';

	it('makes fresh 32-hex-digit nonces', () => {
		const first = newWebhookNonce();
		expect(first).toMatch(/^[0-9a-f]{32}$/);
		expect(newWebhookNonce()).not.toBe(first);
	});

	it('is HMAC-SHA256 keyed with the API secret over nonce, URL and API key, in 32 hex digits', () => {
		const nonce = newWebhookNonce();
		const secret = deriveWebhookSecret(credential, nonce, url);
		const independent = createHmac('sha256', credential.apiSecret)
			.update(['pf-webhook:' + nonce, url, credential.apiKey].join('\n'))
			.digest('hex')
			.slice(0, 32);
		expect(secret).toBe(independent);
		// Property Finder: a secret of at most 32 characters.
		expect(secret).toMatch(/^[0-9a-f]{32}$/);
		expect(deriveWebhookSecret({ ...credential }, nonce, url)).toBe(secret);
	});

	it('changes with each input, and needs an API secret', () => {
		const nonce = newWebhookNonce();
		const base = deriveWebhookSecret(credential, nonce, url);
		const variants = [
			deriveWebhookSecret(credential, newWebhookNonce(), url),
			deriveWebhookSecret(credential, nonce, url + '2'),
			deriveWebhookSecret({ ...credential, apiKey: credential.apiKey.replace('a', 'b') }, nonce, url),
			deriveWebhookSecret({ ...credential, apiSecret: credential.apiSecret.replace('f', 'e') }, nonce, url),
		];
		expect(new Set([base, ...variants]).size).toBe(5);
		expect(deriveWebhookSecret({ apiKey: credential.apiKey }, nonce, url)).toBeUndefined();
		expect(deriveWebhookSecret({ ...credential, apiSecret: '' }, nonce, url)).toBeUndefined();
		expect(deriveWebhookSecret(credential, '', url)).toBeUndefined();
	});

	it('fingerprints the credential in 12 hex digits that change with key or secret and reveal neither', () => {
		const print = credentialFingerprint(credential)!;
		expect(print).toMatch(/^[0-9a-f]{12}$/);
		expect(credentialFingerprint({ ...credential })).toBe(print);
		expect(credentialFingerprint({ ...credential, apiKey: 'other' })).not.toBe(print);
		expect(credentialFingerprint({ ...credential, apiSecret: 'other-secret' })).not.toBe(print);
		expect(credentialFingerprint({ apiKey: credential.apiKey })).toBeUndefined();
		for (const value of [credential.apiKey, credential.apiSecret]) expect(value).not.toContain(print);
		// Not a piece of any signing secret made with this credential.
		const secret = deriveWebhookSecret(credential, newWebhookNonce(), url)!;
		expect(secret).not.toContain(print);
	});
});

describe('delivery dedupe window', () => {
	const window = { maxDeliveries: 3, maxAgeMs: 1000 };

	it('lets a new id through once and flags repeats', () => {
		let recent = readRecent(undefined);
		const first = rememberDelivery(recent, ['e1'], 100, window);
		expect(first.isNew).toBe(true);
		recent = first.recent;
		const again = rememberDelivery(recent, ['e1'], 200, window);
		expect(again.isNew).toBe(false);
		expect(again.recent).toEqual([[['e1'], 100]]);
	});

	it('treats a delivery as a repeat when any of its keys is known', () => {
		const { recent } = rememberDelivery([], ['e1', 'lead:L1'], 0, window);
		expect(rememberDelivery(recent, ['e2', 'lead:L1'], 1, window).isNew).toBe(false);
		expect(rememberDelivery(recent, ['e3', 'lead:L2'], 1, window).isNew).toBe(true);
	});

	it('forgets deliveries by age and keeps at most maxDeliveries, newest kept', () => {
		let recent = rememberDelivery([], ['old'], 0, window).recent;
		expect(rememberDelivery(recent, ['old'], 999, window).isNew).toBe(false);
		expect(rememberDelivery(recent, ['old'], 1000, window).isNew).toBe(true);
		recent = [];
		for (const [index, id] of ['a', 'b', 'c', 'd'].entries()) {
			recent = rememberDelivery(recent, [id], index, window).recent;
		}
		expect(recent.map(([ids]) => ids)).toEqual([['b'], ['c'], ['d']]);
		expect(pruneRecent(recent, 3, window)).toHaveLength(3);
	});

	it('reads only well-formed entries from static data, the one-key format of before included', () => {
		expect(readRecent([['a', 1], ['b'], 'c', [2, 3], ['d', 4], [['e', 'lead:L'], 5], [[], 6], [['f', 7], 8]])).toEqual([
			[['a'], 1],
			[['d'], 4],
			[['e', 'lead:L'], 5],
		]);
		expect(readRecent({})).toEqual([]);
	});

	it('the default window holds 1,000 deliveries, however many keys each has', () => {
		// Two keys per delivery (event and lead): a window counted in keys would hold only 500.
		let recent: ReturnType<typeof readRecent> = [];
		for (let n = 0; n < 1000; n++) {
			const result = rememberDelivery(recent, [`event:e${n}`, `lead:L${n}`], n);
			expect(result.isNew).toBe(true);
			recent = result.recent;
		}
		expect(recent).toHaveLength(1000);
		// The oldest delivery is still known, by either key…
		expect(rememberDelivery(recent, ['event:e0', 'lead:other'], 1000).isNew).toBe(false);
		expect(rememberDelivery(recent, ['event:other', 'lead:L0'], 1000).isNew).toBe(false);
		// …until the 1,001st delivery pushes it out.
		recent = rememberDelivery(recent, ['event:e1000', 'lead:L1000'], 1000).recent;
		expect(rememberDelivery(recent, ['event:e0'], 1001).isNew).toBe(true);
		expect(rememberDelivery(recent, ['event:e1'], 1001).isNew).toBe(false);
	});
});

describe('admitting a delivery: memory first, static data saved at most once per interval', () => {
	const keysOf = (recent: RecentEvents) => new Set(recent.flatMap(([keys]) => keys));

	it('a repeat is refused from memory or from the saved copy; it asks for no save when the copy lacks nothing', () => {
		const first = admitDelivery([], undefined, ['event:e1', 'lead:L1'], 0);
		expect(first.isNew).toBe(true);
		// Known in memory, by either key, with a saved copy that holds it (n8n 1.x saved it).
		for (const keys of [['event:e1'], ['event:e2', 'lead:L1']]) {
			const again = admitDelivery(first.save!, first.memory, keys, 10 * PERSIST_EVERY_MS);
			expect(again.isNew).toBe(false);
			expect(again.save).toBeUndefined();
			expect(again.memory.recent).toEqual(first.memory.recent);
		}
		// Known in the saved copy only (another process, or before a restart).
		const fresh = admitDelivery(first.save!, undefined, ['event:e1'], 10 * PERSIST_EVERY_MS);
		expect(fresh.isNew).toBe(false);
		expect(fresh.save).toBeUndefined();
	});

	it('a repeat saves what the loaded copy lacks (n8n 2.x dropped the new delivery\'s save), at most once per interval', () => {
		const first = admitDelivery([], undefined, ['event:e1', 'lead:L1'], 0);
		const second = admitDelivery([], first.memory, ['event:e2', 'lead:L2'], 10);
		// The saved copy is still empty: n8n 2.x dropped both writes of the requests that started runs.
		const repeat = admitDelivery([], second.memory, ['event:e1'], 20);
		expect(repeat.isNew).toBe(false);
		expect(keysOf(repeat.save!)).toEqual(new Set(['event:e1', 'lead:L1', 'event:e2', 'lead:L2']));
		// Within the interval, a further repeat asks for nothing, even with the copy still stale…
		const soon = admitDelivery([], repeat.memory, ['event:e2'], 20 + PERSIST_EVERY_MS - 1);
		expect(soon.save).toBeUndefined();
		// …and once it is over, it asks again.
		expect(admitDelivery([], soon.memory, ['event:e2'], 20 + PERSIST_EVERY_MS).save).toBeDefined();
		// A repeat's save keeps the loaded copy's other entries.
		const other: RecentEvents = [[['event:x'], 5]];
		expect(keysOf(admitDelivery(other, second.memory, ['lead:L1'], 30).save!)).toEqual(
			new Set(['event:x', 'event:e1', 'lead:L1', 'event:e2', 'lead:L2']),
		);
	});

	it('the first delivery after a quiet spell is saved at once, with everything the saved copy held', () => {
		const stored: RecentEvents = [[['event:other-process'], 5]];
		const decision = admitDelivery(stored, undefined, ['event:e1'], 10);
		expect(decision.isNew).toBe(true);
		expect(keysOf(decision.save!)).toEqual(new Set(['event:other-process', 'event:e1']));
		expect(decision.memory.savedAt).toBe(10);
	});

	it('a burst of N new deliveries asks for at most one save per interval, and the saves keep every delivery', () => {
		const N = 300;
		const step = 25; // ms between deliveries: the burst lasts N × step
		let memory: DeliveryMemory | undefined;
		let stored: RecentEvents = [];
		let saves = 0;
		for (let n = 0; n < N; n++) {
			// Every request holds the copy loaded before the burst's first save landed (n8n loads
			// it before the request waits for the isolate): the worst case for the decision.
			const decision = admitDelivery(n < 50 ? [] : stored, memory, [`event:e${n}`, `lead:L${n}`], n * step);
			expect(decision.isNew).toBe(true);
			memory = decision.memory;
			if (decision.save) {
				saves++;
				stored = decision.save;
			}
		}
		expect(saves).toBeLessThanOrEqual(Math.ceil((N * step) / PERSIST_EVERY_MS) + 1);
		expect(saves).toBeLessThan(N / 10);
		// The next new delivery once the interval is over saves everything the burst accepted.
		const next = admitDelivery(stored, memory, ['event:after'], N * step + PERSIST_EVERY_MS);
		expect(next.save).toBeDefined();
		const saved = keysOf(next.save!);
		for (let n = 0; n < N; n++) expect(saved.has(`event:e${n}`) && saved.has(`lead:L${n}`)).toBe(true);
	});

	it('a save never drops what the loaded copy or an earlier save of this process held', () => {
		const other: RecentEvents = [[['event:x1'], 0], [['event:x2'], 1]];
		const first = admitDelivery(other, undefined, ['event:a'], 2);
		const memory = first.memory;
		// A save from a copy loaded before ours landed (it lacks event:a): ours is put back.
		const later = admitDelivery([[['event:x3'], 3]], memory, ['event:b'], 2 + PERSIST_EVERY_MS);
		expect(keysOf(later.save!)).toEqual(new Set(['event:x3', 'event:a', 'event:b']));
	});

	it('a clock that went back does not stop saving', () => {
		const first = admitDelivery([], undefined, ['event:a'], 10_000);
		expect(admitDelivery(first.save!, first.memory, ['event:b'], 5_000).save).toBeDefined();
	});
});

describe('callback URL check', () => {
	it('accepts public HTTPS URLs', () => {
		expect(callbackUrlProblem('https://n8n.example.com/webhook/abc/webhook')).toBeUndefined();
		expect(callbackUrlProblem('https://203.0.113.10/webhook')).toBeUndefined();
	});

	it.each([
		['http://n8n.example.com/webhook', /HTTPS/],
		['https://localhost:5678/webhook', /not a public address/],
		['https://127.0.0.1/webhook', /not a public address/],
		['https://10.1.2.3/webhook', /not a public address/],
		['https://172.20.0.5/webhook', /not a public address/],
		['https://192.168.1.20/webhook', /not a public address/],
		['https://169.254.1.1/webhook', /not a public address/],
		['https://[::1]/webhook', /not a public address/],
		['https://n8n.local/webhook', /not a public address/],
		['not a url', /not a valid URL/],
		[undefined, /did not provide/],
	])('refuses %s', (url, problem) => {
		expect(callbackUrlProblem(url)).toMatch(problem);
	});
});
