/**
 * Model-based test of the Property Finder Trigger's delivery guarantee, as documented
 * (`admitDelivery` in nodes/PropertyFinderTrigger/delivery.ts, README "Delivery guarantees"):
 * whatever order, repetition and concurrency Property Finder delivers in, with time passing and
 * n8n restarting (a new trigger instance whose in-process memory is empty, built from the static
 * data n8n saved):
 * - within one process's life, each event of a selected type starts at most one execution —
 *   and with "Emit Each Lead Once", each lead's Lead Created / Lead Assigned pair at most one;
 * - nothing the saved static data held when a process started runs again in that process;
 * - the restart-loss window is bounded: at a restart, every delivery accepted at least the
 *   save interval before a later delivery handled alone that saves is in the saved static
 *   data — on n8n 1.x a new delivery or a repeat, on n8n 2.x a repeat (n8n 2.x drops what a
 *   request that starts an execution changed; the harness's webhook server follows the line
 *   the sequence draws);
 * - static data is written at most once per interval per kind of delivery (new, repeat), plus
 *   the requests that overlap the first, and
 * - every selected event (or lead) that was delivered starts at least one execution.
 * So an event runs twice only when a restart fell inside the documented window. Sequences stay
 * far inside the 1,000-delivery / 24-hour window.
 *
 * fast-check generates the sequences (500 per run; it prints the seed and the shrunk
 * counterexample on failure). Deliveries are handed to the harness's webhook server in-process
 * (no socket, so 500 sequences take seconds) and run through n8n-core's WebhookContext with
 * n8n's load-then-save of static data per request (saved only when it changed, as n8n does),
 * signed and checked against the API description like every simulator delivery. The clock is
 * the model's (Date.now), moved by "wait" commands; no timing is asserted.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { PERSIST_EVERY_MS, readRecent } from '../../nodes/PropertyFinderTrigger/delivery';
import { TriggerHarness, WebhookServer } from '../harness/triggers';
import type { PfLead } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';
import type { PfEvent } from '../../tooling/simulators/propertyFinderWebhooks';
import { PropertyFinderWebhooks, assertSpecDelivery, leadEvent, signPayload } from '../../tooling/simulators/propertyFinderWebhooks';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-trigger-model');
const LEAD_EVENTS = ['lead.created', 'lead.assigned', 'lead.updated'] as const;
const RUNS = 500;

let sim: PropertyFinderSimulator;
/** Static data of an activated trigger (its nonce), reused by every sequence. */
let activatedStaticData: IDataObject;
let secret: string;
let sequence = 0;
/** The model's clock: Date.now() as the node sees it; each read moves it 1 ms, "wait" commands more. */
let clock = Date.parse('2026-01-01T00:00:00Z');

beforeAll(async () => {
	jest.spyOn(Date, 'now').mockImplementation(() => (clock += 1));
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
	jest.restoreAllMocks();
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
	| { kind: 'restart' }
	| { kind: 'wait'; ms: number };

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
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('wait' as const),
			ms: fc.constantFrom(10, PERSIST_EVERY_MS - 1, PERSIST_EVERY_MS, 3 * PERSIST_EVERY_MS),
		}),
	},
);

const scenarioArb = fc.record({
	/** Per lead: whether it is a project lead (no lead.created) and how many lead.updated it sends. */
	leads: fc.array(fc.record({ project: fc.boolean(), updates: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 4 }),
	selected: fc.subarray([...LEAD_EVENTS], { minLength: 1 }),
	emitEachLeadOnce: fc.boolean(),
	/** The n8n line whose webhook handling the server follows. */
	line: fc.constantFrom(1 as const, 2 as const),
	commands: fc.array(commandArb, { minLength: 1, maxLength: 12 }),
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
	const keysOf = (item: IDataObject) =>
		scenario.emitEachLeadOnce && item.eventType !== 'lead.updated' ? [`event:${item.eventId}`, `lead:${item.id}`] : [`event:${item.eventId}`];
	const savedKeys = (h: TriggerHarness) => new Set(readRecent(h.nodeStaticData().recentEvents).flatMap(([keys]) => keys));

	/** One process's life: its server, what the saved static data held when it started, its commands. */
	interface Life {
		server: WebhookServer;
		savedAtStart: Set<string>;
		steps: Array<{ start: number; end: number; alone: boolean; selected: boolean; items: IDataObject[]; saves: number; newRuns: number }>;
	}
	let restarts = 0;
	let current = harness(`${base}-r0`, parameters, staticData);
	// n8n loads the static data when a request arrives and saves it after: simultaneous
	// deliveries overlap inside that time, and the last save wins (the server does the same).
	const begin = (): Life => {
		const server = new WebhookServer(current);
		server.n8nLine = scenario.line;
		return { server, savedAtStart: savedKeys(current), steps: [] };
	};
	let life = begin();
	const lives: Life[] = [life];
	const delivered = new Set<PfEvent>();
	const selected = new Set<string>(scenario.selected);

	/** A delivery handled alone whose write lands: a repeat of a selected event, or on n8n 1.x also a new one. */
	const lands = (step: Life['steps'][number]) => step.alone && step.selected && (step.newRuns === 0 || scenario.line === 1);
	/** At a restart: what the ended life accepted the interval or more before a later delivery that saves, was saved. */
	const checkWindow = (ended: Life, saved: Set<string>) => {
		ended.steps.forEach((step, index) => {
			const later = ended.steps.slice(index + 1).find((next) => lands(next) && next.start - step.end >= PERSIST_EVERY_MS);
			if (!later) return;
			for (const item of step.items) for (const key of keysOf(item)) expect(saved.has(key)).toBe(true);
		});
	};

	try {
		for (const command of scenario.commands) {
			if (command.kind === 'wait') {
				clock += command.ms;
				continue;
			}
			if (command.kind === 'restart') {
				// n8n restarted: the in-process memory is gone (a new process = a new memory key),
				// the static data is what was saved.
				await life.server.stop();
				current = harness(`${base}-r${++restarts}`, parameters, current.saved());
				checkWindow(life, savedKeys(current));
				life = begin();
				lives.push(life);
				continue;
			}
			const picked = command.kind === 'send' ? [events[command.pick % events.length]] : command.picks.map((pick) => events[pick % events.length]);
			picked.forEach((event) => delivered.add(event));
			const runsBefore = life.server.runs.length;
			const savesBefore = life.server.saves;
			const start = clock;
			const statuses = await deliverAll(life.server, picked, command.kind === 'burst' ? command.concurrency : 1);
			expect(statuses).toEqual(picked.map(() => 200));
			const newRuns = life.server.runs.length - runsBefore;
			const saves = life.server.saves - savesBefore;
			// n8n 2.x: a request that started a run saves nothing; at most the repeats of the step save.
			if (scenario.line === 2) expect(saves).toBeLessThanOrEqual(picked.length - newRuns);
			life.steps.push({
				start,
				end: clock,
				alone: command.kind === 'send',
				selected: picked.every((event) => selected.has(event.type)),
				items: life.server.runs.slice(runsBefore).flatMap((run) => run.items).map((item) => item.json),
				saves,
				newRuns,
			});
		}
	} finally {
		await life.server.stop();
	}

	for (const { server, savedAtStart, steps } of lives) {
		const items = server.items.map((item) => item.json);
		// Within one life, each key at most once, and nothing the saved copy held at its start.
		const seen = new Set<string>();
		for (const item of items) {
			for (const key of keysOf(item)) {
				expect(seen.has(key)).toBe(false);
				expect(savedAtStart.has(key)).toBe(false);
				seen.add(key);
			}
		}
		// Saves: at most one per interval of this life's clock, plus the first burst's overlap.
		const saves = steps.reduce((sum, step) => sum + step.saves, 0);
		if (steps.length > 0) {
			const span = steps[steps.length - 1].end - steps[0].start;
			const overlap = Math.max(...steps.map((step) => step.newRuns));
			expect(saves).toBeLessThanOrEqual(2 * (Math.floor(span / PERSIST_EVERY_MS) + 1) + overlap);
		}
	}

	const items = lives.flatMap((entry) => entry.server.items).map((item) => item.json);
	const count = (predicate: (item: IDataObject) => boolean) => items.filter(predicate).length;
	for (const event of events) {
		const runs = count((item) => item.eventId === event.id);
		expect(runs).toBeLessThanOrEqual(lives.length);
		if (!selected.has(event.type)) expect(runs).toBe(0);
		else if (event.type === 'lead.updated' || !scenario.emitEachLeadOnce) {
			if (delivered.has(event)) expect(runs).toBeGreaterThanOrEqual(1);
			else expect(runs).toBe(0);
		}
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
			if (firsts.some((event) => delivered.has(event))) expect(runs).toBeGreaterThanOrEqual(1);
			else expect(runs).toBe(0);
		}
	}
	sim.leads.length = 0;
}

test(`each selected event (each lead, with Emit Each Lead Once) starts at most one execution per process life, again only inside the documented restart window, static data written at most once per interval per kind, on n8n 1.x and 2.x: ${RUNS} random delivery sequences`, async () => {
	await fc.assert(fc.asyncProperty(scenarioArb, play), { numRuns: RUNS });
}, 120_000);
