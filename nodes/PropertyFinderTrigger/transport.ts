import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestContext } from '../shared/transport';
import { pfRequest } from '../PropertyFinder/transport/enterprise';

/** Lead events a trigger can subscribe to (API-NOTES §2). */
export const LEAD_EVENTS = ['lead.created', 'lead.assigned', 'lead.updated'] as const;
export type LeadEvent = (typeof LEAD_EVENTS)[number];

export interface Subscription {
	/** Property Finder's subscription id (returned as `eventId`, e.g. `lead.created_<uuid>`). */
	id: string;
	url: string;
}

/** Subscriptions of one event type. */
export async function listSubscriptions(this: RequestContext, eventType: string): Promise<Subscription[]> {
	const { body } = await pfRequest.call(this, {
		method: 'GET',
		path: '/v1/webhooks',
		qs: { eventType },
		idempotent: true,
	});
	const data = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
	return data
		.filter((entry) => typeof entry?.eventId === 'string')
		// The list filter is by type; keep only this type in case the server ignores the filter.
		.filter((entry) => (entry.eventId as string).startsWith(eventType))
		.map((entry) => ({ id: entry.eventId as string, url: String(entry.url ?? '') }));
}

/** Remove one subscription; one that is already gone counts as removed. */
export async function deleteSubscription(this: RequestContext, subscriptionId: string): Promise<void> {
	await pfRequest.call(this, {
		method: 'DELETE',
		path: `/v1/webhooks/${encodeURIComponent(subscriptionId)}`,
		idempotent: true,
		acceptStatus: [404],
	});
}

/**
 * Subscribe `url` to one event with `secret` and return the subscription id. Property Finder
 * answers 409 when the event is already sent to that URL (a subscription left behind by an
 * earlier activation whose secret we can no longer derive): that one is removed and the
 * subscription made again, so there is never a second one.
 */
export async function createSubscription(
	this: RequestContext,
	eventType: string,
	url: string,
	secret: string,
): Promise<string> {
	for (let attempt = 0; attempt < 2; attempt++) {
		// Not repeated after a timeout: a second create could leave two subscriptions.
		const response = await pfRequest.call(this, {
			method: 'POST',
			path: '/v1/webhooks',
			body: { eventId: eventType, callbackUrl: url, secret },
			idempotent: false,
			acceptStatus: [409],
			// An answer or error that echoes the request must not carry the signing secret.
			secrets: [secret],
		});
		if (response.statusCode !== 409) {
			const id = response.body?.eventId;
			if (typeof id !== 'string' || id === '') {
				throw new NodeOperationError(
					this.getNode(),
					`Property Finder accepted the ${eventType} subscription but returned no subscription id`,
				);
			}
			return id;
		}
		for (const existing of await listSubscriptions.call(this, eventType)) {
			if (existing.url === url) await deleteSubscription.call(this, existing.id);
		}
	}
	throw new NodeOperationError(
		this.getNode(),
		`Property Finder keeps reporting an existing ${eventType} subscription for ${url}`,
		{ description: 'Remove the subscription in Property Finder (or with another workflow using this URL) and activate again.' },
	);
}
