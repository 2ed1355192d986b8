import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { forgetDeliveries } from './delivery';
import { credentialFingerprint, deriveWebhookSecret, forgetSecrets, newWebhookNonce, noteLegacySecret } from './signing';
import type { StoredSubscriptions } from './staticData';
import { CREDENTIAL, forgetSubscription, nodeKeyOf } from './staticData';
import type { LeadEvent } from './transport';
import { LEAD_EVENTS, createSubscription, deleteSubscription, listSubscriptions } from './transport';

/**
 * The subscription lifecycle n8n runs on activation and deactivation (the node's
 * `webhookMethods.default`): whether this trigger's subscriptions exist as they must, making
 * them, removing them; and where Property Finder can deliver.
 */

export function selectedEvents(ctx: IHookFunctions | IWebhookFunctions): LeadEvent[] {
	const events = ctx.getNodeParameter('events', []) as string[];
	return LEAD_EVENTS.filter((event) => events.includes(event));
}

export async function checkSubscriptions(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl('default');
	const data = this.getWorkflowStaticData('node') as StoredSubscriptions;
	const events = selectedEvents(this);
	const stored = data.subscriptions ?? {};

	const ours = new Map<string, string[]>();
	for (const event of LEAD_EVENTS) {
		const ids = (await listSubscriptions.call(this, event))
			.filter((subscription) => subscription.url === url)
			.map((subscription) => subscription.id);
		if (ids.length > 0) ours.set(event, ids);
	}

	let secretKnown: boolean;
	if (typeof data.nonce === 'string' && data.nonce !== '') {
		const check = credentialFingerprint((await this.getCredentials(CREDENTIAL)) as IDataObject);
		secretKnown = check !== undefined && check === data.credentialCheck;
		if (!secretKnown && data.callbackUrl === url) {
			this.logger.warn(
				`Property Finder Trigger "${this.getNode().name}": the Property Finder credential changed since the last activation; subscribing again with the current one`,
			);
		}
	} else {
		// A state saved by an earlier version holds the secret itself (see StoredSubscriptions).
		secretKnown = typeof data.secret === 'string' && data.secret !== '';
	}

	const usable =
		secretKnown &&
		data.callbackUrl === url &&
		events.length > 0 &&
		events.every((event) => ours.get(event)?.length === 1 && ours.get(event)![0] === stored[event]) &&
		[...ours.keys()].every((event) => (events as string[]).includes(event));
	if (usable) {
		if (data.nonce === undefined) noteLegacySecret(this);
		return true;
	}

	// Whatever is subscribed for our URL cannot be used as it is (the secret is lost or was
	// made with another credential, the events changed, or a copy was left behind): remove
	// it so `create` starts clean and never leaves a second subscription.
	const stale = new Set<string>([...ours.values()].flat());
	if (data.callbackUrl !== url) for (const id of Object.values(stored)) stale.add(id);
	for (const id of stale) await deleteSubscription.call(this, id);
	forgetSubscription(data);
	return false;
}

export async function subscribe(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl('default');
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const events = selectedEvents(this);
	if (events.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Select at least one event', {
			description: 'Choose Lead Created, Lead Assigned or Lead Updated under "Events".',
		});
	}
	const problem = callbackUrlProblem(url);
	if (problem && options.allowHttpCallback !== true) {
		throw new NodeOperationError(this.getNode(), problem, {
			description:
				'Run n8n behind a public HTTPS address and set its WEBHOOK_URL to it. For local tests against a sandbox, switch on "Allow HTTP or Local Callback URL" in Options.',
		});
	}

	const credential = (await this.getCredentials(CREDENTIAL)) as IDataObject;
	const nonce = newWebhookNonce();
	const secret = deriveWebhookSecret(credential, nonce, url!);
	const credentialCheck = credentialFingerprint(credential);
	if (secret === undefined || credentialCheck === undefined) {
		throw new NodeOperationError(this.getNode(), 'The Property Finder credential has no API secret', {
			description: 'Enter the API secret of the Enterprise API integration in the "Property Finder API" credential.',
		});
	}
	const created: Record<string, string> = {};
	let failure: unknown;
	for (const event of events) {
		try {
			created[event] = await createSubscription.call(this, event, url!, secret);
		} catch (error) {
			failure = error;
			break;
		}
	}
	if (failure !== undefined) {
		// Do not leave half a set of subscriptions behind.
		for (const id of Object.values(created)) {
			try {
				await deleteSubscription.call(this, id);
			} catch (cleanupError) {
				this.logger.warn(
					`Property Finder Trigger: could not remove subscription ${id} after a failed activation: ${(cleanupError as Error).message}`,
				);
			}
		}
		throw failure instanceof NodeApiError || failure instanceof NodeOperationError
			? failure
			: new NodeOperationError(this.getNode(), failure as Error);
	}

	const data = this.getWorkflowStaticData('node') as StoredSubscriptions;
	forgetSubscription(data);
	data.callbackUrl = url;
	data.nonce = nonce;
	data.credentialCheck = credentialCheck;
	data.subscriptions = created;
	return true;
}

export async function unsubscribe(this: IHookFunctions): Promise<boolean> {
	const data = this.getWorkflowStaticData('node') as StoredSubscriptions;
	const remaining: Record<string, string> = { ...(data.subscriptions ?? {}) };
	let firstError: Error | undefined;
	for (const [event, id] of Object.entries(remaining)) {
		try {
			await deleteSubscription.call(this, id);
			delete remaining[event];
		} catch (error) {
			this.logger.error(
				`Property Finder Trigger: could not remove the ${event} subscription ${id}: ${(error as Error).message}`,
			);
			firstError ??= error as Error;
		}
	}
	if (firstError) {
		// Keep what is still subscribed so the next deactivation can remove it.
		data.subscriptions = remaining;
		throw firstError;
	}
	forgetSubscription(data);
	delete data.recentEvents;
	forgetDeliveries(nodeKeyOf(this));
	forgetSecrets(nodeKeyOf(this));
	return true;
}

const PRIVATE_HOST = [
	/^localhost$/i,
	/\.localhost$/i,
	/\.local$/i,
	/\.internal$/i,
	/^127\./,
	/^10\./,
	/^192\.168\./,
	/^172\.(1[6-9]|2\d|3[01])\./,
	/^169\.254\./,
	/^0\./,
	/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
	/^\[?::1\]?$/,
	/^\[?f[cd][0-9a-f]{2}:/i,
	/^\[?fe80:/i,
];

/**
 * Why Property Finder could not deliver to this URL, or undefined when it can: it must be
 * HTTPS and reachable from the internet.
 */
export function callbackUrlProblem(url: string | undefined): string | undefined {
	if (!url) return 'n8n did not provide a webhook URL for this node';
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a valid URL`;
	}
	if (parsed.protocol !== 'https:') {
		return `Property Finder only delivers to HTTPS URLs, and this workflow's webhook URL is ${url}`;
	}
	const host = parsed.hostname;
	if (host === '' || PRIVATE_HOST.some((pattern) => pattern.test(host))) {
		return `Property Finder cannot reach ${url}: "${host}" is not a public address`;
	}
	return undefined;
}
