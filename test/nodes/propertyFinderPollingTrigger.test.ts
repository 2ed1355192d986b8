/**
 * The polling trigger through n8n-core's real PollContext, against the Property Finder
 * simulator. Time is controlled: Date is faked (only Date; timers and I/O run normally), so
 * "time passes" moves the node's clock and the simulator's clock together, and a clock skew
 * is a fixed offset between them.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { TestCredentialsHelper } from '../harness/n8n';
import { TriggerHarness } from '../harness/triggers';
import { fakeDateOnly } from '../harness/assert';
import type { PfLead } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-polling-test');
const MINUTE = 60_000;
const START = Date.parse('2026-03-02T08:00:00.000Z');

let sim: PropertyFinderSimulator;
let workflowSeq = 0;

function setClock(ms: number) {
	jest.setSystemTime(ms);
}

function pass(ms: number) {
	jest.setSystemTime(Date.now() + ms);
}

function harness(parameters: IDataObject = {}, extra: Partial<ConstructorParameters<typeof TriggerHarness>[0]> = {}) {
	return new TriggerHarness({
		type: 'propertyFinderPollingTrigger',
		parameters: { filters: {}, simplify: true, options: {}, ...parameters },
		credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
		workflowId: `poll-${++workflowSeq}`,
		...extra,
	});
}

function ids(result: INodeExecutionData[][] | null): string[] {
	return (result?.[0] ?? []).map((item) => String(item.json.id));
}

function leadsGet() {
	return sim.calls('GET', '/v1/leads');
}

beforeAll(async () => {
	fakeDateOnly();
	setClock(START);
});

afterAll(() => {
	jest.useRealTimers();
});

beforeEach(async () => {
	setClock(START);
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	sim.dataLimitPerMinute = 100_000;
	await sim.start();
});

afterEach(async () => {
	await sim.stop();
});

describe('first activation and manual runs', () => {
	it('records a baseline and emits nothing old; later leads are emitted once', async () => {
		for (let i = 0; i < 120; i++) {
			sim.addLead({ createdAt: new Date(Date.now() - (120 - i) * MINUTE).toISOString() });
		}
		const h = harness();
		expect(await h.poll()).toBeNull();
		expect(leadsGet()).toHaveLength(1);
		// The baseline reads the lateness window before the activation and records it as known.
		expect(leadsGet()[0].query).toMatchObject({ orderBy: 'createdAt', orderDirection: 'asc' });
		const state = h.nodeStaticData().pollState as IDataObject;
		expect(state.cursor).toBe(Date.parse(sim.leads[119].createdAt));

		pass(MINUTE);
		const sameInstant = sim.addLead({ createdAt: sim.leads[119].createdAt });
		const fresh = sim.addLead();
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([sameInstant.id, fresh.id]);
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
	});

	it('backfills from "Since" on the first activation, oldest first', async () => {
		const old = sim.addLead({ createdAt: new Date(Date.now() - 3 * 24 * 60 * MINUTE).toISOString() });
		const a = sim.addLead({ createdAt: new Date(Date.now() - 20 * 60 * MINUTE).toISOString() });
		const b = sim.addLead({ createdAt: new Date(Date.now() - 10 * 60 * MINUTE).toISOString() });
		const h = harness({ options: { since: new Date(Date.now() - 2 * 24 * 60 * MINUTE).toISOString() } });
		const result = await h.poll();
		expect(ids(result)).toEqual([a.id, b.id]);
		expect(ids(result)).not.toContain(old.id);
		expect(await h.poll()).toBeNull();
	});

	it('clamps a backfill older than 89 days instead of failing on the 3-month rule', async () => {
		const recent = sim.addLead({ createdAt: new Date(Date.now() - 10 * MINUTE).toISOString() });
		const h = harness({ options: { since: '2020-01-01' } });
		expect(ids(await h.poll())).toEqual([recent.id]);
		const from = Date.parse(String(leadsGet()[0].query.createdAtFrom));
		expect(from).toBeGreaterThanOrEqual(Date.now() - 89 * 24 * 60 * MINUTE - 1000);
		expect(leadsGet().every((call) => call.status === 200)).toBe(true);
	});

	it('manual mode returns the latest matching leads and touches no state', async () => {
		for (let i = 0; i < 6; i++) sim.addLead({ channel: 'call', createdAt: new Date(Date.now() - (10 - i) * MINUTE).toISOString() });
		sim.addLead({ channel: 'email', createdAt: new Date(Date.now() - MINUTE).toISOString() });
		const h = harness({ filters: { channel: ['call'] } });
		const result = await h.poll('manual');
		expect(ids(result)).toEqual([sim.leads[5].id, sim.leads[4].id, sim.leads[3].id]);
		expect(result![0].every((item) => item.json.channel === 'call')).toBe(true);
		expect(h.saved()).toEqual({});
		expect(leadsGet()[0].query.channel).toEqual('call');

		// With a state in place, a manual run leaves it as it was.
		await h.poll();
		const before = JSON.stringify(h.saved());
		await h.poll('manual');
		expect(JSON.stringify(h.saved())).toBe(before);
	});

	it('sends the filters as repeated keys and emits only matching leads, simplified or raw', async () => {
		const h = harness({
			filters: { channel: ['call', 'whatsapp'], listingReference: 'APT-101', entityType: ['listing'], publicProfileId: [1002] },
			simplify: false,
		});
		await h.poll();
		const match = sim.addLead({ channel: 'call', listing: { id: sim.listings[1].id, reference: 'APT-101' }, publicProfile: { id: 1002 } });
		sim.addLead({ channel: 'email', listing: { id: sim.listings[1].id, reference: 'APT-101' }, publicProfile: { id: 1002 } });
		sim.addLead({ channel: 'call', listing: { id: sim.listings[2].id, reference: 'APT-102' }, publicProfile: { id: 1002 } });
		pass(MINUTE);
		const result = await h.poll();
		expect(result![0].map((item) => item.json)).toEqual([JSON.parse(JSON.stringify(match))]);
		const query = leadsGet().at(-1)!.query;
		expect(query.channel).toEqual(['call', 'whatsapp']);
		expect(query.listingReference).toEqual('APT-101');
		expect(query.publicProfileId).toEqual('1002');
		expect(String(query.createdAtFrom)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		expect(String(query.createdAtTo)).toMatch(/Z$/);
	});

	it('emits the simplified shape of CONTRACT.md', async () => {
		const h = harness();
		await h.poll();
		sim.addLead({ channel: 'call' });
		pass(MINUTE);
		const [item] = (await h.poll())![0];
		expect(Object.keys(item.json).sort()).toEqual(
			[
				'id', 'name', 'phone', 'email', 'whatsapp', 'channel', 'status', 'entityType', 'listingId', 'listingReference',
				'agentPublicProfileId', 'projectId', 'developerId', 'callRecordingUrl', 'callTalkTime', 'responseLink', 'tags', 'distributionType', 'createdAt',
			].sort(),
		);
	});
});

describe('steady state', () => {
	it('an idle poll costs one request and no token request while the token is valid', async () => {
		const h = harness();
		await h.poll();
		sim.addLead();
		pass(MINUTE);
		expect(await h.poll()).not.toBeNull();
		const tokens = sim.tokenCalls;
		sim.resetLog();
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
		expect(sim.requests).toHaveLength(1);
		expect(sim.requests[0].path).toBe('/v1/leads');
		expect(sim.tokenCalls).toBe(tokens);
	});

	it('a late lead inside the overlap is emitted once; equal timestamps at the poll boundary too', async () => {
		const h = harness();
		await h.poll();
		const first = sim.addLead();
		pass(2 * MINUTE);
		expect(ids(await h.poll())).toEqual([first.id]);
		// Shows up now, dated before the cursor (listed late by the API), and one at the cursor.
		const late = sim.addLead({ createdAt: new Date(Date.parse(first.createdAt) - 4 * MINUTE).toISOString() });
		const tie = sim.addLead({ createdAt: first.createdAt });
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([late.id, tie.id]);
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
	});

	it('an error mid-pagination throws NodeApiError, keeps the state, and the next poll loses nothing', async () => {
		const h = harness();
		await h.poll();
		const created = Array.from({ length: 130 }, () => sim.addLead());
		pass(MINUTE);
		const before = JSON.stringify(h.saved());
		sim.fault({ kind: 'html', status: 403 }, { match: (req) => req.path === '/v1/leads' && req.query.page === '2' });
		const error = await h.poll().then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.constructor.name).toBe('NodeApiError');
		expect(error!.message).toMatch(/web page|firewall/i);
		expect(JSON.stringify(h.saved())).toBe(before);
		const result = await h.poll();
		expect(ids(result)).toEqual(created.map((lead) => lead.id));
	});

	it('when still throttled after the retries, the error says rate-limited for the scheduler', async () => {
		const h = harness();
		await h.poll();
		sim.addLead();
		pass(MINUTE);
		const before = JSON.stringify(h.saved());
		sim.fault({ kind: 'status', status: 429, retryAfter: '0', body: { type: 'RATE_LIMIT', title: 'Too Many Requests', detail: 'Rate limit exceeded' } }, { times: 6 });
		const error = (await h.poll().catch((e: unknown) => e)) as { httpCode?: string; failure?: IDataObject; message: string };
		expect(error.httpCode).toBe('429');
		expect(error.failure).toMatchObject({ cause: 'rate-limited' });
		expect(JSON.stringify(h.saved())).toBe(before);
		expect(JSON.stringify(error)).not.toContain(API_SECRET);
		expect(JSON.stringify(error)).not.toContain(API_KEY);
		expect(ids(await h.poll())).toEqual([sim.leads[0].id]);
	});

	it('stops paging inside the poll budget and continues on the next poll', async () => {
		const h = harness();
		await h.poll();
		const created = Array.from({ length: 160 }, () => sim.addLead());
		pass(MINUTE);
		// Each page costs one (fake) second against a 1.5-second budget: a poll reads page 1,
		// sees that another page would overrun, and leaves the rest to the next poll.
		sim.onLeadsPage = () => pass(1000);
		const perPoll: number[] = [];
		const emitted: string[] = [];
		try {
			for (let i = 0; i < 6; i++) {
				const got = ids(await h.poll('trigger', { budgetMs: 1500 }));
				perPoll.push(got.length);
				emitted.push(...got);
			}
		} finally {
			sim.onLeadsPage = undefined;
		}
		expect(perPoll[0]).toBeLessThan(created.length);
		expect(perPoll.filter((count) => count > 0).length).toBeGreaterThan(1);
		expect(emitted).toEqual(created.map((lead) => lead.id));
	});
});

describe('volume, restarts and clock skew', () => {
	it('10,000 leads over many polls with page shifts, ties and restarts: each emitted exactly once', async () => {
		const credentialsHelper = new TestCredentialsHelper();
		// A 3-minute overlap keeps the re-read part of each poll small; late leads stay inside it.
		const parameters = { options: { overlapMinutes: 3 } };
		let h = harness(parameters, { credentialsHelper, workflowId: 'poll-volume' });
		await h.poll();

		const emitted = new Map<string, number>();
		const record = (result: INodeExecutionData[][] | null) => {
			const got = result?.[0] ?? [];
			const times = got.map((item) => Date.parse(String(item.json.createdAt)));
			expect(times).toEqual([...times].sort((a, b) => a - b));
			for (const item of got) emitted.set(String(item.json.id), (emitted.get(String(item.json.id)) ?? 0) + 1);
		};

		let late = 0;
		let pageRequests = 0;
		sim.onLeadsPage = () => {
			// A lead listed late lands between pages already read: pages shift under the poller.
			if (++pageRequests % 2 === 0 && late < 400) {
				late++;
				sim.addLead({ createdAt: new Date(sim.now - (1 + (late % 2)) * MINUTE).toISOString() });
			}
		};

		let created = 0;
		let longestRead = 0;
		for (let pollNo = 0; pollNo < 52; pollNo++) {
			const requestsBefore = leadsGet().length;
			// 192 leads in groups of 8 sharing one millisecond (page boundaries fall inside groups).
			for (let group = 0; group < 24; group++) {
				const at = new Date(sim.now - (24 - group) * 2500).toISOString();
				for (let k = 0; k < 8; k++) sim.addLead({ createdAt: at });
				created += 8;
			}
			pass(2 * MINUTE);
			record(await h.poll());
			longestRead = Math.max(longestRead, leadsGet().length - requestsBefore);
			if (pollNo % 10 === 9) {
				// n8n restarted: the node continues from the saved static data.
				h = harness(parameters, { credentialsHelper, staticData: h.saved(), workflowId: 'poll-volume' });
			}
			// Leads at the exact cursor instant, after the poll.
			const cursor = (h.nodeStaticData().pollState as IDataObject).cursor as number;
			sim.addLead({ createdAt: new Date(cursor).toISOString() });
			created++;
			const size = JSON.stringify(h.saved()).length;
			expect(size).toBeLessThan(100_000);
		}
		sim.onLeadsPage = undefined;
		for (let i = 0; i < 3; i++) {
			pass(2 * MINUTE);
			record(await h.poll());
		}

		expect(created).toBeGreaterThanOrEqual(10_000);
		expect(late).toBeGreaterThan(100);
		expect(longestRead).toBeGreaterThanOrEqual(4);
		expect(sim.leads).toHaveLength(created + late);
		expect(emitted.size).toBe(sim.leads.length);
		expect([...emitted.values()].every((count) => count === 1)).toBe(true);
		const state = h.nodeStaticData().pollState as { seen: unknown[] };
		expect(state.seen.length).toBeLessThanOrEqual(2000);
		// The token was reused across polls and restarts: one per 30 minutes of (simulated) time.
		expect(sim.tokenCalls).toBeLessThanOrEqual(Math.ceil((52 * 2 + 6) / 30) + 1);
	}, 120_000);

	it('keeps the remembered ids bounded when a burst of leads shares the overlap', async () => {
		const h = harness();
		await h.poll();
		const burst = Array.from({ length: 3000 }, (_, i) => sim.addLead({ createdAt: new Date(sim.now - 3000 + i).toISOString() }));
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual(burst.map((lead) => lead.id));
		const state = h.nodeStaticData().pollState as { seen: unknown[] };
		expect(state.seen.length).toBeLessThanOrEqual(2000);
		expect(JSON.stringify(h.saved()).length).toBeLessThan(100_000);
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
	});

	it.each([
		['ahead', 2 * MINUTE],
		['behind', -2 * MINUTE],
	])('server clock %s by 2 minutes: every lead emitted exactly once', async (_, skew) => {
		sim.now = Date.now() + skew;
		const h = harness();
		sim.addLead({ createdAt: new Date(sim.now - 5 * MINUTE).toISOString() });
		await h.poll();
		const emitted: string[] = [];
		const created: PfLead[] = [];
		for (let step = 0; step < 12; step++) {
			for (let k = 0; k < 5; k++) created.push(sim.addLead());
			// One lead listed late, dated a little in the past.
			created.push(sim.addLead({ createdAt: new Date(sim.now - 90_000).toISOString() }));
			pass(MINUTE);
			emitted.push(...ids(await h.poll()));
		}
		for (let step = 0; step < 5; step++) {
			pass(MINUTE);
			emitted.push(...ids(await h.poll()));
		}
		expect([...emitted].sort()).toEqual(created.map((lead) => lead.id).sort());
	});
});

describe('agent dropdown', () => {
	it('lists active agents by public profile id, sorted by name', async () => {
		const options = await harness().loadOptions('getAgents');
		const active = sim.users.filter((user) => user.status === 'active' && user.publicProfile);
		expect(options.map((option) => option.value).sort()).toEqual(active.map((user) => user.publicProfile!.id).sort());
		expect(options.map((option) => option.name)).toEqual([...options.map((option) => option.name)].sort((a, b) => a.localeCompare(b)));
		expect(sim.calls('GET', '/v1/users')[0].query.status).toBe('active');
	});
});

describe('credentials', () => {
	it('never puts the API key or secret into outputs or errors', async () => {
		const h = harness({ simplify: false });
		await h.poll();
		sim.addLead();
		pass(MINUTE);
		const result = await h.poll();
		const token = [...sim.tokens.keys()][0];
		sim.fault({ kind: 'status', status: 401, body: { type: 'AUTHENTICATION', title: 'Unauthorized', detail: `bad ${API_KEY}` } }, { times: 10 });
		pass(MINUTE);
		const error = await h.poll().catch((e: unknown) => e);
		const text = JSON.stringify(result) + JSON.stringify(error) + String((error as Error).message);
		for (const secret of [API_KEY, API_SECRET, token]) expect(text).not.toContain(secret);
	});
});

/** Warnings the node logged during `run` (n8n's logger, from n8n-core's own container). */
async function warningsDuring<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
	const fromCore = (name: string) => require.resolve(name, { paths: [require.resolve('n8n-core')] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Container } = require(fromCore('@n8n/di')) as typeof import('@n8n/di');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(fromCore('@n8n/backend-common')) as typeof import('@n8n/backend-common');
	const spy = jest.spyOn(Container.get(Logger), 'warn');
	try {
		const result = await run();
		return { result, warnings: spy.mock.calls.map((call) => String(call[0])) };
	} finally {
		spy.mockRestore();
	}
}

describe('duplicates and losses of issue #10', () => {
	it('raising Overlap on an active trigger emits no old lead again', async () => {
		const h = harness();
		await h.poll();
		const early = sim.addLead();
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([early.id]);
		pass(25 * MINUTE);
		const later = sim.addLead({ createdAt: new Date(sim.now - MINUTE).toISOString() });
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([later.id]);
		// The window now reaches back an hour: `early` is inside it again.
		h.node.parameters.options = { overlapMinutes: 60 };
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
	});

	it('editing a filter after a Since backfill emits nothing twice and does not backfill again', async () => {
		const day = 24 * 60 * MINUTE;
		const old = ['call', 'email', 'whatsapp', 'call', 'email', 'call'].map((channel, i) =>
			sim.addLead({ channel: channel as PfLead['channel'], createdAt: new Date(sim.now - (3 - i * 0.4) * day).toISOString() }),
		);
		const h = harness({ options: { since: new Date(sim.now - 4 * day).toISOString() } });
		expect(ids(await h.poll())).toEqual(old.map((lead) => lead.id));
		// Narrow the channel filter: every call lead was already emitted.
		h.node.parameters.filters = { channel: ['call'] };
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
		// Widen it again: the old leads are not new, and Since is not applied a second time.
		h.node.parameters.filters = { channel: ['call', 'email', 'whatsapp'] };
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
		// New leads still come through under the edited filter.
		const fresh = sim.addLead({ channel: 'email' });
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([fresh.id]);
	});

	it('a filter edit emits no lead that the earlier filter had already emitted, whatever the order of edits', async () => {
		const h = harness({ filters: { channel: ['call', 'email'] } });
		await h.poll();
		const emitted: string[] = [];
		for (let step = 0; step < 6; step++) {
			for (const channel of ['call', 'email', 'whatsapp'] as const) sim.addLead({ channel });
			pass(2 * MINUTE);
			emitted.push(...ids(await h.poll()));
			h.node.parameters.filters = { channel: [['call'], ['call', 'email'], [], ['email', 'whatsapp']][step % 4] };
		}
		pass(2 * MINUTE);
		emitted.push(...ids(await h.poll()));
		expect(new Set(emitted).size).toBe(emitted.length);
	});

	it('a createdAt with milliseconds is emitted once, also when the cursor moves on', async () => {
		const h = harness();
		await h.poll();
		const base = Math.floor(sim.now / 1000) * 1000 + 1000;
		const a = sim.addLead({ createdAt: new Date(base + 300).toISOString() });
		pass(2 * MINUTE);
		expect(ids(await h.poll())).toEqual([a.id]);
		// Exactly one overlap (10 minutes) and 200 ms after `a`: the window starts inside a's second.
		const b = sim.addLead({ createdAt: new Date(base + 10 * MINUTE + 500).toISOString() });
		pass(10 * MINUTE);
		expect(ids(await h.poll())).toEqual([b.id]);
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
	});

	it('a lead that moves to an earlier page during a long read is still emitted', async () => {
		const h = harness({ filters: { publicProfileId: [1001] } });
		await h.poll();
		const leads = Array.from({ length: 120 }, (_, i) =>
			sim.addLead({ publicProfile: { id: 1001 }, createdAt: new Date(sim.now + 1000 + i * 20_000).toISOString() }),
		);
		pass(45 * MINUTE);
		// After the first page, five leads of that page are reassigned to another agent: the leads
		// after them move up one page each.
		sim.onLeadsPage = (page) => {
			if (page !== 1 || leads[10].publicProfile.id !== 1001) return;
			for (const lead of leads.slice(10, 15)) lead.publicProfile = { id: 1002 };
		};
		const emitted: string[] = [];
		try {
			emitted.push(...ids(await h.poll()));
		} finally {
			sim.onLeadsPage = undefined;
		}
		for (let i = 0; i < 3; i++) {
			pass(MINUTE);
			emitted.push(...ids(await h.poll()));
		}
		const expected = leads.filter((_, i) => i < 10 || i >= 15).map((lead) => lead.id);
		for (const id of expected) expect(emitted).toContain(id);
		expect(new Set(emitted).size).toBe(emitted.length);
	});

	it('a createdAt that cannot be read is emitted once, with a warning, and moves no cursor', async () => {
		const h = harness();
		await h.poll();
		const odd = sim.addLead();
		// A leap second: a date-time the API description allows, that Date.parse cannot read.
		sim.writeCreatedAt = (lead) => (lead.id === odd.id ? '2026-12-31T23:59:60Z' : lead.createdAt);
		try {
			pass(MINUTE);
			const { result, warnings } = await warningsDuring(() => h.poll());
			expect(ids(result)).toEqual([odd.id]);
			expect(warnings.some((text) => text.includes(odd.id))).toBe(true);
			for (let i = 0; i < 15; i++) {
				pass(MINUTE);
				expect(await h.poll()).toBeNull();
			}
			const fresh = sim.addLead();
			pass(MINUTE);
			expect(ids(await h.poll())).toEqual([fresh.id]);
		} finally {
			sim.writeCreatedAt = undefined;
		}
	});

	it('a createdAt in the future does not move the cursor ahead: later leads still come, with a warning', async () => {
		const h = harness();
		await h.poll();
		const odd = sim.addLead();
		sim.writeCreatedAt = (lead) => (lead.id === odd.id ? '2099-01-01T00:00:00Z' : lead.createdAt);
		try {
			pass(MINUTE);
			const { result, warnings } = await warningsDuring(() => h.poll());
			expect(ids(result)).toEqual([odd.id]);
			expect(warnings.some((text) => text.includes(odd.id))).toBe(true);
			const later = [sim.addLead()];
			pass(MINUTE);
			expect(ids(await h.poll())).toEqual([later[0].id]);
			for (let i = 0; i < 15; i++) {
				later.push(sim.addLead());
				pass(MINUTE);
				expect(ids(await h.poll())).toEqual([later.at(-1)!.id]);
			}
		} finally {
			sim.writeCreatedAt = undefined;
		}
	});

	it('a first activation that found no lead still sets a floor: a weeks-old lead is not new later', async () => {
		const h = harness();
		expect(await h.poll()).toBeNull();
		pass(5 * MINUTE);
		// Listed now, created three weeks ago: far outside the lateness window.
		sim.addLead({ createdAt: new Date(sim.now - 21 * 24 * 60 * MINUTE).toISOString() });
		const fresh = sim.addLead({ createdAt: new Date(sim.now - MINUTE).toISOString() });
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([fresh.id]);
	});

	it('a lead listed late, within the overlap after its creation, is emitted even right after the first activation', async () => {
		sim.addLead({ createdAt: new Date(sim.now - 2 * MINUTE).toISOString() });
		const h = harness();
		expect(await h.poll()).toBeNull();
		pass(MINUTE);
		// Created before the newest lead the first activation saw, listed only now.
		const late = sim.addLead({ createdAt: new Date(sim.now - 8 * MINUTE).toISOString() });
		pass(MINUTE);
		expect(ids(await h.poll())).toEqual([late.id]);
	});

	it('keeps a margin to the 3-month limit: createdAtFrom is at most 88 days back', async () => {
		sim.addLead({ createdAt: new Date(sim.now - 10 * MINUTE).toISOString() });
		const h = harness({ options: { since: '2020-01-01' } });
		await h.poll();
		for (const call of leadsGet()) {
			expect(Date.parse(String(call.query.createdAtFrom))).toBeGreaterThanOrEqual(sim.now - 88 * 24 * 60 * MINUTE);
		}
	});
});

describe('upgrade from the version 1 state', () => {
	it.each([['channel[]'], ['channel']])(
		'a state saved with the filter key %s keeps working: nothing re-emitted, nothing skipped',
		async (key) => {
			const cursor = sim.now - 30 * MINUTE;
			const emittedBefore = [
				sim.addLead({ channel: 'call', createdAt: new Date(cursor - 20 * MINUTE).toISOString() }),
				sim.addLead({ channel: 'call', createdAt: new Date(cursor - MINUTE).toISOString() }),
				sim.addLead({ channel: 'call', createdAt: new Date(cursor).toISOString() }),
			];
			// What the released version saved: its filter fingerprint, the cursor, the ids inside the
			// overlap of the cursor.
			const staticData = {
				'node:Trigger': {
					pollState: {
						version: 1,
						filters: JSON.stringify([[key, ['call']]]),
						cursor,
						floor: null,
						seen: [
							[emittedBefore[1].id, cursor - MINUTE],
							[emittedBefore[2].id, cursor],
						],
					},
				},
			};
			// While n8n was being upgraded: a late lead inside the overlap and a new one.
			const late = sim.addLead({ channel: 'call', createdAt: new Date(cursor - 3 * MINUTE).toISOString() });
			const fresh = sim.addLead({ channel: 'call', createdAt: new Date(cursor + 10 * MINUTE).toISOString() });
			const h = harness({ filters: { channel: ['call'] } }, { staticData });
			expect(ids(await h.poll())).toEqual([late.id, fresh.id]);
			pass(MINUTE);
			expect(await h.poll()).toBeNull();
		},
	);
});

describe('every query is one the OpenAPI document of GET /v1/leads allows', () => {
	// The query parameters of `GET /v1/leads` in reference/property-finder-enterprise-openapi.json.
	const SPEC_PARAMETERS = new Set([
		'page', 'perPage', 'orderBy', 'orderDirection', 'search', 'id', 'status', 'channel', 'entityType', 'publicProfileId',
		'listingId', 'listingReference', 'listingCategory', 'listingOffering', 'developerId', 'projectId', 'senderName',
		'senderPhone', 'senderEmail', 'tag', 'excludeTag', 'createdAtFrom', 'createdAtTo',
	]);
	const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

	it('baseline, backfill, steady polls, filter edits and manual runs send only allowed names and formats', async () => {
		const h = harness({ filters: { channel: ['call', 'email'], entityType: ['listing'], publicProfileId: [1001, 1002], listingReference: 'APT-100, APT-101' } });
		await h.poll();
		for (let i = 0; i < 60; i++) sim.addLead({ publicProfile: { id: 1001 }, listing: { id: sim.listings[0].id, reference: 'APT-100' } });
		pass(MINUTE);
		await h.poll();
		h.node.parameters.filters = { channel: ['whatsapp'] };
		pass(MINUTE);
		await h.poll();
		await h.poll('manual');
		await harness({ options: { since: '2019-06-01' } }).poll();
		const calls = leadsGet();
		expect(calls.length).toBeGreaterThan(4);
		for (const call of calls) {
			expect(call.status).toBe(200);
			// The array spelling (`channel[]` or `channel`) belongs to the shared query builder.
			for (const key of Object.keys(call.query)) expect(SPEC_PARAMETERS.has(key.replace(/\[\]$/, ''))).toBe(true);
			const q = call.query as Record<string, string>;
			expect(Number(q.page)).toBeGreaterThanOrEqual(1);
			expect(Number.isInteger(Number(q.perPage)) && Number(q.perPage) >= 1 && Number(q.perPage) <= 50).toBe(true);
			expect(q.orderBy).toBe('createdAt');
			expect(['asc', 'desc']).toContain(q.orderDirection);
			expect(q.createdAtFrom).toMatch(RFC3339_SECONDS);
			// Not older than three months, with a margin.
			expect(Date.parse(q.createdAtFrom)).toBeGreaterThanOrEqual(call.at - 88 * 24 * 60 * MINUTE);
			if (q.createdAtTo !== undefined) {
				expect(q.createdAtTo).toMatch(RFC3339_SECONDS);
				expect(Date.parse(q.createdAtFrom)).toBeLessThanOrEqual(Date.parse(q.createdAtTo));
			}
		}
	});
});
