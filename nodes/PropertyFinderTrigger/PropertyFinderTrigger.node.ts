import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { simplifyLead, simplifyProperty } from '../PropertyFinder/shared/lead';
import type { DeliveryMemory, RecentEvents } from './delivery';
import { admitDelivery, callbackUrlProblem, checkSignature, newWebhookSecret, readRecent } from './delivery';
import type { LeadEvent } from './transport';
import { LEAD_EVENTS, createSubscription, deleteSubscription, listSubscriptions } from './transport';

/**
 * What the node keeps in its static data:
 * - `callbackUrl`, `secret`, `subscriptions` (event type → subscription id): written by
 *   `create`, removed by `delete`;
 * - `recentEvents`: the last 1,000 deliveries accepted within 24 hours (each with its event id
 *   and, with "Emit Each Lead Once", its lead id), so a delivery Property Finder repeats — or
 *   anyone replays: the signature has no timestamp — starts the workflow once.
 *
 * The in-process memory below is the hot-path dedupe; `recentEvents` is saved only when the
 * saved copy is stale, never for a repeat (`admitDelivery` in delivery.ts: why, and what is
 * and is not guaranteed across restarts and webhook processes).
 */
const inProcessDeliveries = new Map<string, DeliveryMemory>();

interface StoredSubscriptions extends IDataObject {
	callbackUrl?: string;
	secret?: string;
	subscriptions?: Record<string, string>;
	recentEvents?: RecentEvents;
}

type RawRequest = {
	rawBody?: Buffer | string;
	readRawBody?: () => Promise<void>;
	body?: unknown;
	headers: Record<string, string | string[] | undefined>;
};

function selectedEvents(ctx: IHookFunctions | IWebhookFunctions): LeadEvent[] {
	const events = ctx.getNodeParameter('events', []) as string[];
	return LEAD_EVENTS.filter((event) => events.includes(event));
}

async function rawBodyOf(request: RawRequest): Promise<Buffer | string | undefined> {
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') await request.readRawBody();
	if (request.rawBody !== undefined) return request.rawBody;
	// Without the bytes as sent the signature cannot match, and the delivery is refused.
	return typeof request.body === 'string' ? request.body : undefined;
}

function reject(ctx: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	ctx.getResponseObject().status(status).json({ error: message });
	return { noWebhookResponse: true };
}

export class PropertyFinderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Property Finder Trigger',
		name: 'propertyFinderTrigger',
		documentationUrl: 'https://github.com/property-leads/n8n-nodes-property-leads#node-property-finder-trigger',
		icon: { light: 'file:propertyFinderTrigger.svg', dark: 'file:propertyFinderTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when Property Finder sends a lead event (signed webhooks)',
		defaults: { name: 'Property Finder Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'propertyFinderApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Property Finder delivers only to a public HTTPS address. The API key needs the <b>webhooks:full_access</b> scope.',
				name: 'deliveryNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName:
					'Each delivery starts the workflow at most once: the trigger remembers the last 1,000 deliveries (24 hours at most), per n8n instance, and ignores repeats and replays. A repeat that arrives after those 1,000, or on another webhook process in queue mode, can start it again, so keep the next steps tolerant of a repeated lead ID.',
				name: 'dedupeNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['lead.created', 'lead.assigned'],
				description:
					'Which lead events start the workflow. Project (Primary Plus) leads never send Lead Created, so keep Lead Assigned selected to catch every new lead.',
				options: [
					{
						name: 'Lead Assigned',
						value: 'lead.assigned',
						description: 'A lead was assigned to an agent (also the first event of project leads)',
					},
					{ name: 'Lead Created', value: 'lead.created', description: 'A new lead arrived' },
					{ name: 'Lead Updated', value: 'lead.updated', description: 'A lead changed, e.g. its status' },
				],
			},
			simplifyProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Allow HTTP or Local Callback URL',
						name: 'allowHttpCallback',
						type: 'boolean',
						default: false,
						description:
							'Whether to subscribe even when the webhook URL is not public HTTPS. Only for local testing and the sandbox: Property Finder itself cannot deliver there.',
					},
					{
						displayName: 'Emit Each Lead Once',
						name: 'emitEachLeadOnce',
						type: 'boolean',
						default: true,
						description:
							'Whether a lead that sends both Lead Created and Lead Assigned starts the workflow only once (within the last 1,000 deliveries and 24 hours). Lead Updated events always start it.',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
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

				const usable =
					typeof data.secret === 'string' &&
					data.secret !== '' &&
					data.callbackUrl === url &&
					events.length > 0 &&
					events.every((event) => ours.get(event)?.length === 1 && ours.get(event)![0] === stored[event]) &&
					[...ours.keys()].every((event) => (events as string[]).includes(event));
				if (usable) return true;

				// Whatever is subscribed for our URL cannot be used as it is (the secret is lost, the
				// events changed, or a copy was left behind): remove it so `create` starts clean and
				// never leaves a second subscription.
				const stale = new Set<string>([...ours.values()].flat());
				if (data.callbackUrl !== url) for (const id of Object.values(stored)) stale.add(id);
				for (const id of stale) await deleteSubscription.call(this, id);
				delete data.subscriptions;
				delete data.secret;
				delete data.callbackUrl;
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
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

				const secret = newWebhookSecret();
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
				data.callbackUrl = url;
				data.secret = secret;
				data.subscriptions = created;
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
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
				delete data.subscriptions;
				delete data.secret;
				delete data.callbackUrl;
				delete data.recentEvents;
				inProcessDeliveries.delete(`${this.getWorkflow().id ?? ''}:${this.getNode().id}`);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as RawRequest;
		const data = this.getWorkflowStaticData('node') as StoredSubscriptions;
		const secret = data.secret;
		if (typeof secret !== 'string' || secret === '') {
			this.logger.warn('Property Finder Trigger: delivery refused, the trigger has no signing secret (activate the workflow again)');
			return reject(this, 401, 'This trigger has no active subscription');
		}

		const rawBody = await rawBodyOf(request);
		const signature = request.headers['x-signature'];
		const verdict = rawBody === undefined ? 'missing' : checkSignature(rawBody, signature, secret);
		if (verdict !== 'valid') {
			this.logger.warn(`Property Finder Trigger: delivery refused, signature ${verdict}`);
			return reject(this, 401, 'Invalid signature');
		}

		let parsed: unknown;
		try {
			parsed = JSON.parse(rawBody!.toString());
		} catch (error) {
			this.logger.warn(`Property Finder Trigger: delivery refused, body is not JSON (${(error as Error).message})`);
			return reject(this, 400, 'Body is not a JSON event');
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			return reject(this, 400, 'Body is not a JSON event');
		}
		const event = parsed as IDataObject;
		const eventId = event.id;
		const eventType = event.type;
		if (typeof eventId !== 'string' || eventId === '' || typeof eventType !== 'string' || eventType === '') {
			return reject(this, 400, 'Event without id or type');
		}

		if (!(selectedEvents(this) as string[]).includes(eventType)) {
			return { webhookResponse: { received: true, ignored: 'event type not selected' } };
		}

		const payload = (event.payload && typeof event.payload === 'object' ? event.payload : {}) as IDataObject;
		const entity = (event.entity && typeof event.entity === 'object' ? event.entity : {}) as IDataObject;
		const leadId = entity.id ?? payload.id;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const keys = [`event:${eventId}`];
		if (options.emitEachLeadOnce !== false && eventType !== 'lead.updated' && leadId !== undefined && leadId !== null) {
			keys.push(`lead:${String(leadId)}`);
		}

		// Check and record without an await in between: simultaneous deliveries on this
		// instance see each other. Static data is written only when the saved copy is stale,
		// never for a repeat: n8n saves it before answering, inside the held expression isolate
		// (why, and the restart-loss window: `admitDelivery` in delivery.ts, README).
		const memoryKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		const decision = admitDelivery(readRecent(data.recentEvents), inProcessDeliveries.get(memoryKey), keys, Date.now());
		inProcessDeliveries.set(memoryKey, decision.memory);
		if (decision.save) data.recentEvents = decision.save;
		if (!decision.isNew) {
			return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
		}

		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const json = simplify
			? simplifyLead(payload, { id: eventId, type: eventType, timestamp: event.timestamp, entity: event.entity })
			: event;
		return { workflowData: [[{ json }]] };
	}
}
