/**
 * Resolve Agent on the Property Finder Trigger (webhook): the delivered lead gains its agent
 * with one users request per delivery, and the delivery is answered even while the users
 * endpoint hangs or refuses — the lead then goes on with null agent fields and a notice.
 */
import type { IDataObject } from 'n8n-workflow';

import { TriggerHarness } from '../harness/triggers';
import type { WebhookServer } from '../harness/triggers';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderWebhooks, deliver, leadEvent } from '../../tooling/simulators/propertyFinderWebhooks';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-trigger-agent-test');

let sim: PropertyFinderSimulator;
let server: WebhookServer | undefined;
let secret: string;
let hooks: PropertyFinderWebhooks;
let seq = 0;

async function setUp(options: IDataObject, simplify = true) {
	const h = new TriggerHarness({
		type: 'propertyFinderTrigger',
		parameters: { events: ['lead.created', 'lead.assigned'], simplify, options },
		credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
		workflowId: `agent-${++seq}`,
		webhookBaseUrl: 'https://n8n.example.com/webhook',
	});
	await h.activate();
	// The secret Property Finder signs with, as its subscription holds it (the trigger keeps none).
	secret = String(hooks.subscriptions.find((subscription) => subscription.url === h.webhookUrl())?.secret);
	server = await h.serve();
	return h;
}

beforeEach(async () => {
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	hooks = new PropertyFinderWebhooks(sim);
	await sim.start();
});

afterEach(async () => {
	await server?.stop();
	server = undefined;
	await sim.stop();
});

function userOf(profileId: number) {
	return sim.users.find((user) => user.publicProfile?.id === profileId)!;
}

describe('Property Finder Trigger with Resolve Agent', () => {
	it('the delivered lead carries its agent, from one users request', async () => {
		await setUp({ resolveAgent: true });
		const lead = sim.addLead();
		sim.resetLog();
		const [answer] = await deliver(server!.url, leadEvent('lead.created', lead), { secret });
		expect(answer.status).toBe(200);
		const user = userOf(lead.publicProfile.id);
		expect(server!.items.map((item) => item.json)).toEqual([
			expect.objectContaining({
				id: lead.id,
				agentPublicProfileId: lead.publicProfile.id,
				agentUserId: user.id,
				agentName: `${user.firstName} ${user.lastName ?? ''}`.trim(),
				agentEmail: user.email,
				agentPhone: user.mobile,
			}),
		]);
		expect(server!.items[0].json).not.toHaveProperty('agentNotice');
		const users = sim.calls('GET', '/v1/users');
		expect(users).toHaveLength(1);
		expect(users[0].query.publicProfileId).toBe(String(lead.publicProfile.id));
	});

	it('a hanging users endpoint: the delivery is answered while the lookup still hangs, the lead goes on with nulls and a notice', async () => {
		await setUp({ resolveAgent: true });
		const lead = sim.addLead();
		sim.fault({ kind: 'hang' }, { times: 10, match: (req) => req.path === '/v1/users' });
		const [answer] = await deliver(server!.url, leadEvent('lead.created', lead), { secret });
		expect(answer.status).toBe(200);
		// The users request never answered: the acknowledgement did not wait for it.
		expect(sim.calls('GET', '/v1/users').map((call) => call.status)).toEqual(['hang']);
		expect(server!.runs).toHaveLength(1);
		expect(server!.items[0].json).toMatchObject({
			id: lead.id,
			name: lead.sender.name,
			agentUserId: null,
			agentName: null,
			agentEmail: null,
			agentPhone: null,
			// Whichever fires first, the bound or the request's own timeout (both the budget).
			agentNotice: expect.stringMatching(/did not answer (within|in time)/),
		});
		// A read: nothing was created, so the notice must not say it may have been.
		expect(String(server!.items[0].json.agentNotice)).not.toMatch(/unknown whether created/);
	});

	it('a key without users:read: the delivery is answered and the lead emitted with the advice', async () => {
		await setUp({ resolveAgent: true });
		sim.scopes.delete('users:read');
		const lead = sim.addLead();
		const [answer] = await deliver(server!.url, leadEvent('lead.created', lead), { secret });
		expect(answer.status).toBe(200);
		expect(server!.items[0].json).toMatchObject({
			id: lead.id,
			agentEmail: null,
			agentNotice: expect.stringContaining('the key lacks the users:read scope; turn Resolve Agent off or add the scope'),
		});
	});

	it('a raw delivery gains the agent object beside the event', async () => {
		await setUp({ resolveAgent: true }, false);
		const lead = sim.addLead();
		const event = leadEvent('lead.created', lead);
		await deliver(server!.url, event, { secret });
		const json = server!.items[0].json;
		expect(json).toMatchObject({ id: event.id, type: 'lead.created' });
		expect(json.agent).toMatchObject({ userId: userOf(lead.publicProfile.id).id, publicProfileId: lead.publicProfile.id });
	});

	it('off by default: no users request, no agent fields', async () => {
		await setUp({});
		const lead = sim.addLead();
		sim.resetLog();
		await deliver(server!.url, leadEvent('lead.created', lead), { secret });
		expect(server!.items[0].json).not.toHaveProperty('agentEmail');
		expect(sim.calls('GET', '/v1/users')).toHaveLength(0);
	});
});
