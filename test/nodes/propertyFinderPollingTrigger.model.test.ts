/**
 * Model-based test of the Property Finder Polling Trigger: fast-check generates short random
 * histories — leads arriving (equal timestamps, milliseconds, listed late within the lateness
 * window, bursts that span several pages), leads reassigned into and out of the agent filter,
 * pages shifting during a read (a lead listed late or reassigned between two page requests),
 * polls failing mid-pagination, n8n restarts, Overlap edits, channel filter edits, Since set or
 * changed — and runs them against the real node through n8n-core's PollContext and the Property
 * Finder simulator over HTTP. Only Date is faked.
 *
 * After every step:
 * - no lead is ever emitted twice by the node;
 * - nothing old: without Since, no lead that matched the filters at the first activation is
 *   emitted; with Since, no lead created before it;
 * - after every successful poll, every lead that must have been emitted was: it matches the
 *   filters and has done so since it appeared (was listed, or entered the filters) at a moment
 *   at most the lateness window (the smallest Overlap of the history) after its createdAt,
 *   before the poll started, and its createdAt is inside the poll's time window;
 * - the state stays bounded: at most 2,000 remembered ids, all inside one overlap behind the
 *   cursor, and small static data.
 *
 * The seed is fixed (FC_SEED overrides it); fast-check prints it with the shrunk history on a
 * failure.
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { TestCredentialsHelper } from '../harness/n8n';
import { TriggerHarness } from '../harness/triggers';
import { fakeDateOnly } from '../harness/assert';
import type { SimRequest } from '../../tooling/simulators/framework';
import type { PfLead } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-model');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const START = Date.parse('2026-04-06T09:00:00.000Z');
const RUNS = 500;
const SEED = Number(process.env.FC_SEED ?? 20261201);
/** The node's lag (state.ts): a poll asks for leads up to its start minus this. */
const LAG = 30 * SECOND;
const MAX_SEEN = 2000;
const CHANNELS: Array<PfLead['channel']> = ['call', 'email', 'whatsapp'];
/** Leads are assigned among three agents; the node filters on the first two. */
const AGENTS = [1001, 1002, 1003];
const AGENT_FILTER = [1001, 1002];
const OVERLAPS = [2, 5, 10, 20];

type Step =
	| { kind: 'arrive'; count: number; channel: number; agent: number; late: number; ms: number; tie: boolean; echo: boolean }
	| { kind: 'burst'; count: number; channel: number }
	| { kind: 'wait'; ms: number }
	| { kind: 'poll'; failAt: number | null; shift: 'none' | 'late' | 'leave' | 'enter'; shiftAt: number }
	| { kind: 'restart' }
	| { kind: 'overlap'; minutes: number }
	| { kind: 'channels'; channels: number[] }
	| { kind: 'since'; hoursAgo: number | null }
	| { kind: 'reassign'; pick: number; agent: number };

interface History {
	overlap: number;
	since: number | null;
	channels: number[];
	existing: number;
	steps: Step[];
}

const channelSet = fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			kind: fc.constant('arrive' as const),
			count: fc.integer({ min: 1, max: 3 }),
			channel: fc.integer({ min: 0, max: 2 }),
			agent: fc.integer({ min: 0, max: 2 }),
			late: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
			ms: fc.integer({ min: 0, max: 999 }),
			tie: fc.boolean(),
			echo: fc.boolean(),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('burst' as const), count: fc.integer({ min: 45, max: 70 }), channel: fc.integer({ min: 0, max: 2 }) }) },
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: SECOND, max: 12 * MINUTE }) }) },
	{
		weight: 6,
		arbitrary: fc.record({
			kind: fc.constant('poll' as const),
			failAt: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
			shift: fc.constantFrom('none' as const, 'none' as const, 'late' as const, 'leave' as const, 'enter' as const),
			shiftAt: fc.integer({ min: 0, max: 2 }),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('overlap' as const), minutes: fc.constantFrom(...OVERLAPS) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('channels' as const), channels: channelSet }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('since' as const), hoursAgo: fc.option(fc.integer({ min: 1, max: 72 })) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('reassign' as const), pick: fc.nat(), agent: fc.integer({ min: 0, max: 2 }) }) },
);
const history: fc.Arbitrary<History> = fc.record({
	overlap: fc.constantFrom(...OVERLAPS),
	since: fc.option(fc.integer({ min: 1, max: 72 }), { freq: 3 }),
	channels: channelSet,
	// A few leads from before the activation, or enough for a backfill of several pages.
	existing: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 50, max: 75 })),
	steps: fc.array(step, { minLength: 3, maxLength: 14 }),
});

interface Tracked {
	lead: PfLead;
	createdAt: number;
	/** Since when it has matched the node's filters without a break (null: it does not match). */
	matchingSince: number | null;
	/** It matched the filters at the first activation (without Since: old, never emitted). */
	oldAtActivation: boolean;
}

/** What the histories exercised (asserted at the end, so the generators cannot silently drift). */
const coverage = {
	multiPageReads: 0,
	failedPolls: 0,
	pageShifts: 0,
	restarts: 0,
	filterEditsWhileActive: 0,
	overlapRaisesWhileActive: 0,
	sinceBackfills: 0,
	sinceEditsWhileActive: 0,
	lateLeadsEmitted: 0,
	sharedTimestamps: 0,
	subSecondLeads: 0,
};

let sim: PropertyFinderSimulator;
const credentialsHelper = new TestCredentialsHelper();
let runNo = 0;

beforeAll(async () => {
	fakeDateOnly();
	jest.setSystemTime(START);
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	sim.dataLimitPerMinute = 1_000_000;
	await sim.start();
});

afterAll(async () => {
	await sim.stop();
	jest.useRealTimers();
});

function ids(result: INodeExecutionData[][] | null): string[] {
	return (result?.[0] ?? []).map((item) => String(item.json.id));
}

async function run(h0: History): Promise<void> {
	runNo++;
	jest.setSystemTime(START + runNo * 7 * 24 * 60 * MINUTE);
	sim.leads.length = 0;
	sim.clearFaults();
	sim.resetLog();
	sim.onLeadsPage = undefined;

	const lateness = Math.min(h0.overlap, ...h0.steps.flatMap((s) => (s.kind === 'overlap' ? [s.minutes] : []))) * MINUTE;
	const sinceOf = (hoursAgo: number | null) => (hoursAgo === null ? '' : new Date(Date.now() - hoursAgo * 60 * MINUTE).toISOString());
	const params: IDataObject = {
		filters: { channel: h0.channels.map((i) => CHANNELS[i]), publicProfileId: AGENT_FILTER },
		simplify: true,
		options: { overlapMinutes: h0.overlap, since: sinceOf(h0.since) },
	};
	const workflowId = `model-${runNo}`;
	const make = (staticData?: IDataObject) =>
		new TriggerHarness({
			type: 'propertyFinderPollingTrigger',
			parameters: JSON.parse(JSON.stringify(params)) as IDataObject,
			credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
			credentialsHelper,
			staticData,
			workflowId,
		});
	let h = make();
	/** An edit of the active workflow: the node reads its parameters at the next poll. */
	const edit = () => {
		h.node.parameters.filters = JSON.parse(JSON.stringify(params.filters)) as INodeParameters;
		h.node.parameters.options = JSON.parse(JSON.stringify(params.options)) as INodeParameters;
	};

	const tracked = new Map<string, Tracked>();
	const emitted = new Map<string, number>();
	let activated = false;
	let since: number | null = null;
	let largestOverlap = h0.overlap;

	const matches = (lead: PfLead) => {
		const channels = (params.filters as IDataObject).channel as string[];
		return (channels.length === 0 || channels.includes(lead.channel)) && AGENT_FILTER.includes(lead.publicProfile.id);
	};
	const refresh = () => {
		for (const entry of tracked.values()) {
			if (!matches(entry.lead)) entry.matchingSince = null;
			else if (entry.matchingSince === null) entry.matchingSince = Date.now();
		}
	};
	const add = (partial: Partial<PfLead>) => {
		const lead = sim.addLead(partial);
		tracked.set(lead.id, { lead, createdAt: Date.parse(lead.createdAt), matchingSince: null, oldAtActivation: false });
		refresh();
		return lead;
	};
	const reassign = (pick: number, agent: number) => {
		const all = [...tracked.values()];
		if (all.length === 0) return;
		all[pick % all.length].lead.publicProfile = { id: AGENTS[agent] };
		refresh();
	};
	/**
	 * A createdAt exactly one overlap (plus under a second) after a recent lead's: the window of
	 * a later poll then starts inside that lead's second.
	 */
	const echo = (delta: number) => {
		const overlap = Number((params.options as IDataObject).overlapMinutes) * MINUTE;
		const candidates = [...tracked.values()]
			.map((entry) => entry.createdAt + overlap + 1 + (delta % 999))
			.filter((at) => at <= Date.now() && at >= Date.now() - lateness);
		return candidates.length > 0 ? candidates[candidates.length - 1] : undefined;
	};
	const recentTie = () => {
		// The createdAt of a recent lead, for leads that share one millisecond.
		const recent = [...tracked.values()].filter((entry) => entry.createdAt >= Date.now() - lateness);
		return recent.length > 0 ? recent[recent.length - 1].createdAt : undefined;
	};

	// Leads that exist before the first activation, up to three days old, newest first.
	const spacing = h0.existing > 10 ? 50 * MINUTE : 9 * 60 * MINUTE;
	for (let i = 0; i < h0.existing; i++) {
		add({
			channel: CHANNELS[i % 3],
			publicProfile: { id: AGENTS[i % 3] },
			createdAt: new Date(Date.now() - (i + 1) * spacing - i * 137).toISOString(),
		});
	}

	const check = (where: string) => {
		for (const [id, count] of emitted) {
			if (count > 1) throw new Error(`${where}: ${id} emitted ${count} times`);
			const entry = tracked.get(id)!;
			if (since === null && entry.oldAtActivation) throw new Error(`${where}: ${id} existed at the activation and was emitted`);
			if (since !== null && entry.createdAt < since) throw new Error(`${where}: ${id} is older than Since and was emitted`);
		}
		const state = h.nodeStaticData().pollState as { cursor: number | null; floor: number; seen: Array<[string, number]> } | undefined;
		if (state) {
			if (state.seen.length > MAX_SEEN) throw new Error(`${where}: ${state.seen.length} remembered ids`);
			if (state.seen.some(([, at]) => at < state.floor)) throw new Error(`${where}: an id older than the floor is kept`);
			if (state.cursor !== null && state.floor < state.cursor - largestOverlap * MINUTE) {
				throw new Error(`${where}: the floor is more than one overlap behind the cursor`);
			}
			if (JSON.stringify(h.saved()).length > 100_000) throw new Error(`${where}: the static data grew too large`);
		}
	};

	/** After a successful poll that started at `startedAt`: what it must have emitted by now. */
	const checkComplete = (where: string, startedAt: number, firstActivation: boolean) => {
		const to = Math.floor((startedAt - LAG) / SECOND) * SECOND;
		for (const [id, entry] of tracked) {
			if (emitted.has(id) || entry.matchingSince === null || entry.matchingSince > startedAt || entry.createdAt > to) continue;
			let owed: boolean;
			if (entry.oldAtActivation) owed = since !== null && entry.createdAt >= since;
			else owed = !firstActivation && entry.matchingSince - entry.createdAt <= lateness;
			if (owed) {
				throw new Error(
					`${where}: ${id} (created ${new Date(entry.createdAt).toISOString()}, matching since ${new Date(entry.matchingSince).toISOString()}) was not emitted`,
				);
			}
		}
	};

	const steps = [...h0.steps, { kind: 'wait', ms: 2 * MINUTE } as Step, { kind: 'poll', failAt: null, shift: 'none', shiftAt: 0 } as Step];
	for (const [index, s] of steps.entries()) {
		const where = `step ${index} (${s.kind})`;
		switch (s.kind) {
			case 'arrive': {
				const tie = s.echo ? echo(s.ms) : s.tie ? recentTie() : undefined;
				for (let k = 0; k < s.count; k++) {
					const createdAt = tie ?? Math.max(Date.now() - Math.floor(s.late * lateness) - s.ms, Date.now() - lateness);
					add({ channel: CHANNELS[(s.channel + k) % 3], publicProfile: { id: AGENTS[(s.agent + k) % 3] }, createdAt: new Date(createdAt).toISOString() });
				}
				break;
			}
			case 'burst':
				// Many leads over the last minute, some sharing one millisecond: several pages.
				for (let k = 0; k < s.count; k++) {
					const createdAt = Date.now() - MINUTE + Math.floor((k * MINUTE) / s.count / 500) * 500 + (k % 2) * 250;
					add({ channel: CHANNELS[(s.channel + k) % 3], publicProfile: { id: AGENTS[k % 2] }, createdAt: new Date(createdAt).toISOString() });
				}
				break;
			case 'wait':
				jest.setSystemTime(Date.now() + s.ms);
				break;
			case 'restart':
				if (activated) coverage.restarts++;
				h = make(h.saved());
				break;
			case 'overlap':
				if (activated && s.minutes > Number((params.options as IDataObject).overlapMinutes)) coverage.overlapRaisesWhileActive++;
				(params.options as IDataObject).overlapMinutes = s.minutes;
				edit();
				largestOverlap = Math.max(largestOverlap, s.minutes);
				break;
			case 'channels':
				if (activated) coverage.filterEditsWhileActive++;
				(params.filters as IDataObject).channel = s.channels.map((i) => CHANNELS[i]);
				edit();
				refresh();
				break;
			case 'since':
				if (activated) coverage.sinceEditsWhileActive++;
				(params.options as IDataObject).since = sinceOf(s.hoursAgo);
				edit();
				break;
			case 'reassign':
				reassign(s.pick, s.agent);
				break;
			case 'poll': {
				const startedAt = Date.now();
				const firstActivation = !activated;
				const pollState = () => JSON.stringify(h.nodeStaticData().pollState ?? null);
				const saved = pollState();
				const distinct = new Map<string, number>();
				const ordinal = (req: SimRequest) => {
					const key = `${String(req.query.createdAtFrom)}|${String(req.query.page)}`;
					if (!distinct.has(key)) distinct.set(key, distinct.size);
					return distinct.get(key)!;
				};
				if (s.failAt !== null) {
					const failAt = s.failAt;
					sim.fault({ kind: 'html', status: 403 }, { match: (req) => req.path === '/v1/leads' && ordinal(req) === failAt });
				}
				let pages = 0;
				sim.onLeadsPage = (_, served) => {
					if (pages++ !== s.shiftAt || s.shift === 'none') return;
					// Between two page requests, one millisecond after the poll started.
					jest.setSystemTime(Date.now() + 1);
					coverage.pageShifts++;
					if (s.shift === 'late') {
						add({ channel: CHANNELS[pages % 3], publicProfile: { id: AGENT_FILTER[pages % 2] }, createdAt: new Date(Date.now() - Math.floor(lateness / 2)).toISOString() });
					} else if (s.shift === 'leave' && served.length > 0) {
						// A lead of the page just served is reassigned out of the agent filter: the
						// leads after it move up by one.
						served[0].publicProfile = { id: 1003 };
						refresh();
					} else if (s.shift === 'enter') {
						const outside = [...tracked.values()].filter((entry) => entry.lead.publicProfile.id === 1003);
						if (outside.length > 0) outside[(pages * 7) % outside.length].lead.publicProfile = { id: AGENT_FILTER[pages % 2] };
						refresh();
					}
				};
				let result: INodeExecutionData[][] | null = null;
				let failed: unknown;
				try {
					result = await h.poll();
				} catch (error) {
					failed = error;
				} finally {
					sim.onLeadsPage = undefined;
					sim.clearFaults();
				}
				if (pages > 1) coverage.multiPageReads++;
				if (failed !== undefined) {
					coverage.failedPolls++;
					if (s.failAt === null) throw failed;
					if (pollState() !== saved) throw new Error(`${where}: a failed poll changed the state`);
					break;
				}
				for (const id of ids(result)) {
					emitted.set(id, (emitted.get(id) ?? 0) + 1);
					const entry = tracked.get(id)!;
					if (entry.matchingSince !== null && entry.matchingSince - entry.createdAt > 30 * SECOND && !entry.oldAtActivation) coverage.lateLeadsEmitted++;
					if (entry.createdAt % SECOND !== 0) coverage.subSecondLeads++;
					if ([...tracked.values()].some((other) => other !== entry && other.createdAt === entry.createdAt)) coverage.sharedTimestamps++;
				}
				if (firstActivation) {
					activated = true;
					const sinceParam = (params.options as IDataObject).since;
					since = sinceParam ? Date.parse(String(sinceParam)) : null;
					if (since !== null && result !== null) coverage.sinceBackfills++;
					for (const entry of tracked.values()) {
						if (entry.matchingSince !== null && entry.matchingSince <= startedAt) entry.oldAtActivation = true;
					}
					if (since === null && result !== null) throw new Error(`${where}: the first activation emitted leads`);
				}
				check(where);
				checkComplete(where, startedAt, firstActivation && since === null);
				break;
			}
		}
		check(where);
	}
}

it(`polling trigger model: ${RUNS} random histories, no lead twice, none lost inside the lateness window`, async () => {
	await fc.assert(fc.asyncProperty(history, run), { numRuns: RUNS, seed: SEED });
	for (const [what, count] of Object.entries(coverage)) {
		if (process.env.FC_COVERAGE) console.log(what, count);
		if (count < 20) throw new Error(`the histories exercised ${what} only ${count} times: ${JSON.stringify(coverage)}`);
	}
}, 300_000);
