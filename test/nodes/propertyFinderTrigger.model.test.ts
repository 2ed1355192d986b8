/**
 * Model-based test of the Property Finder Trigger's delivery guarantee: whatever order,
 * repetition and concurrency Property Finder delivers in, and across n8n restarts (a new trigger
 * instance whose in-process memory is empty, built from the static data n8n saved), each event
 * of a selected type starts at most one execution — and with "Emit Each Lead Once", each lead's
 * Lead Created / Lead Assigned pair at most one — and every such event (or lead) that was
 * delivered starts exactly one. Sequences stay far inside the 1,000-delivery / 24-hour window,
 * which is what the design promises (README, "Delivery guarantees").
 *
 * fast-check generates the sequences (500 per run; it prints the seed and the shrunk
 * counterexample on failure). Deliveries are handed to the harness's webhook server in-process
 * (no socket, so 500 sequences take seconds) and run through n8n-core's WebhookContext with
 * n8n's load-then-save of static data per request, signed and checked against the API
 * description like every simulator delivery. No timing is asserted.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { TriggerHarness, WebhookServer } from '../harness/triggers';
import type { PfLead } from '../simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../simulators/propertyFinder';
import type { PfEvent } from '../simulators/propertyFinderWebhooks';
import { PropertyFinderWebhooks, assertSpecDelivery, leadEvent, signPayload } from '../simulators/propertyFinderWebhooks';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-trigger-model');
const LEAD_EVENTS = ['lead.created', 'lead.assigned', 'lead.updated'] as const;
const RUNS = 500;

let sim: PropertyFinderSimulator;
/** Static data of an activated trigger (its nonce), reused by every sequence. */
let activatedStaticData: IDataObject;
let secret: string;
let sequence = 0;

beforeAll(async () => {
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	const hooks = new PropertyFinderWebhooks(sim);
	await sim.start();
	const h = harness('model-activation', { events: [...LEAD_EVENTS], options: {} });
	await h.activate();
	activatedStaticData = h.saved();
	// The secret the subscriptions were made with (the trigger derives it; static data holds none).
	secret = String(hooks.subscriptions[0].secret);
	expect(hooks.subscriptions.every((subscription) => subscription.secret === secret)).toBe(true);
	expect(secret).toMatch(/^[0-9a-f]{32}$/);
});

afterAll(async () => {
	await sim.stop();
});

function harness(workflowId: string, parameters: IDataObject, staticData?: IDataObject) {
	return new TriggerHarness({
		type: 'propertyFinderTrigger',
		parameters: { simplify: true, ...parameters },
		credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
		workflowId,
		webhookBaseUrl: 'https://n8n.example.com/webhook',
		staticData,
	});
}

/** Deliver events as Property Finder does (signed, `concurrency` at once) and collect the answers. */
async function deliverAll(server: WebhookServer, events: PfEvent[], concurrency: number): Promise<number[]> {
	const statuses: number[] = [];
	let next = 0;
	const worker = async () => {
		while (next < events.length) {
			const raw = JSON.stringify(events[next++]);
			assertSpecDelivery(raw);
			const answer = await server.inject(raw, {
				'Content-Type': 'application/json',
				'User-Agent': 'PropertyFinder-Webhooks/1.0',
				'X-Signature': signPayload(raw, secret),
			});
			statuses.push(answer.status);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return statuses;
}

type Command =
	| { kind: 'send'; pick: number }
	| { kind: 'burst'; picks: number[]; concurrency: number }
	| { kind: 'restart' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), pick: fc.nat() }) },
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('burst' as const),
			picks: fc.array(fc.nat(), { minLength: 2, maxLength: 6 }),
			concurrency: fc.integer({ min: 2, max: 6 }),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

const scenarioArb = fc.record({
	/** Per lead: whether it is a project lead (no lead.created) and how many lead.updated it sends. */
	leads: fc.array(fc.record({ project: fc.boolean(), updates: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 4 }),
	selected: fc.subarray([...LEAD_EVENTS], { minLength: 1 }),
	emitEachLeadOnce: fc.boolean(),
	commands: fc.array(commandArb, { minLength: 1, maxLength: 10 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

async function play(scenario: Scenario) {
	const base = `model-${++sequence}`;
	const events: PfEvent[] = [];
	for (const shape of scenario.leads) {
		const lead: PfLead = shape.project
			? sim.addLead({ entityType: 'project', project: { id: randomUUID() }, listing: undefined })
			: sim.addLead();
		if (!shape.project) events.push(leadEvent('lead.created', lead));
		events.push(leadEvent('lead.assigned', lead));
		for (let n = 0; n < shape.updates; n++) events.push(leadEvent('lead.updated', lead));
	}
	const parameters = { events: scenario.selected, options: { emitEachLeadOnce: scenario.emitEachLeadOnce } };
	const staticData = JSON.parse(JSON.stringify(activatedStaticData)) as IDataObject;
	let restarts = 0;
	let current = harness(`${base}-r0`, parameters, staticData);
	// n8n loads the static data when a request arrives and saves it after: simultaneous
	// deliveries overlap inside that time, and the last save wins (the server does the same).
	const serve = () => new WebhookServer(current);
	let server = serve();
	const servers: WebhookServer[] = [server];
	const delivered = new Set<PfEvent>();
	try {
		for (const command of scenario.commands) {
			if (command.kind === 'restart') {
				// n8n restarted: the in-process memory is gone (a new process = a new memory key),
				// the static data is what was saved.
				await server.stop();
				current = harness(`${base}-r${++restarts}`, parameters, current.saved());
				server = serve();
				servers.push(server);
				continue;
			}
			const picked = command.kind === 'send' ? [events[command.pick % events.length]] : command.picks.map((pick) => events[pick % events.length]);
			picked.forEach((event) => delivered.add(event));
			const statuses = await deliverAll(server, picked, command.kind === 'burst' ? command.concurrency : 1);
			expect(statuses).toEqual(picked.map(() => 200));
		}
	} finally {
		await server.stop();
	}

	const items = servers.flatMap((entry) => entry.items).map((item) => item.json);
	const count = (predicate: (item: IDataObject) => boolean) => items.filter(predicate).length;
	const selected = new Set<string>(scenario.selected);
	for (const event of events) {
		const runs = count((item) => item.eventId === event.id);
		expect(runs).toBeLessThanOrEqual(1);
		if (!selected.has(event.type)) expect(runs).toBe(0);
		else if (event.type === 'lead.updated' || !scenario.emitEachLeadOnce) expect(runs).toBe(delivered.has(event) ? 1 : 0);
	}
	for (const item of items) {
		const event = events.find((entry) => entry.id === item.eventId)!;
		expect(item.id).toBe(event.entity.id);
		expect(item.createdAt).toBe(event.timestamp);
	}
	if (scenario.emitEachLeadOnce) {
		for (const leadId of new Set(events.map((event) => event.entity.id))) {
			const firsts = events.filter((event) => event.entity.id === leadId && event.type !== 'lead.updated' && selected.has(event.type));
			const runs = count((item) => item.id === leadId && item.eventType !== 'lead.updated');
			expect(runs).toBe(firsts.some((event) => delivered.has(event)) ? 1 : 0);
		}
	}
	sim.leads.length = 0;
}

test(`each selected event (each lead, with Emit Each Lead Once) starts at most one execution: ${RUNS} random delivery sequences`, async () => {
	await fc.assert(fc.asyncProperty(scenarioArb, play), { numRuns: RUNS });
}, 120_000);
