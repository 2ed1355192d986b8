import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { WEBHOOK_AGENT_BUDGET_MS, profileIdOf, resolveAgentOption, resolveAgents, withAgent } from '../PropertyFinder/shared/agents';
import { simplifyLead, simplifyProperty } from '../PropertyFinder/shared/lead';
import { optionsCollection } from '../shared/fields';
import type { DeliveryMemory, RecentEvents } from './delivery';
import {
	admitDelivery,
	callbackUrlProblem,
	checkSignature,
	credentialFingerprint,
	deriveWebhookSecret,
	newWebhookNonce,
	readRecent,
} from './delivery';
import type { LeadEvent } from './transport';
import { LEAD_EVENTS, createSubscription, deleteSubscription, listSubscriptions } from './transport';

/**
 * What the node keeps in its static data:
 * - `callbackUrl`, `nonce`, `credentialCheck`, `subscriptions` (event type → subscription id):
 *   written by `create`, removed by `delete`. The signing secret itself is never stored: it is
 *   derived from the credential and the nonce (delivery.ts deriveWebhookSecret), so neither the
 *   workflow's saved static data nor an execution record that copies it (n8n 1.x does) holds
 *   it. `credentialCheck` tells whether the credential changed since activation;
 * - `secret`: only in states saved by earlier versions of the trigger, which stored the signing secret
 *   itself. Such a workflow keeps verifying with it until it is activated again, which
 *   replaces it by a nonce; nothing copies it anywhere else;
 * - `recentEvents`: the last 1,000 deliveries accepted within 24 hours (each with its event id
 *   and, with "Emit Each Lead Once", its lead id), so a delivery Property Finder repeats — or
 *   anyone replays: the signature has no timestamp — starts the workflow once.
 *
 * The in-process memory below is the hot-path dedupe; `recentEvents` is saved at most once per
 * interval per process (`admitDelivery` in delivery.ts: when, why, and what is and is not
 * guaranteed across restarts, webhook processes and n8n lines).
 */
const inProcessDeliveries = new Map<string, DeliveryMemory>();

interface StoredSubscriptions extends IDataObject {
	callbackUrl?: string;
	nonce?: string;
	credentialCheck?: string;
	/** Saved by earlier versions: the signing secret itself (see above). */
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

const CREDENTIAL = 'propertyFinderApi';

/** Workflows whose stored secret (saved by an earlier version) was already mentioned in the log by this process. */
const legacyNoted = new Set<string>();

function noteLegacySecret(ctx: IHookFunctions | IWebhookFunctions) {
	const key = nodeKeyOf(ctx);
	if (legacyNoted.has(key)) return;
	legacyNoted.add(key);
	ctx.logger.warn(
		`Property Finder Trigger "${ctx.getNode().name}" (workflow ${ctx.getWorkflow().id ?? '?'}): its subscription was made by an earlier version of the trigger, which kept the signing secret in the workflow's static data. Deliveries are still verified with it; deactivate and activate the workflow once to subscribe again with a secret that is derived from the credential and stored nowhere.`,
	);
}

type Signing = { secret: string } | { refusal: string; status: number; answer: string };

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

function nodeKeyOf(ctx: IHookFunctions | IWebhookFunctions): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}

function forgetSecrets(nodeKey: string) {
	for (const key of recentSecrets.keys()) if (key.startsWith(`${nodeKey}\n`)) recentSecrets.delete(key);
}

/**
 * The secret this trigger's subscriptions were made with: derived from the credential and the
 * stored nonce, or (a state saved by an earlier version) the stored secret. A refusal when there is none
 * or the credential changed since activation (Property Finder still signs with the secret of
 * the old one).
 */
async function signingSecretOf(ctx: IWebhookFunctions, data: StoredSubscriptions): Promise<Signing> {
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

function forgetSubscription(data: StoredSubscriptions) {
	delete data.subscriptions;
	delete data.nonce;
	delete data.credentialCheck;
	delete data.secret;
	delete data.callbackUrl;
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
			optionsCollection(
				[
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
					resolveAgentOption('per delivery (answered within 1.5 s, so Property Finder still gets its answer in time)'),
				],
				null,
			),
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
				forgetSubscription(data);
				delete data.recentEvents;
				inProcessDeliveries.delete(nodeKeyOf(this));
				forgetSecrets(nodeKeyOf(this));
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as RawRequest;
		const data = this.getWorkflowStaticData('node') as StoredSubscriptions;
		const signing = await signingSecretOf(this, data);
		if (!('secret' in signing)) {
			this.logger.warn(`Property Finder Trigger: delivery refused, ${signing.refusal}`);
			return reject(this, signing.status, signing.answer);
		}
		const secret = signing.secret;

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
		// instance see each other. Static data is written at most once per interval per process
		// (n8n saves it before answering, inside the held expression isolate), by a new delivery
		// and by a repeat when the saved copy lacks what this process accepted — n8n 2.x drops
		// the write of a request that starts an execution (why, and the restart-loss window:
		// `admitDelivery` in delivery.ts, README).
		const memoryKey = nodeKeyOf(this);
		const decision = admitDelivery(readRecent(data.recentEvents), inProcessDeliveries.get(memoryKey), keys, Date.now());
		inProcessDeliveries.set(memoryKey, decision.memory);
		if (decision.save) data.recentEvents = decision.save;
		if (!decision.isNew) {
			return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
		}

		const simplify = this.getNodeParameter('simplify', true) as boolean;
		let json = simplify
			? simplifyLead(payload, { id: eventId, type: eventType, timestamp: event.timestamp, entity: event.entity })
			: event;
		if (options.resolveAgent === true) {
			// The users lookup runs before n8n answers the delivery, and Property Finder gives up
			// after 5 s. It is bounded to WEBHOOK_AGENT_BUDGET_MS in total (token included, no
			// repeat); when that runs out the lead goes on with null agent fields and an
			// `agentNotice`. Answering the request early from here instead
			// (getResponseObject() + noWebhookResponse) would acknowledge the delivery before n8n
			// saves the static data that records it, so a crash in between would lose the record
			// of a delivery Property Finder no longer repeats; the bound keeps n8n's order.
			const profileId = profileIdOf(payload);
			const agents = await resolveAgents.call(this, [profileId], { budgetMs: WEBHOOK_AGENT_BUDGET_MS });
			json = withAgent(json, agents, simplify, profileId);
		}
		return { workflowData: [[{ json }]] };
	}
}
