import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { StoredSubscriptions } from './staticData';
import { CREDENTIAL, nodeKeyOf } from './staticData';

/**
 * How deliveries are signed and checked: the signature Property Finder's deliveries carry and
 * the per-activation secret derived from the credential (pure), then the lookup of the secret
 * a delivery is checked with (this process's cache of recent secrets, and the stored secret of
 * states saved by earlier versions).
 */

/** Property Finder accepts secrets of at most 32 characters; 32 hex digits are 128 bits. */
export const SECRET_LENGTH = 32;

/** The credential fields a signing secret is derived from. */
export interface SigningCredential {
	apiKey?: unknown;
	apiSecret?: unknown;
}

/** Random, not secret on its own: what the trigger keeps in static data instead of a secret. */
export function newWebhookNonce(): string {
	return randomBytes(16).toString('hex');
}

function credentialKey(credential: SigningCredential): { key: string; secret: string } | undefined {
	const key = typeof credential.apiKey === 'string' ? credential.apiKey : '';
	const secret = typeof credential.apiSecret === 'string' ? credential.apiSecret : '';
	return secret === '' ? undefined : { key, secret };
}

/**
 * The signing secret of one activation, derived and never stored: HMAC-SHA256 keyed with the
 * credential's API secret over the nonce, the callback URL and the API key, as 32 lower-case
 * hex digits (Property Finder's limit). Whoever reads the static data (the nonce and URL)
 * cannot compute it without the credential. Undefined when the credential has no API secret.
 */
export function deriveWebhookSecret(
	credential: SigningCredential,
	nonce: string,
	callbackUrl: string,
): string | undefined {
	const parts = credentialKey(credential);
	if (!parts || nonce === '') return undefined;
	return createHmac('sha256', parts.secret)
		.update(`pf-webhook:${nonce}\n${callbackUrl}\n${parts.key}`)
		.digest('hex')
		.slice(0, SECRET_LENGTH);
}

/**
 * Which credential a secret was derived with, in 12 hex digits (48 bits of an HMAC keyed with
 * the API secret): enough to notice a changed key or secret, far too short to stand in for
 * either, and no use for computing the signing secret.
 */
export function credentialFingerprint(credential: SigningCredential): string | undefined {
	const parts = credentialKey(credential);
	if (!parts) return undefined;
	return createHmac('sha256', parts.secret).update(`pf-webhook-credential:${parts.key}`).digest('hex').slice(0, 12);
}

/** Lower-case hex HMAC-SHA256 of the raw body: what the `X-Signature` header must hold. */
export function signBody(rawBody: string | Buffer, secret: string): string {
	return createHmac('sha256', secret).update(rawBody).digest('hex');
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

/**
 * Compare the delivered signature with our own in constant time. Anything that is not exactly
 * one 64-digit hex string counts as malformed; both sides are 32 bytes before the comparison,
 * so `timingSafeEqual` never sees buffers of different length.
 */
export function checkSignature(
	rawBody: string | Buffer,
	header: unknown,
	secret: string,
): SignatureCheck {
	if (header === undefined || header === null || header === '') return 'missing';
	if (typeof header !== 'string') return 'malformed';
	const given = header.trim();
	if (!HEX_SHA256.test(given)) return 'malformed';
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	return timingSafeEqual(expected, Buffer.from(given, 'hex')) ? 'valid' : 'mismatch';
}

/** Workflows whose stored secret (saved by an earlier version) was already mentioned in the log by this process. */
const legacyNoted = new Set<string>();

export function noteLegacySecret(ctx: IHookFunctions | IWebhookFunctions) {
	const key = nodeKeyOf(ctx);
	if (legacyNoted.has(key)) return;
	legacyNoted.add(key);
	ctx.logger.warn(
		`Property Finder Trigger "${ctx.getNode().name}" (workflow ${ctx.getWorkflow().id ?? '?'}): its subscription was made by an earlier version of the trigger, which kept the signing secret in the workflow's static data. Deliveries are still verified with it; deactivate and activate the workflow once to subscribe again with a secret that is derived from the credential and stored nowhere.`,
	);
}

export type Signing = { secret: string } | { refusal: string; status: number; answer: string };

/**
 * Signing secrets this process derived lately, by trigger node and activation. n8n holds the
 * process's expression isolate for a trigger's whole webhook phase (docs/queue-mode/
 * n8n-internals.md), so a credential read per delivery (a database query and a decryption)
 * made every delivery of a burst wait for the one before. With the secret cached, a repeat is
 * answered without any I/O. Memory only, never saved; an entry lives SECRET_CACHE_MS, so an
 * edited credential is noticed (and deliveries refused, see signingSecretOf) at most that
 * much later than without the cache.
 */
const SECRET_CACHE_MS = 60_000;
const SECRET_CACHE_ENTRIES = 500;
const recentSecrets = new Map<string, { secret: string; until: number }>();

export function forgetSecrets(nodeKey: string) {
	for (const key of recentSecrets.keys()) if (key.startsWith(`${nodeKey}\n`)) recentSecrets.delete(key);
}

/**
 * The secret this trigger's subscriptions were made with: derived from the credential and the
 * stored nonce, or (a state saved by an earlier version) the stored secret. A refusal when there is none
 * or the credential changed since activation (Property Finder still signs with the secret of
 * the old one).
 */
export async function signingSecretOf(ctx: IWebhookFunctions, data: StoredSubscriptions): Promise<Signing> {
	const inactive = { status: 401, answer: 'This trigger has no active subscription' };
	if (typeof data.nonce === 'string' && data.nonce !== '' && typeof data.callbackUrl === 'string') {
		const cacheKey = `${nodeKeyOf(ctx)}\n${data.nonce}\n${data.callbackUrl}\n${data.credentialCheck ?? ''}`;
		const now = Date.now();
		const cached = recentSecrets.get(cacheKey);
		if (cached && cached.until > now) return { secret: cached.secret };
		let credential: IDataObject;
		try {
			credential = (await ctx.getCredentials(CREDENTIAL)) as IDataObject;
		} catch (error) {
			return { ...inactive, refusal: `its credential could not be read (${(error as Error).message})` };
		}
		if (credentialFingerprint(credential) !== data.credentialCheck) {
			return {
				status: 401,
				answer: 'Invalid signature',
				refusal:
					'the Property Finder credential (API key or secret) changed after the workflow was activated, so deliveries signed for the subscription cannot be verified. Deactivate and activate the workflow to subscribe again with the current credential',
			};
		}
		const secret = deriveWebhookSecret(credential, data.nonce, data.callbackUrl);
		if (secret === undefined) return { ...inactive, refusal: 'its credential has no API secret' };
		recentSecrets.delete(cacheKey);
		if (recentSecrets.size >= SECRET_CACHE_ENTRIES) recentSecrets.delete(recentSecrets.keys().next().value as string);
		recentSecrets.set(cacheKey, { secret, until: now + SECRET_CACHE_MS });
		return { secret };
	}
	if (typeof data.secret === 'string' && data.secret !== '') {
		noteLegacySecret(ctx);
		return { secret: data.secret };
	}
	return { ...inactive, refusal: 'the trigger has no signing secret (activate the workflow again)' };
}

