import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { WEBHOOK_AGENT_BUDGET_MS, profileIdOf, resolveAgentOption, resolveAgents, withAgent } from '../PropertyFinder/shared/agents';
import { simplifyLead, simplifyProperty } from '../PropertyFinder/shared/lead';
import { optionsCollection } from '../shared/fields';
import { admitToProcess } from './delivery';
import { checkSignature, signingSecretOf } from './signing';
import type { StoredSubscriptions } from './staticData';
import { nodeKeyOf } from './staticData';
import { checkSubscriptions, selectedEvents, subscribe, unsubscribe } from './subscriptions';

/*
 * The trigger: its description, the subscription lifecycle (subscriptions.ts), and webhook():
 * a delivery is checked against its signature (signing.ts), read, admitted once (delivery.ts),
 * and shaped. What it keeps in static data: staticData.ts.
 */

type RawRequest = {
	rawBody?: Buffer | string;
	readRawBody?: () => Promise<void>;
	body?: unknown;
	headers: Record<string, string | string[] | undefined>;
};

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
		// Version 2 behaves exactly as version 1. n8n 2.x reads a version-1 webhook node's
		// options through its expression engine on every request (for n8n's own Webhook node
		// v1), so a v1 trigger needs an expression isolate per delivery; from version 2 on, a
		// delivery needs none when n8n runs with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true.
		version: [1, 2],
		defaultVersion: 2,
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
				return await checkSubscriptions.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await subscribe.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await unsubscribe.call(this);
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
		const decision = admitToProcess(nodeKeyOf(this), data.recentEvents, keys, Date.now());
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
