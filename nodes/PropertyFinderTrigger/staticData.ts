import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { RecentEvents } from './delivery';

/** The credential the trigger subscribes with and derives its signing secret from. */
export const CREDENTIAL = 'propertyFinderApi';

/**
 * What the node keeps in its static data:
 * - `callbackUrl`, `nonce`, `credentialCheck`, `subscriptions` (event type → subscription id):
 *   written by `create`, removed by `delete` (subscriptions.ts). The signing secret itself is
 *   never stored: it is derived from the credential and the nonce (signing.ts
 *   deriveWebhookSecret), so neither the workflow's saved static data nor an execution record
 *   that copies it (n8n 1.x does) holds it. `credentialCheck` tells whether the credential
 *   changed since activation;
 * - `secret`: only in states saved by earlier versions of the trigger, which stored the signing secret
 *   itself. Such a workflow keeps verifying with it until it is activated again, which
 *   replaces it by a nonce; nothing copies it anywhere else;
 * - `recentEvents`: the last 1,000 deliveries accepted within 24 hours (each with its event id
 *   and, with "Emit Each Lead Once", its lead id), so a delivery Property Finder repeats — or
 *   anyone replays: the signature has no timestamp — starts the workflow once.
 *
 * The in-process memory (`inProcessDeliveries` in delivery.ts) is the hot-path dedupe;
 * `recentEvents` is saved at most once per interval per process (`admitDelivery` in
 * delivery.ts: when, why, and what is and is not guaranteed across restarts, webhook processes
 * and n8n lines).
 */
export interface StoredSubscriptions extends IDataObject {
	callbackUrl?: string;
	nonce?: string;
	credentialCheck?: string;
	/** Saved by earlier versions: the signing secret itself (see above). */
	secret?: string;
	subscriptions?: Record<string, string>;
	recentEvents?: RecentEvents;
}

/** One trigger node of one workflow: the key of this process's memories of it. */
export function nodeKeyOf(ctx: IHookFunctions | IWebhookFunctions): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}

export function forgetSubscription(data: StoredSubscriptions) {
	delete data.subscriptions;
	delete data.nonce;
	delete data.credentialCheck;
	delete data.secret;
	delete data.callbackUrl;
}
