/**
 * The webhook trigger through n8n-core's HookContext (subscription lifecycle) and
 * WebhookContext (deliveries served over HTTP like n8n's webhook endpoint), against the
 * Property Finder simulator and its webhook routes and delivery driver.
 */
import type { IDataObject } from 'n8n-workflow';

import { PERSIST_EVERY_MS, readRecent } from '../../nodes/PropertyFinderTrigger/delivery';
import { secretPattern } from '../../nodes/shared/redact';
import { captureLogs } from '../harness/n8n';
import { TriggerHarness } from '../harness/triggers';
import type { WebhookServer } from '../harness/triggers';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderWebhooks, deliver, leadEvent, signPayload } from '../../tooling/simulators/propertyFinderWebhooks';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-trigger-test');
const PUBLIC_BASE = 'https://n8n.example.com/webhook';

let sim: PropertyFinderSimulator;
let hooks: PropertyFinderWebhooks;
let workflowSeq = 0;

type HarnessOptions = Partial<ConstructorParameters<typeof TriggerHarness>[0]>;

function harness(parameters: IDataObject = {}, extra: HarnessOptions = {}) {
	return new TriggerHarness({
		type: 'propertyFinderTrigger',
		parameters: { events: ['lead.created', 'lead.assigned'], simplify: true, options: {}, ...parameters },
		credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
		workflowId: `hook-${++workflowSeq}`,
		webhookBaseUrl: PUBLIC_BASE,
		...extra,
	});
}

function ourSubscriptions(h: TriggerHarness) {
	return hooks.subscriptions.filter((subscription) => subscription.url === h.webhookUrl());
}

/** The secret Property Finder signs this trigger's deliveries with (as its subscriptions hold it). */
function subscribedSecret(h: TriggerHarness): string {
	const secrets = [...new Set(ourSubscriptions(h).map((subscription) => subscription.secret))];
	expect(secrets).toHaveLength(1);
	expect(secrets[0]).toMatch(/^[0-9a-f]{32}$/);
	return secrets[0]!;
}

/** Where `secret` appears in `value` in any spelling (case, URL, JSON, base64…): none is expected. */
function spellingsIn(value: unknown, secret: string): string[] {
	const pattern = secretPattern([secret])!;
	return JSON.stringify(value).match(pattern) ?? [];
}

const logs = captureLogs();

async function failure(promise: Promise<unknown>): Promise<Error & IDataObject> {
	return (await promise.then(
		() => {
			throw new Error('expected a failure');
		},
		(error: unknown) => error,
	)) as Error & IDataObject;
}

beforeEach(async () => {
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	hooks = new PropertyFinderWebhooks(sim);
	await sim.start();
});

afterEach(async () => {
	await sim.stop();
});

describe('subscription lifecycle', () => {
	it('creates one subscription per event with a fresh secret, finds it again, and deletes exactly those', async () => {
		const h = harness();
		const url = h.webhookUrl();
		expect(url).toMatch(/^https:\/\/n8n\.example\.com\/webhook\//);

		expect(await h.checkExists()).toBe(false);
		expect(await h.create()).toBe(true);
		const data = h.nodeStaticData();
		expect(hooks.subscriptions.map((s) => [s.eventType, s.url])).toEqual([
			['lead.created', url],
			['lead.assigned', url],
		]);
		// One secret for both subscriptions, and it is not kept: only a nonce and a fingerprint.
		const secret = subscribedSecret(h);
		expect(Object.keys(data).sort()).toEqual(['callbackUrl', 'credentialCheck', 'nonce', 'subscriptions']);
		expect(spellingsIn(h.saved(), secret)).toEqual([]);
		expect(data.subscriptions).toEqual({
			'lead.created': hooks.subscriptions[0].id,
			'lead.assigned': hooks.subscriptions[1].id,
		});
		expect(hooks.subscriptions[0].id).toMatch(/^lead\.created_[0-9a-f-]{36}$/);

		// Someone else's subscription is left alone.
		hooks.subscriptions.push({ id: 'lead.created_other', eventType: 'lead.created', url: 'https://crm.example.org/hook', createdAt: '2026-01-01T00:00:00Z' });
		sim.resetLog();
		expect(await h.checkExists()).toBe(true);
		expect(sim.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);

		const stored = Object.values(data.subscriptions as IDataObject);
		expect(await h.delete()).toBe(true);
		expect(sim.calls('DELETE', /^\/v1\/webhooks\//).map((r) => decodeURIComponent(r.path.split('/').pop()!))).toEqual(stored);
		expect(hooks.subscriptions.map((s) => s.id)).toEqual(['lead.created_other']);
		expect(h.nodeStaticData()).toEqual({});
	});

	it('re-activation after the secret was lost replaces the subscriptions instead of adding a second set', async () => {
		const h = harness();
		await h.activate();
		const firstSecret = subscribedSecret(h);
		h.restart({});
		expect(await h.checkExists()).toBe(false);
		expect(ourSubscriptions(h)).toHaveLength(0);
		await h.create();
		expect(ourSubscriptions(h)).toHaveLength(2);
		expect(subscribedSecret(h)).not.toBe(firstSecret);

		// Activating again with the state in place changes nothing.
		sim.resetLog();
		await h.activate();
		expect(sim.calls('POST', '/v1/webhooks')).toHaveLength(0);
		expect(ourSubscriptions(h)).toHaveLength(2);
	});

	it('a 409 on create removes the subscription left behind and subscribes again', async () => {
		const h = harness({ events: ['lead.assigned'] });
		hooks.subscriptions.push({ id: 'lead.assigned_leftover', eventType: 'lead.assigned', url: h.webhookUrl(), secret: 'old', createdAt: '2026-01-01T00:00:00Z' });
		await h.create();
		expect(sim.calls('POST', '/v1/webhooks').map((r) => r.status)).toEqual([409, 201]);
		expect(sim.calls('DELETE', '/v1/webhooks/lead.assigned_leftover')).toHaveLength(1);
		expect(ourSubscriptions(h)).toHaveLength(1);
		expect(subscribedSecret(h)).not.toBe('old');
		expect(h.nodeStaticData().nonce).toMatch(/^[0-9a-f]{32}$/);
	});

	it('changing the events re-subscribes on the next activation', async () => {
		const first = harness();
		await first.activate();
		const changed = harness({ events: ['lead.updated'] }, { workflowId: first.workflow.id, staticData: first.saved() });
		await changed.activate();
		expect(ourSubscriptions(changed).map((s) => s.eventType)).toEqual(['lead.updated']);
		expect(changed.nodeStaticData().subscriptions).toEqual({ 'lead.updated': ourSubscriptions(changed)[0].id });
	});

	it('a subscription already gone counts as deleted', async () => {
		const h = harness();
		await h.activate();
		hooks.subscriptions.splice(0, 1);
		expect(await h.delete()).toBe(true);
		expect(sim.calls('DELETE', /^\/v1\/webhooks\//).map((r) => r.status)).toEqual([404, 204]);
		expect(hooks.subscriptions).toHaveLength(0);
	});

	it('a failed delete keeps what is still subscribed and reports the error', async () => {
		const h = harness();
		await h.activate();
		sim.fault({ kind: 'status', status: 403, body: { type: 'AUTHORIZATION', title: 'Forbidden', detail: 'Insufficient permissions' } }, { match: (req) => req.method === 'DELETE' });
		const error = await failure(h.delete());
		expect(error.message).toMatch(/Insufficient permissions/);
		expect(Object.values(h.nodeStaticData().subscriptions as IDataObject)).toEqual([hooks.subscriptions[0].id]);
		expect(await h.delete()).toBe(true);
		expect(hooks.subscriptions).toHaveLength(0);
	});

	it('a failure half-way through create leaves no subscription behind', async () => {
		const h = harness();
		sim.fault({ kind: 'status', status: 500 }, { match: (req) => req.method === 'POST' && (req.body as IDataObject)?.eventId === 'lead.assigned' });
		const error = await failure(h.create());
		expect(error.message).toMatch(/Property Finder/);
		// The create was not repeated after the 500 (it might have been carried out).
		expect(sim.calls('POST', '/v1/webhooks')).toHaveLength(2);
		expect(hooks.subscriptions).toHaveLength(0);
		expect(h.nodeStaticData()).toEqual({});
	});

	it('a key without webhooks:full_access fails activation with the scope named, and no secret shown', async () => {
		sim.scopes.delete('webhooks:full_access');
		const h = harness();
		const error = await failure(h.activate());
		expect(`${error.message} ${String(error.description)}`).toMatch(/webhooks:full_access/);
		expect(JSON.stringify(error) + error.message).not.toContain(API_SECRET);
		expect(JSON.stringify(error) + error.message).not.toContain(API_KEY);
	});

	it.each([
		['http://n8n.example.com/webhook', /HTTPS/],
		['https://localhost:5678/webhook', /not a public address/],
		['https://192.168.1.10/webhook', /not a public address/],
	])('refuses to subscribe %s unless allowed', async (base, problem) => {
		const h = harness({}, { webhookBaseUrl: base });
		const error = await failure(h.create());
		expect(error.message).toMatch(problem);
		expect(String(error.description)).toMatch(/Allow HTTP or Local Callback URL/);
		expect(sim.calls('POST', '/v1/webhooks')).toHaveLength(0);

		const allowed = harness({ options: { allowHttpCallback: true } }, { webhookBaseUrl: base });
		await allowed.activate();
		expect(ourSubscriptions(allowed)).toHaveLength(2);
	});

	it('refuses an empty event selection', async () => {
		const error = await failure(harness({ events: [] }).create());
		expect(error.message).toMatch(/at least one event/);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('deliveries', () => {
	let h: TriggerHarness;
	let server: WebhookServer;
	let secret: string;

	async function setUp(parameters: IDataObject = {}) {
		h = harness(parameters);
		await h.activate();
		secret = subscribedSecret(h);
		server = await h.serve();
	}

	afterEach(async () => {
		await server?.stop();
	});

	it('a signed delivery answers 200 and emits the simplified lead with the event id and type', async () => {
		await setUp();
		const lead = sim.addLead({ channel: 'whatsapp' });
		const event = leadEvent('lead.created', lead);
		const [answer] = await deliver(server.url, event, { secret });
		expect(answer.status).toBe(200);
		expect(server.runs).toHaveLength(1);
		expect(server.items[0].json).toMatchObject({
			id: lead.id,
			name: lead.sender.name,
			channel: 'whatsapp',
			eventId: event.id,
			eventType: 'lead.created',
			listingReference: lead.listing!.reference,
		});
	});

	it('a delivery exactly as the API description has it: the id is entity.id, createdAt is never null', async () => {
		await setUp({ events: ['lead.created', 'lead.assigned', 'lead.updated'] });
		const lead = sim.addLead({ channel: 'call' });
		const events = hooks.leadEvents(lead, ['lead.created', 'lead.updated']);
		// The delivery has no lead id, createdAt, tags or call: they are not in WHPayloadLead.
		for (const event of events) expect(Object.keys(event.payload)).not.toEqual(expect.arrayContaining(['id']));
		await deliver(server.url, events, { secret });
		expect(server.items).toHaveLength(2);
		server.items.forEach((item, index) => {
			expect(item.json.id).toBe(events[index].entity.id);
			expect(item.json.createdAt).toBe(events[index].timestamp);
			expect(item.json.tags).toEqual([]);
			expect(item.json.callRecordingUrl).toBeNull();
			expect(item.json.agentPublicProfileId).toBe(lead.publicProfile.id);
			expect(Object.keys(item.json).sort()).toEqual(
				[
					'id', 'name', 'phone', 'email', 'whatsapp', 'channel', 'status', 'entityType', 'listingId', 'listingReference',
					'agentPublicProfileId', 'projectId', 'developerId', 'callRecordingUrl', 'callTalkTime', 'responseLink', 'tags',
					'distributionType', 'createdAt', 'eventId', 'eventType',
				].sort(),
			);
		});
	});

	it('the simulator delivers to every subscription with its own secret', async () => {
		await setUp();
		const lead = sim.addLead();
		const results = await hooks.dispatch(leadEvent('lead.assigned', lead), { urlFor: () => server.url });
		expect(results.map((r) => r.status)).toEqual([200]);
		expect(server.items.map((item) => item.json.id)).toEqual([lead.id]);
	});

	it('with Simplify off the delivery is emitted unchanged', async () => {
		await setUp({ simplify: false });
		const event = leadEvent('lead.created', sim.addLead());
		await deliver(server.url, event, { secret });
		expect(server.items[0].json).toEqual(JSON.parse(JSON.stringify(event)));
	});

	it.each([
		['forged', { signature: 'ab'.repeat(32) }],
		['missing', { signature: null }],
		['malformed', { signature: 'sha256=1234' }],
		['signed with a wrong secret', { secret: 'another-secret-0000000000000000' }],
	])('a %s signature gets 401 and starts nothing', async (_, options) => {
		await setUp();
		const [answer] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), options);
		expect(answer.status).toBe(401);
		expect(answer.body).toContain('Invalid signature');
		expect(server.runs).toHaveLength(0);
	});

	it('an altered body gets 401', async () => {
		await setUp();
		const event = leadEvent('lead.created', sim.addLead());
		const original = JSON.stringify(event);
		const altered = original.replace(event.entity.id, 'email_lead_999999');
		expect(altered).not.toBe(original);
		const [answer] = await deliver(server.url, event, {
			rawBody: altered,
			signature: signPayload(original, secret),
			injectedFault: 'body altered after signing',
		});
		expect(answer.status).toBe(401);
		expect(server.runs).toHaveLength(0);
	});

	it.each([
		['malformed JSON', '{"id": "x", "type": "lead.created"'],
		['a JSON list', '[1,2,3]'],
		['an event without id', '{"type":"lead.created","payload":{}}'],
	])('%s, correctly signed, gets 400 and starts nothing', async (_, raw) => {
		await setUp();
		const [answer] = await deliver(server.url, leadEvent('lead.created', {}), { rawBody: raw, secret, injectedFault: 'not an event' });
		expect(answer.status).toBe(400);
		expect(server.runs).toHaveLength(0);
	});

	it('an event type that is not selected is acknowledged and dropped', async () => {
		await setUp();
		const [answer] = await deliver(server.url, leadEvent('lead.updated', sim.addLead()), { secret });
		expect(answer.status).toBe(200);
		expect(answer.body).toContain('not selected');
		expect(server.runs).toHaveLength(0);
	});

	it('repeated deliveries of one event start the workflow once', async () => {
		await setUp();
		const event = leadEvent('lead.created', sim.addLead());
		const answers = await deliver(server.url, event, { secret, repeat: 4 });
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
		expect(server.runs).toHaveLength(1);
	});

	it('concurrent, repeated, out-of-order deliveries: each event once', async () => {
		await setUp({ events: ['lead.created', 'lead.assigned', 'lead.updated'] });
		// Requests overlap between loading and saving the static data, as in n8n.
		server.saveDelayMs = 25;
		const events = Array.from({ length: 25 }, () => leadEvent('lead.updated', sim.addLead()));
		const answers = await deliver(server.url, events, { secret, repeat: 3, concurrency: 12, shuffle: true, seed: 7 });
		expect(answers).toHaveLength(75);
		expect(answers.every((a) => a.status === 200)).toBe(true);
		const emitted = server.items.map((item) => String(item.json.eventId));
		expect(emitted.sort()).toEqual(events.map((e) => e.id).sort());
	});

	it('a lead that sends Lead Created and Lead Assigned starts the workflow once; updates still pass', async () => {
		await setUp({ events: ['lead.created', 'lead.assigned', 'lead.updated'] });
		const lead = sim.addLead();
		const [created, assigned] = hooks.leadEvents(lead, ['lead.created', 'lead.assigned']);
		await deliver(server.url, [assigned, created], { secret });
		await deliver(server.url, leadEvent('lead.updated', lead), { secret });
		expect(server.items.map((item) => item.json.eventType)).toEqual(['lead.assigned', 'lead.updated']);
	});

	it('with "Emit Each Lead Once" off, both events of a lead pass', async () => {
		await setUp({ options: { emitEachLeadOnce: false } });
		const lead = sim.addLead();
		await deliver(server.url, hooks.leadEvents(lead), { secret });
		expect(server.items.map((item) => item.json.eventType)).toEqual(['lead.created', 'lead.assigned']);
	});

	const restartFrom = (from: TriggerHarness, line: 1 | 2) => {
		// A new n8n process: fresh modules (no in-process memory), only the saved static data.
		let restarted: TriggerHarness | undefined;
		jest.isolateModules(() => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const fresh = require('../harness/triggers') as typeof import('../harness/triggers');
			restarted = new fresh.TriggerHarness({ ...from.options, staticData: from.saved() });
		});
		return restarted!.serve().then((next) => {
			next.n8nLine = line;
			return { restarted: restarted!, next };
		});
	};

	describe.each([1, 2] as const)('kept in static data, as n8n %i.x saves it', (line) => {
		it('a repeat is recognised after a restart from the saved static data', async () => {
			await setUp();
			server.n8nLine = line;
			const event = leadEvent('lead.created', sim.addLead());
			const [first] = await deliver(server.url, event, { secret });
			expect(first.body).toContain('Workflow was started');
			const recorded = [[[`event:${event.id}`, `lead:${event.entity.id}`], expect.any(Number)]];
			if (line === 1) {
				expect(h.nodeStaticData().recentEvents).toEqual(recorded);
			} else {
				// n8n 2.x dropped the write of the request that started the run; its first repeat saves it.
				expect(h.nodeStaticData().recentEvents).toBeUndefined();
				const [repeat] = await deliver(server.url, event, { secret });
				expect(repeat.body).toContain('duplicate');
				expect(h.nodeStaticData().recentEvents).toEqual(recorded);
			}
			await server.stop();
			const { restarted, next } = await restartFrom(h, line);
			server = next;
			const [again] = await deliver(server.url, event, { secret });
			expect(again.body).toContain('duplicate');
			const [other] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret });
			expect(other.body).toContain('Workflow was started');
			expect(server.runs).toHaveLength(1);
			expect(JSON.stringify(restarted.saved()).length).toBeLessThan(100_000);
		});

		it('a burst writes static data at most once per interval per kind of delivery, and its repeats leave everything saved', async () => {
			await setUp({ events: ['lead.created', 'lead.assigned'] });
			server.n8nLine = line;
			server.saveDelayMs = 5;
			// A clock that moves 3 ms each time anything reads it: the burst spans a known time.
			let clock = Date.now();
			const now = jest.spyOn(Date, 'now').mockImplementation(() => (clock += 3));
			const perInterval = (from: number) => Math.ceil((clock - from) / PERSIST_EVERY_MS) + 1;
			try {
				const leads = Array.from({ length: 100 }, () => sim.addLead());
				const events = leads.flatMap((lead) => hooks.leadEvents(lead, ['lead.created', 'lead.assigned']));
				const N = events.length;
				let start = clock;
				const answers = await deliver(server.url, events, { secret, concurrency: 20 });
				expect(answers.every((answer) => answer.status === 200)).toBe(true);
				await server.idle();
				// Emit Each Lead Once: one run per lead, whichever of its two events came first.
				expect(server.runs).toHaveLength(leads.length);
				// New deliveries and repeats (each lead's second event) each ask at most once per interval.
				expect(2 * perInterval(start)).toBeLessThan(N / 10);
				expect(server.saves).toBeLessThanOrEqual(2 * perInterval(start));

				// Repeats once the interval is over, however many and however concurrent: they start
				// nothing, write at most once per interval, and leave every accepted key saved.
				clock += PERSIST_EVERY_MS;
				const savesBefore = server.saves;
				start = clock;
				const repeats = await deliver(server.url, events, { secret, repeat: 2, concurrency: 20, shuffle: true, seed: 3 });
				expect(repeats.every((answer) => answer.status === 200 && answer.body.includes('duplicate'))).toBe(true);
				await server.idle();
				expect(server.runs).toHaveLength(leads.length);
				expect(server.saves - savesBefore).toBeGreaterThanOrEqual(1);
				expect(server.saves - savesBefore).toBeLessThanOrEqual(perInterval(start));
				const saved = new Set(readRecent(h.nodeStaticData().recentEvents).flatMap(([keys]) => keys));
				expect(events.filter((event) => !saved.has(`event:${event.id}`) && !saved.has(`lead:${event.entity.id}`))).toEqual([]);
				await server.stop();

				// …so after a restart (no in-process memory) every repeat is still refused, and
				// with nothing missing from the loaded copy, none of them writes.
				server = (await restartFrom(h, line)).next;
				const afterRestart = await deliver(server.url, events, { secret, concurrency: 20 });
				expect(afterRestart.every((answer) => answer.body.includes('duplicate'))).toBe(true);
				await server.idle();
				expect(server.runs).toHaveLength(0);
				expect(server.saves).toBe(0);
			} finally {
				now.mockRestore();
			}
		});
	});

	it('deliveries after deactivation are refused', async () => {
		await setUp();
		await h.delete();
		const [answer] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret });
		expect(answer.status).toBe(401);
		expect(server.runs).toHaveLength(0);
	});

	it('no output or answer contains the API key, secret or signing secret', async () => {
		await setUp({ simplify: false });
		await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret });
		await deliver(server.url, leadEvent('lead.created', sim.addLead()), { signature: 'ab'.repeat(32) });
		const text = JSON.stringify(server.runs) + JSON.stringify(server.answers);
		for (const value of [API_KEY, API_SECRET, secret]) expect(text).not.toContain(value);
	});
});

describe('the signing secret is derived, never stored', () => {
	let server: WebhookServer | undefined;

	afterEach(async () => {
		await server?.stop();
		server = undefined;
	});

	it('static data holds no spelling of the secret after activation and after deliveries; logs neither', async () => {
		const h = harness({ events: ['lead.created', 'lead.assigned', 'lead.updated'] });
		captureLogs();
		await h.activate();
		// The secret exactly as it was sent in the subscription requests.
		const sent = sim.calls('POST', '/v1/webhooks').map((r) => (r.body as IDataObject).secret);
		expect(sent).toHaveLength(3);
		expect(new Set(sent).size).toBe(1);
		const secret = String(sent[0]);
		expect(secret).toHaveLength(32);
		expect(spellingsIn(h.saved(), secret)).toEqual([]);

		server = await h.serve();
		const lead = sim.addLead();
		await deliver(server.url, hooks.leadEvents(lead, ['lead.created', 'lead.updated']), { secret });
		await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret: 'f'.repeat(32) });
		expect(server.items).toHaveLength(2);
		expect(spellingsIn(h.saved(), secret)).toEqual([]);
		expect(spellingsIn(logs, secret)).toEqual([]);
		expect(spellingsIn(server.runs, secret)).toEqual([]);
	});

	it('the secret depends on the credential: the same static data with another API secret signs nothing valid', async () => {
		const h = harness();
		await h.activate();
		const secret = subscribedSecret(h);
		const other = pfKeyPair('pf-trigger-other');
		const copy = harness({}, {
			workflowId: h.workflow.id,
			staticData: h.saved(),
			credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: other.apiSecret, baseUrl: sim.url } },
		});
		server = await copy.serve();
		const [answer] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret });
		expect(answer.status).toBe(401);
		expect(server.runs).toHaveLength(0);
	});

	it('two activations of one workflow, or two workflows, never share a secret', async () => {
		const first = harness();
		await first.activate();
		const a = subscribedSecret(first);
		await first.delete();
		await first.activate();
		const b = subscribedSecret(first);
		const second = harness({}, { webhookId: 'a5b0c7e2-0000-4000-8000-000000000002' });
		await second.activate();
		const c = subscribedSecret(second);
		expect(new Set([a, b, c]).size).toBe(3);
	});
});

describe('the signing secret in a burst', () => {
	it('is derived from the credential once per process: repeats and new deliveries read no credential', async () => {
		const h = harness();
		await h.activate();
		const secret = subscribedSecret(h);
		const server = await h.serve();
		try {
			const leads = Array.from({ length: 10 }, () => sim.addLead());
			const events = leads.map((lead) => leadEvent('lead.created', lead));
			const before = h.credentialsHelper.reads.propertyFinderApi ?? 0;
			const answers = await deliver(server.url, [...events, ...events], { secret });
			expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
			expect(server.runs).toHaveLength(leads.length);
			expect((h.credentialsHelper.reads.propertyFinderApi ?? 0) - before).toBe(1);
			// Deactivation forgets it: the next activation derives its own.
			await h.delete();
			await h.activate();
			const [again] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret: subscribedSecret(h) });
			expect(again.status).toBe(200);
			expect((h.credentialsHelper.reads.propertyFinderApi ?? 0) - before).toBeGreaterThan(1);
		} finally {
			await server.stop();
		}
	});
});

describe('credential changed after activation', () => {
	let server: WebhookServer | undefined;

	afterEach(async () => {
		await server?.stop();
		server = undefined;
	});

	it('deliveries are refused with a warning to re-activate; the next activation subscribes again', async () => {
		const h = harness();
		await h.activate();
		const oldSecret = subscribedSecret(h);
		const oldIds = ourSubscriptions(h).map((s) => s.id);
		server = await h.serve();

		// The integration's secret is regenerated in PF Expert and entered in the credential.
		const rotated = pfKeyPair('pf-trigger-rotated').apiSecret;
		sim.rotateSecret(rotated);
		h.credentialsHelper.store.propertyFinderApi = { apiKey: API_KEY, apiSecret: rotated, baseUrl: sim.url };

		captureLogs();
		const [answer] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret: oldSecret });
		expect(answer.status).toBe(401);
		expect(server.runs).toHaveLength(0);
		const warning = logs.find((line) => line.startsWith('warn') && /credential/.test(line));
		expect(warning).toMatch(/changed after the workflow was activated/);
		expect(warning).toMatch(/[Dd]eactivate and activate the workflow/);
		for (const value of [oldSecret, rotated, API_SECRET]) expect(spellingsIn(logs, value)).toEqual([]);

		// Re-activation (n8n calls checkExists first): the old subscriptions are replaced.
		sim.resetLog();
		expect(await h.checkExists()).toBe(false);
		expect(sim.calls('DELETE', /^\/v1\/webhooks\//).map((r) => decodeURIComponent(r.path.split('/').pop()!)).sort()).toEqual(
			[...oldIds].sort(),
		);
		await h.create();
		const newSecret = subscribedSecret(h);
		expect(newSecret).not.toBe(oldSecret);
		expect(ourSubscriptions(h)).toHaveLength(2);
		expect(await h.checkExists()).toBe(true);

		const event = leadEvent('lead.created', sim.addLead());
		const [refused] = await deliver(server.url, event, { secret: oldSecret });
		expect(refused.status).toBe(401);
		const [accepted] = await deliver(server.url, event, { secret: newSecret });
		expect(accepted.status).toBe(200);
		expect(server.items.map((item) => item.json.eventId)).toEqual([event.id]);
	});
});

describe('a state saved by an earlier version (the signing secret itself in static data)', () => {
	const LEGACY_SECRET = '0123456789abcdef0123456789abcdef';
	let server: WebhookServer | undefined;

	afterEach(async () => {
		await server?.stop();
		server = undefined;
	});

	/** An active workflow as an earlier version left it: its subscriptions and its secret. */
	function upgradedInPlace() {
		const probe = harness();
		const url = probe.webhookUrl();
		const subscriptions: Record<string, string> = {};
		for (const eventType of ['lead.created', 'lead.assigned']) {
			const id = `${eventType}_legacy-${eventType.length}`;
			hooks.subscriptions.push({ id, eventType, url, secret: LEGACY_SECRET, createdAt: '2026-01-01T00:00:00Z' });
			subscriptions[eventType] = id;
		}
		return harness({}, {
			workflowId: probe.workflow.id,
			staticData: { 'node:Trigger': { callbackUrl: url, secret: LEGACY_SECRET, subscriptions } },
		});
	}

	it('keeps its subscriptions and verifies with the old secret until activated again, copying it nowhere', async () => {
		const h = upgradedInPlace();
		captureLogs();
		// n8n starting with the upgraded package checks the active workflow's webhooks.
		expect(await h.checkExists()).toBe(true);
		expect(sim.calls('POST', '/v1/webhooks')).toHaveLength(0);
		expect(logs.some((line) => line.startsWith('warn') && /earlier version/.test(line) && /deactivate and activate/.test(line))).toBe(true);

		server = await h.serve();
		const event = leadEvent('lead.created', sim.addLead());
		const [accepted] = await deliver(server.url, event, { secret: LEGACY_SECRET });
		expect(accepted.status).toBe(200);
		const [forged] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret: 'f'.repeat(32) });
		expect(forged.status).toBe(401);
		expect(server.items.map((item) => item.json.eventId)).toEqual([event.id]);

		// The old secret is where it was and nowhere else: not in another field, a log or an item.
		const data = h.nodeStaticData();
		expect(spellingsIn({ ...data, secret: undefined }, LEGACY_SECRET)).toEqual([]);
		expect(spellingsIn(logs, LEGACY_SECRET)).toEqual([]);
		expect(spellingsIn(server.runs, LEGACY_SECRET)).toEqual([]);
		expect(data.nonce).toBeUndefined();
	});

	it('deactivating and activating moves it to a derived secret and forgets the old one', async () => {
		const h = upgradedInPlace();
		expect(await h.checkExists()).toBe(true);
		expect(await h.delete()).toBe(true);
		expect(hooks.subscriptions).toHaveLength(0);
		expect(h.nodeStaticData()).toEqual({});
		await h.activate();
		const secret = subscribedSecret(h);
		expect(secret).not.toBe(LEGACY_SECRET);
		expect(spellingsIn(h.saved(), LEGACY_SECRET)).toEqual([]);
		expect(spellingsIn(h.saved(), secret)).toEqual([]);

		server = await h.serve();
		const [old] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret: LEGACY_SECRET });
		expect(old.status).toBe(401);
		const [current] = await deliver(server.url, leadEvent('lead.created', sim.addLead()), { secret });
		expect(current.status).toBe(200);
	});

	it('an old state whose subscriptions no longer match is replaced, and its secret dropped', async () => {
		const h = upgradedInPlace();
		hooks.subscriptions.splice(0, 1);
		expect(await h.checkExists()).toBe(false);
		expect(h.nodeStaticData()).toEqual({});
		await h.create();
		expect(spellingsIn(h.saved(), LEGACY_SECRET)).toEqual([]);
		expect(ourSubscriptions(h)).toHaveLength(2);
	});
});
