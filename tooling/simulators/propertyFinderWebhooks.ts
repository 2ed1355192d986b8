/**
 * Webhooks of the Property Finder Enterprise API (API-NOTES §2), added to a
 * PropertyFinderSimulator: subscription CRUD behind the same token, scope, rate-limit and
 * firewall checks as the other routes, and a delivery driver that posts signed events the way
 * Property Finder does — at least once (repeats), concurrently and out of order on request.
 *
 *   GET    /v1/webhooks?eventType=lead.created  → {data:[{eventId, url, createdAt}]}
 *   POST   /v1/webhooks {eventId, callbackUrl, secret?} → 201 {eventId: "lead.created_<uuid>", url, createdAt}
 *                                                     409 when that event is already sent to that URL
 *   DELETE /v1/webhooks/{subscriptionId}          → 204, 404 when unknown
 *
 * The driver works against any URL (the in-process test server or a real n8n). Every delivery
 * it sends is checked against the webhook's schema in the API description (closed-world: the
 * payload holds only what the description lists) and `deliver()` throws before sending one that
 * does not match — unless the test marks it `injectedFault` (a garbled or forged body on purpose).
 */
import { createHmac, randomUUID } from 'node:crypto';

import type { SimRequest, SimResponse } from './framework';
import { seededRandom } from './framework';
import type { PfLead, PropertyFinderSimulator } from './propertyFinder';
import { checkPfDelivery } from './propertyFinderContract';

export const WEBHOOK_EVENTS = [
	'user.created',
	'user.updated',
	'user.deleted',
	'user.activated',
	'user.deactivated',
	'lead.created',
	'lead.updated',
	'lead.assigned',
	'publicProfile.verification.approved',
	'publicProfile.verification.rejected',
	'listing.published',
	'listing.unpublished',
	'listing.action',
] as const;

export interface PfSubscription {
	/** The subscription id Property Finder returns in `eventId`, e.g. `lead.created_<uuid>`. */
	id: string;
	eventType: string;
	url: string;
	secret?: string;
	createdAt: string;
}

export interface PfEvent {
	id: string;
	type: string;
	timestamp: string;
	entity: { id: string; type: string };
	payload: Record<string, unknown>;
}

export interface DeliverOptions {
	/** Secret to sign with; no secret → no X-Signature header (as Property Finder does). */
	secret?: string;
	/** Send each event this many times (at-least-once delivery). Default 1. */
	repeat?: number;
	/** Requests in flight at once. Default 1. */
	concurrency?: number;
	/** Send in a random order (seeded when `seed` is given). */
	shuffle?: boolean;
	seed?: number;
	/** Replace the signature header value (forged, malformed…); null leaves the header out. */
	signature?: string | null;
	/** Send this text instead of the serialised event (signed as given). */
	rawBody?: string;
	headers?: Record<string, string>;
	/**
	 * This delivery is wrong on purpose (what it breaks, e.g. "garbled body"): it is sent without
	 * the check against the API description. Anything else that does not match throws.
	 */
	injectedFault?: string;
}

export interface DeliveryResult {
	eventId: string;
	status: number;
	body: string;
}

const LEAD_EVENTS = new Set(['lead.created', 'lead.updated', 'lead.assigned']);


export function signPayload(rawBody: string, secret: string): string {
	return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * The fields of a lead a delivery carries (`WHPayloadLead.payload`): no lead id (that is
 * `entity.id`), no `createdAt`, `tags`, `call`, `enrichment` or `distributionType`.
 */
export const LEAD_PAYLOAD_FIELDS = ['channel', 'status', 'entityType', 'publicProfile', 'listing', 'project', 'developer', 'responseLink', 'sender'] as const;

/** A lead event exactly as Property Finder delivers it (WHBaseEvent + WHEntityLead + WHPayloadLead). */
export function leadEvent(type: string, lead: PfLead | Record<string, unknown>, at = Date.now()): PfEvent {
	const source = lead as Record<string, unknown>;
	const payload: Record<string, unknown> = {};
	for (const field of LEAD_PAYLOAD_FIELDS) {
		// responseLink is a URI in a delivery, never null: leads without one leave it out.
		if (source[field] !== undefined && source[field] !== null) payload[field] = source[field];
	}
	return {
		id: randomUUID(),
		type,
		timestamp: new Date(at).toISOString(),
		entity: { id: String(source.id), type: 'lead' },
		payload,
	};
}

/** Throw unless `raw` is a delivery the API description allows. */
export function assertSpecDelivery(raw: string): void {
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		throw new Error('Property Finder never delivers a body that is not JSON; mark the delivery `injectedFault` if that is the point');
	}
	const problems = checkPfDelivery(parsed);
	if (problems.length > 0) {
		throw new Error(`This delivery is not one Property Finder sends (mark it \`injectedFault\` if that is the point):\n- ${problems.join('\n- ')}`);
	}
}

/** POST events to a URL, signed with `secret`, with the repeats, concurrency and order asked for. */
export async function deliver(
	url: string,
	events: PfEvent | PfEvent[],
	options: DeliverOptions = {},
): Promise<DeliveryResult[]> {
	const list = Array.isArray(events) ? events : [events];
	if (!options.injectedFault) for (const event of list) assertSpecDelivery(options.rawBody ?? JSON.stringify(event));
	const queue: PfEvent[] = [];
	for (let round = 0; round < (options.repeat ?? 1); round++) queue.push(...list);
	if (options.shuffle) {
		const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
		for (let i = queue.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[queue[i], queue[j]] = [queue[j], queue[i]];
		}
	}
	const results: DeliveryResult[] = [];
	let next = 0;
	const worker = async () => {
		while (next < queue.length) {
			const event = queue[next++];
			const raw = options.rawBody ?? JSON.stringify(event);
			const headers: Record<string, string> = {
				'Content-Type': 'application/json',
				'User-Agent': 'PropertyFinder-Webhooks/1.0',
				...options.headers,
			};
			if (options.signature !== undefined) {
				if (options.signature !== null) headers['X-Signature'] = options.signature;
			} else if (options.secret) {
				headers['X-Signature'] = signPayload(raw, options.secret);
			}
			const response = await fetch(url, { method: 'POST', headers, body: raw });
			results.push({ eventId: event.id, status: response.status, body: await response.text() });
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
	return results;
}

export class PropertyFinderWebhooks {
	readonly subscriptions: PfSubscription[] = [];

	/** Every event dispatched to subscribers, with each delivery's answer. */
	readonly dispatched: Array<{ subscription: string; results: DeliveryResult[] }> = [];

	constructor(readonly sim: PropertyFinderSimulator) {
		sim.route('GET', '/v1/webhooks', (req) => sim.protect(req, () => this.list(req)));
		sim.route('POST', '/v1/webhooks', (req) => sim.protect(req, () => this.create(req)));
		sim.route('DELETE', '/v1/webhooks/:id', (req) => sim.protect(req, () => this.remove(req)));
	}

	private item(subscription: PfSubscription) {
		return { eventId: subscription.id, url: subscription.url, createdAt: subscription.createdAt };
	}

	private invalid(req: SimRequest, pointer: string, detail: string): SimResponse {
		return this.sim.problemResponse(req, {
			status: 400,
			type: 'SCHEMA_VALIDATION',
			title: 'Bad Request',
			detail: '',
			errors: [{ detail, pointer }],
		});
	}

	private list(req: SimRequest): SimResponse {
		const raw = req.query.eventType;
		const eventType = Array.isArray(raw) ? raw[0] : raw;
		const data = this.subscriptions
			.filter((subscription) => !eventType || subscription.eventType === eventType)
			.map((subscription) => this.item(subscription));
		return { status: 200, body: { data } };
	}

	private create(req: SimRequest): SimResponse {
		if (req.bodyError || !req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
			return this.invalid(req, '/', 'Invalid JSON body');
		}
		const body = req.body as Record<string, unknown>;
		const extra = Object.keys(body).find((key) => !['eventId', 'callbackUrl', 'secret'].includes(key));
		if (extra) return this.invalid(req, `/${extra}`, `Unknown property ${extra}`);
		if (typeof body.eventId !== 'string' || !(WEBHOOK_EVENTS as readonly string[]).includes(body.eventId)) {
			return this.invalid(req, '/eventId', `eventId must be one of ${WEBHOOK_EVENTS.join(', ')}`);
		}
		if (typeof body.callbackUrl !== 'string' || !/^https?:\/\/[^\s/]+/.test(body.callbackUrl)) {
			return this.invalid(req, '/callbackUrl', 'callbackUrl must be a URI');
		}
		if (body.secret !== undefined && (typeof body.secret !== 'string' || body.secret.length > 32)) {
			return this.invalid(req, '/secret', 'secret must be a string of at most 32 characters');
		}
		const duplicate = this.subscriptions.find(
			(subscription) => subscription.eventType === body.eventId && subscription.url === body.callbackUrl,
		);
		if (duplicate) {
			return this.sim.problemResponse(req, {
				status: 409,
				type: 'CONFLICT',
				title: 'Conflict',
				detail: `A subscription for ${body.eventId} to this URL already exists`,
			});
		}
		const subscription: PfSubscription = {
			id: `${body.eventId}_${randomUUID()}`,
			eventType: body.eventId,
			url: body.callbackUrl,
			secret: body.secret as string | undefined,
			createdAt: new Date(this.sim.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
		};
		this.subscriptions.push(subscription);
		return { status: 201, body: this.item(subscription) };
	}

	private remove(req: SimRequest): SimResponse {
		const index = this.subscriptions.findIndex((subscription) => subscription.id === req.params.id);
		if (index < 0) {
			return this.sim.problemResponse(req, {
				status: 404,
				type: 'NOT_FOUND',
				title: 'Not Found',
				detail: `Event subscription ${req.params.id} not found`,
			});
		}
		this.subscriptions.splice(index, 1);
		return { status: 204 };
	}

	/**
	 * Deliver an event to every subscription of its type, each signed with that subscription's
	 * secret. `urlFor` maps a subscribed URL to where it can be reached from the test (e.g. the
	 * public URL n8n registered → the local test server).
	 */
	async dispatch(
		event: PfEvent,
		options: Omit<DeliverOptions, 'secret'> & { urlFor?: (url: string) => string } = {},
	): Promise<DeliveryResult[]> {
		const results: DeliveryResult[] = [];
		for (const subscription of this.subscriptions.filter((entry) => entry.eventType === event.type)) {
			const url = options.urlFor ? options.urlFor(subscription.url) : subscription.url;
			const delivered = await deliver(url, event, { ...options, secret: subscription.secret });
			this.dispatched.push({ subscription: subscription.id, results: delivered });
			results.push(...delivered);
		}
		return results;
	}

	/** Lead events for a simulator lead: created (never for project leads), assigned, updated. */
	leadEvents(lead: PfLead, types: string[] = ['lead.created', 'lead.assigned']): PfEvent[] {
		return types
			.filter((type) => LEAD_EVENTS.has(type))
			.filter((type) => !(type === 'lead.created' && lead.entityType === 'project'))
			.map((type) => leadEvent(type, lead, this.sim.now));
	}
}
