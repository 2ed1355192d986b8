/**
 * Fault injection for the Property Finder Trigger (webhook), served over HTTP by the trigger
 * harness the way n8n's webhook endpoint serves it (n8n-core's WebhookContext, static data
 * loaded per request and saved after it, simultaneous requests overlapping).
 *
 * Bursts mix, shuffled and concurrent: valid signed deliveries repeated many times (at least
 * once delivery), lead.created and lead.assigned of the same lead, project leads that only send
 * lead.assigned, unselected event types, forged signatures, signatures made with the wrong
 * secret, missing and malformed signatures, altered bodies, 5 MB bodies and malformed JSON.
 *
 * Asserted: every request gets the right status (200 accepted or acknowledged, 401 refused
 * signature, 400 malformed event); exactly one workflow run per new lead of a selected event,
 * none for anything else; refused deliveries do not poison the duplicate memory; and no secret
 * (webhook signing secret, API key, API secret, access token) appears in any emitted item or
 * answer.
 */
import { randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { TriggerHarness } from '../harness/triggers';
import type { WebhookServer } from '../harness/triggers';
import { seededRandom } from '../../tooling/simulators/framework';
import type { PfLead } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';
import type { PfEvent } from '../../tooling/simulators/propertyFinderWebhooks';
import { PropertyFinderWebhooks, assertSpecDelivery, leadEvent, signPayload } from '../../tooling/simulators/propertyFinderWebhooks';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('fault-pf-hook');
const PUBLIC_BASE = 'https://n8n.example.com/webhook';
const FIVE_MB = 5 * 1024 * 1024;

let sim: PropertyFinderSimulator;
let hooks: PropertyFinderWebhooks;
let workflowSeq = 0;

beforeAll(async () => {
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	hooks = new PropertyFinderWebhooks(sim);
	await sim.start();
});

afterAll(async () => {
	await sim.stop();
});

/** One HTTP request of a burst and the answer it must get. */
interface Delivery {
	label: string;
	raw: string;
	signature?: string;
	expectStatus: 200 | 400 | 401;
}

interface Answer {
	label: string;
	status: number;
	body: string;
	expectStatus: number;
}

async function send(url: string, deliveries: Delivery[], concurrency: number): Promise<Answer[]> {
	// A delivery that must be accepted is one Property Finder really sends: it must match the API
	// description. The refused ones (forged, malformed) are the faults this suite injects.
	for (const delivery of deliveries) if (delivery.expectStatus === 200) assertSpecDelivery(delivery.raw);
	const answers: Answer[] = [];
	let next = 0;
	const worker = async () => {
		while (next < deliveries.length) {
			const delivery = deliveries[next++];
			const headers: Record<string, string> = {
				'Content-Type': 'application/json',
				'User-Agent': 'PropertyFinder-Webhooks/1.0',
			};
			if (delivery.signature !== undefined) headers['X-Signature'] = delivery.signature;
			const response = await fetch(url, { method: 'POST', headers, body: delivery.raw });
			answers.push({
				label: delivery.label,
				status: response.status,
				body: await response.text(),
				expectStatus: delivery.expectStatus,
			});
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return answers;
}

function shuffle<T>(list: T[], random: () => number): T[] {
	const out = [...list];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

async function activated(parameters: IDataObject = {}) {
	const h = new TriggerHarness({
		type: 'propertyFinderTrigger',
		parameters: { events: ['lead.created', 'lead.assigned'], simplify: true, options: {}, ...parameters },
		credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
		workflowId: `pf-hook-faults-${++workflowSeq}`,
		webhookBaseUrl: PUBLIC_BASE,
	});
	await h.activate();
	// The secret Property Finder signs with: the one the subscriptions were made with.
	const secrets = new Set(hooks.subscriptions.filter((s) => s.url === h.webhookUrl()).map((s) => s.secret));
	expect(secrets.size).toBe(1);
	const secret = String([...secrets][0]);
	expect(secret).toMatch(/^[0-9a-f]{32}$/);
	const server = await h.serve();
	// Load-to-save time of n8n's per-request static data: simultaneous deliveries overlap.
	server.saveDelayMs = 5;
	return { h, secret, server };
}

/** Everything that must never leave the node: the signing secret and the credential. */
function secretsOf(webhookSecret: string): string[] {
	return [webhookSecret, API_KEY, API_SECRET, ...sim.tokens.keys()];
}

function expectNoSecrets(server: WebhookServer, answers: Answer[], webhookSecret: string) {
	const produced = JSON.stringify(server.runs) + JSON.stringify(server.answers) + answers.map((a) => a.body).join('\n');
	for (const secret of secretsOf(webhookSecret)) expect(produced).not.toContain(secret);
}

describe('bursts of deliveries', () => {
	let server: WebhookServer | undefined;

	afterEach(async () => {
		await server?.stop();
		server = undefined;
	});

	it('starts exactly one run per new lead of a selected event; everything forged or malformed is refused', async () => {
		const random = seededRandom(4242);
		const activation = await activated();
		server = activation.server;
		const { secret } = activation;
		const wrongSecret = randomBytes(16).toString('hex');
		const signed = (label: string, raw: string, expectStatus: Delivery['expectStatus']): Delivery => ({
			label,
			raw,
			signature: signPayload(raw, secret),
			expectStatus,
		});

		// 120 listing leads (lead.created + lead.assigned) and 30 project leads (lead.assigned
		// only): 150 leads that must start one run each.
		const leads: PfLead[] = [
			...Array.from({ length: 120 }, () => sim.addLead()),
			...Array.from({ length: 30 }, () => sim.addLead({ entityType: 'project', project: { id: '3f1c9a52-7b0e-4d6a-9c1f-2e8b5d4a6f10' }, listing: undefined })),
		];
		const valid: PfEvent[] = leads.flatMap((lead) => hooks.leadEvents(lead));
		expect(valid).toHaveLength(120 * 2 + 30);

		const deliveries: Delivery[] = [];
		// At-least-once delivery: each valid event three times.
		for (const event of valid) {
			const raw = JSON.stringify(event);
			for (let copy = 0; copy < 3; copy++) deliveries.push(signed(`valid ${event.type}`, raw, 200));
		}
		// Selected-but-not-subscribed types and other events: acknowledged, no run.
		for (const lead of leads.slice(0, 40)) {
			deliveries.push(signed('unselected lead.updated', JSON.stringify(leadEvent('lead.updated', lead)), 200));
		}
		for (let i = 0; i < 10; i++) {
			const event = { ...leadEvent('listing.published', { id: sim.listings[0].id }), entity: { id: sim.listings[0].id, type: 'listing' } };
			deliveries.push(signed('unselected listing.published', JSON.stringify(event), 200));
		}

		// Forgeries of new leads: each would start a run if it got through.
		const forgeLead = () => sim.addLead();
		const forged: Delivery[] = [];
		for (let i = 0; i < 20; i++) {
			const raw = JSON.stringify(leadEvent('lead.created', forgeLead()));
			forged.push({ label: 'forged signature', raw, signature: randomBytes(32).toString('hex'), expectStatus: 401 });
			forged.push({ label: 'wrong secret', raw, signature: signPayload(raw, wrongSecret), expectStatus: 401 });
			forged.push({ label: 'missing signature', raw, expectStatus: 401 });
			forged.push({ label: 'malformed signature', raw, signature: `sha256=${signPayload(raw, secret)}`, expectStatus: 401 });
			forged.push({ label: 'truncated signature', raw, signature: signPayload(raw, secret).slice(0, 63), expectStatus: 401 });
			const original = JSON.stringify(leadEvent('lead.assigned', forgeLead()));
			const altered = original.replace(/"name":"[^"]*"/, '"name":"Mallory"');
			expect(altered).not.toBe(original);
			forged.push({ label: 'altered body', raw: altered, signature: signPayload(original, secret), expectStatus: 401 });
		}
		// Forged copies of the valid events (same event ids): refused, and they must not make the
		// genuine delivery look like a repeat.
		for (const event of valid.slice(0, 30)) {
			const raw = JSON.stringify(event);
			forged.push({ label: 'forged copy', raw, signature: signPayload(raw, wrongSecret), expectStatus: 401 });
		}
		// 5 MB bodies: forged, signed but not JSON, and signed but not an event.
		const bigLead = forgeLead();
		const bigEvent = leadEvent('lead.created', { ...bigLead, padding: 'x'.repeat(FIVE_MB) });
		const bigRaw = JSON.stringify(bigEvent);
		forged.push({ label: 'oversized forged', raw: bigRaw, signature: signPayload(bigRaw, wrongSecret), expectStatus: 401 });
		forged.push({ label: 'oversized unsigned', raw: bigRaw, expectStatus: 401 });
		forged.push(signed('oversized malformed JSON', `{"id":"${'y'.repeat(FIVE_MB)}`, 400));
		// Malformed JSON and non-events, correctly signed.
		for (const raw of ['{"id": "evt-1", "type": "lead.created"', 'not json at all', '', '[]', 'null', '"lead.created"', '{"type":"lead.created","payload":{}}', '{"id":"evt-2","payload":{}}']) {
			forged.push(signed('malformed event', raw, 400));
		}
		deliveries.push(...forged);

		// Forged copies first (a burst of attacks), then everything shuffled, 30 at a time.
		const copies = forged.filter((delivery) => delivery.label === 'forged copy');
		const first = await send(server.url, copies, 10);
		const rest = shuffle(
			deliveries.filter((delivery) => delivery.label !== 'forged copy'),
			random,
		);
		const answers = [...first, ...(await send(server.url, rest, 30))];

		// Every request answered, each with the right status.
		expect(answers).toHaveLength(deliveries.length);
		const wrong = answers.filter((answer) => answer.status !== answer.expectStatus).map((a) => `${a.label}: ${a.status}`);
		expect(wrong).toEqual([]);
		expect(server.answers).toHaveLength(deliveries.length);
		const byLabel = (label: string) => answers.filter((answer) => answer.label === label);
		for (const answer of byLabel('unselected lead.updated')) expect(JSON.parse(answer.body)).toMatchObject({ ignored: 'event type not selected' });
		for (const answer of answers.filter((a) => a.status === 401)) expect(answer.body).not.toMatch(/Workflow was started/);

		// Exactly one run per lead, each with one item, and nothing forged or unselected.
		expect(server.runs.every((run) => run.items.length === 1)).toBe(true);
		const emittedIds = server.items.map((item) => String(item.json.id));
		expect(emittedIds).toHaveLength(leads.length);
		expect([...emittedIds].sort()).toEqual(leads.map((lead) => lead.id).sort());
		for (const item of server.items) expect(['lead.created', 'lead.assigned']).toContain(item.json.eventType);
		const validIds = new Set(valid.map((event) => event.id));
		expect(server.items.every((item) => validIds.has(String(item.json.eventId)))).toBe(true);
		// Project leads came in through lead.assigned.
		for (const lead of leads.slice(120)) {
			expect(server.items.find((item) => item.json.id === lead.id)?.json.eventType).toBe('lead.assigned');
		}

		// The duplicate memory stays bounded in the saved static data.
		expect(JSON.stringify(activation.h.saved()).length).toBeLessThan(100_000);
		expectNoSecrets(server, answers, secret);
	}, 60_000);

	it('one event id delivered 300 times, 50 at once, starts one run; so does its lead.assigned twin', async () => {
		const activation = await activated();
		server = activation.server;
		const lead = sim.addLead();
		const [created, assigned] = hooks.leadEvents(lead);
		const deliveries: Delivery[] = [];
		for (const event of [created, assigned]) {
			const raw = JSON.stringify(event);
			for (let i = 0; i < 150; i++) deliveries.push({ label: event.type, raw, signature: signPayload(raw, activation.secret), expectStatus: 200 });
		}
		const answers = await send(server.url, shuffle(deliveries, seededRandom(99)), 50);
		expect(answers.map((answer) => answer.status)).toEqual(Array(300).fill(200));
		expect(server.runs).toHaveLength(1);
		expect(server.items[0].json.id).toBe(lead.id);
		expect(answers.filter((answer) => /duplicate delivery/.test(answer.body))).toHaveLength(299);

		// A later repeat, after the static data was saved, is still a repeat.
		const raw = JSON.stringify(created);
		const [late] = await send(server.url, [{ label: 'late repeat', raw, signature: signPayload(raw, activation.secret), expectStatus: 200 }], 1);
		expect(late.status).toBe(200);
		expect(server.runs).toHaveLength(1);
		expectNoSecrets(server, answers, activation.secret);
	});

	it('with Simplify off, a validly signed 5 MB event runs once and no secret is in the raw item', async () => {
		const activation = await activated({ simplify: false, events: ['lead.created', 'lead.assigned', 'lead.updated'] });
		server = activation.server;
		const lead = sim.addLead();
		// 5 MB inside a field the description has (no delivery carries fields it does not list).
		const big = leadEvent('lead.updated', { ...lead, sender: { ...lead.sender, name: 'z'.repeat(FIVE_MB) } });
		const raw = JSON.stringify(big);
		const signature = signPayload(raw, activation.secret);
		const answers = await send(
			server.url,
			[
				{ label: 'big', raw, signature, expectStatus: 200 },
				{ label: 'big repeat', raw, signature, expectStatus: 200 },
				{ label: 'big forged', raw, signature: signPayload(raw, API_SECRET), expectStatus: 401 },
			],
			3,
		);
		expect(answers.map((answer) => [answer.label, answer.status]).sort()).toEqual(
			[
				['big', 200],
				['big forged', 401],
				['big repeat', 200],
			].sort(),
		);
		expect(server.runs).toHaveLength(1);
		expect(server.items[0].json.id).toBe(big.id);
		// The whole event, unchanged: the lead id is entity.id (the payload has none).
		expect((server.items[0].json.entity as IDataObject).id).toBe(lead.id);
		expect(server.items[0].json.payload).toEqual(big.payload);
		expectNoSecrets(server, answers, activation.secret);
	}, 60_000);
});
