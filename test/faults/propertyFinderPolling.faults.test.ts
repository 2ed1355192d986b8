/**
 * Fault injection for the Property Finder Polling Trigger, through n8n-core's real PollContext:
 * over 10,000 leads arrive across many polls while the simulator answers GET /v1/leads with
 * 429 (with and without Retry-After), 5xx, hangs past the timeout and garbled bodies, some polls
 * fail outright mid-pagination (429 or 5xx until the retries run out, an HTML firewall page),
 * n8n "crashes" during a poll (its result and static data are never saved) and restarts from
 * the saved static data at random points. Late leads land inside the overlap and between page
 * fetches, and leads share one millisecond across page boundaries and at the cursor.
 *
 * Asserted: every lead emitted exactly once (no loss, no repeat), oldest first within a poll; a
 * failed poll leaves the saved static data byte for byte as it was; the static data stays small;
 * the token endpoint is called about once per 30 minutes of (simulated) time.
 *
 * Only Date is faked (timers and I/O are real), so "time passes" moves the node's clock and the
 * simulator's together. The node has no timeout option: the test's credentials helper gives
 * every authenticated request a 500 ms timeout, so a hanging request fails in the transport the
 * way a 30-second timeout would in production.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';

import { TestCredentialsHelper } from '../harness/n8n';
import { TriggerHarness } from '../harness/triggers';
import { fakeDateOnly } from '../harness/assert';
import { seededRandom } from '../../tooling/simulators/framework';
import type { SimRequest } from '../../tooling/simulators/framework';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('fault-pf-poll');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const START = Date.parse('2026-03-09T06:00:00.000Z');
const TARGET = 10_000;
/** Minutes between polls, and the node's overlap. */
const POLL_EVERY = 4;
const OVERLAP = 2;
/** Leads per timestamp: 50-lead pages end inside a group. */
const GROUP = 7;
const REQUEST_TIMEOUT_MS = 500;

/** Every authenticated request gets a short timeout (the node itself uses 30 s). */
class ShortTimeoutCredentialsHelper extends TestCredentialsHelper {
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const options = await super.authenticate(credentials, typeName, requestOptions);
		options.timeout = REQUEST_TIMEOUT_MS;
		return options;
	}
}

let sim: PropertyFinderSimulator;

beforeAll(async () => {
	fakeDateOnly();
	jest.setSystemTime(START);
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	// The clock is frozen during a poll, so the per-minute data limit would never reset.
	sim.dataLimitPerMinute = 1_000_000;
	await sim.start();
});

afterAll(async () => {
	await sim.stop();
	jest.useRealTimers();
});

function pass(ms: number) {
	jest.setSystemTime(Date.now() + ms);
}

const leadsPath = (req: SimRequest) => req.path === '/v1/leads';

type Scenario = 'clean' | 'fail-429' | 'fail-5xx' | 'fail-html' | 'crash' | 'budget';

/** What happens to each poll, in turn (random faults come on top of every one). */
const PLAN: Scenario[] = ['clean', 'fail-429', 'clean', 'crash', 'fail-5xx', 'budget', 'clean', 'fail-html', 'crash', 'clean'];

it(
	'emits each of 10,000+ leads exactly once through faults mid-pagination, failed polls and restarts',
	async () => {
		// Separate streams: how many pages a poll reads must not change the plan of the run.
		const random = seededRandom(20260309);
		const pageRandom = seededRandom(777);
		const credentialsHelper = new ShortTimeoutCredentialsHelper();
		const parameters = { filters: {}, simplify: true, options: { overlapMinutes: OVERLAP } };
		const make = (staticData?: IDataObject) =>
			new TriggerHarness({
				type: 'propertyFinderPollingTrigger',
				parameters,
				credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
				credentialsHelper,
				staticData,
				workflowId: 'pf-poll-faults',
			});

		// Leads from before the activation: the baseline makes them old, they are never emitted.
		for (let i = 0; i < 30; i++) sim.addLead({ createdAt: new Date(sim.now - (40 - i) * MINUTE).toISOString() });
		const before = new Set(sim.leads.map((lead) => lead.id));
		let h = make();
		expect(await h.poll()).toBeNull();
		// Late leads are dated after the newest lead the baseline saw (or inside its window).
		const baselineTop = (h.nodeStaticData().pollState as { cursor: number | null }).cursor ?? sim.now - OVERLAP * MINUTE;

		const emitted = new Map<string, number>();
		const record = (result: INodeExecutionData[][] | null) => {
			const items = result?.[0] ?? [];
			const times = items.map((item) => Date.parse(String(item.json.createdAt)));
			expect(times).toEqual([...times].sort((a, b) => a - b));
			for (const item of items) {
				const id = String(item.json.id);
				emitted.set(id, (emitted.get(id) ?? 0) + 1);
			}
		};

		// Leads Property Finder lists late, between two page fetches of a poll: pages shift under
		// the poller, and the late lead is older than what it has already read.
		let lateBetweenPages = 0;
		let slowPages = false;
		// Pages answered in the current poll (the node pages by time, so `page` stays mostly 1).
		let pagesInPoll = 0;
		sim.onLeadsPage = () => {
			// Pages that take a second each (the clock is fake: nothing waits).
			if (slowPages) pass(SECOND);
			if (++pagesInPoll >= 2 && pageRandom() < 0.3) {
				lateBetweenPages++;
				const at = Math.max(baselineTop + 1, sim.now - (40 + Math.floor(pageRandom() * 60)) * SECOND);
				sim.addLead({ createdAt: new Date(at).toISOString() });
			}
		};

		const counts: Record<Scenario, number> = { clean: 0, 'fail-429': 0, 'fail-5xx': 0, 'fail-html': 0, crash: 0, budget: 0 };
		let restarts = 0;
		let lateInOverlap = 0;
		let largestState = 0;
		let pollNo = 0;
		let failedPolls = 0;
		const seenFaults = new Set<string>();

		while (sim.leads.length - before.size < TARGET) {
			pollNo++;
			// The leads of the coming poll interval, in groups sharing one millisecond; each becomes
			// visible to the poller once its time has passed (the newest only on the next poll).
			const groups = Math.floor((POLL_EVERY * MINUTE) / (5 * SECOND));
			for (let g = 0; g < groups; g++) {
				const at = new Date(sim.now + (g + 1) * 5 * SECOND).toISOString();
				for (let k = 0; k < GROUP; k++) sim.addLead({ createdAt: at });
			}
			pass(POLL_EVERY * MINUTE);

			sim.faultRates(
				{
					rateLimited: 0.2,
					serverError: 0.03,
					unavailable: 0.02,
					timeout: 0.02,
					malformed: 0.01,
					// Retry-After "0" on two polls in three, none (exponential backoff) on the others.
					retryAfter: pollNo % 3 === 0 ? undefined : '0',
					match: leadsPath,
				},
				pollNo,
			);
			const scenario: Scenario = pollNo <= 2 ? 'clean' : PLAN[pollNo % PLAN.length];
			counts[scenario]++;
			// Mid-pagination: the 2nd, 3rd or 4th distinct page request of this poll (its retries too).
			pagesInPoll = 0;
			const pageOrdinals = new Map<string, number>();
			const failAt = (req: SimRequest) => {
				if (!leadsPath(req)) return false;
				const key = `${String(req.query.createdAtFrom)}|${String(req.query.page)}`;
				if (!pageOrdinals.has(key)) pageOrdinals.set(key, pageOrdinals.size);
				return pageOrdinals.get(key) === 1 + (pollNo % 3);
			};
			if (scenario === 'fail-429') {
				sim.fault({ kind: 'status', status: 429, retryAfter: '0', body: { type: 'RATE_LIMIT', title: 'Too Many Requests', detail: 'Rate limit exceeded' } }, { times: 6, match: failAt });
			} else if (scenario === 'fail-5xx') {
				sim.fault({ kind: 'status', status: 502, retryAfter: '0' }, { times: 6, match: failAt });
			} else if (scenario === 'fail-html') {
				sim.fault({ kind: 'html', status: pollNo % 2 === 0 ? 200 : 403 }, { match: failAt });
			}

			const saved = JSON.stringify(h.saved());
			const firstRequest = sim.requests.length;
			slowPages = scenario === 'budget';
			type PollError = Error & { httpCode?: string; failure?: IDataObject; description?: string };
			let error: PollError | undefined;
			let result: INodeExecutionData[][] | null = null;
			try {
				result = await h.poll('trigger', scenario === 'budget' ? { budgetMs: SECOND } : {});
			} catch (caught) {
				error = caught as PollError;
			}
			if (error) {
				failedPolls++;
				expect(error.constructor.name).toBe('NodeApiError');
				const text = JSON.stringify(error) + error.message + String(error.description ?? '');
				expect(text).not.toContain(API_KEY);
				expect(text).not.toContain(API_SECRET);
				// A failed poll advances nothing.
				expect(JSON.stringify(h.saved())).toBe(saved);
			}
			if (scenario === 'fail-429') {
				expect(error?.httpCode).toBe('429');
				expect(error?.failure).toMatchObject({ cause: 'rate-limited' });
			} else if (scenario === 'fail-5xx') {
				expect(error?.httpCode).toBe('502');
			} else if (scenario === 'fail-html') {
				expect(error?.message).toMatch(/web page/);
			} else if (scenario === 'crash') {
				// n8n died during the poll: nothing it emitted ran, its static data was not saved.
				h = make(JSON.parse(saved) as IDataObject);
				restarts++;
			} else if (scenario === 'budget' && !error) {
				// Pages of a second against a one-second budget: the poll read pages only until it
				// had read an unseen lead (re-reading the overlap alone would make no progress),
				// stopped there, emitted what it read, and the next poll continues from there.
				const emittedNow = result?.[0]?.length ?? 0;
				expect(emittedNow).toBeGreaterThan(0);
				expect(emittedNow).toBeLessThan(groups * GROUP);
				expect(firstRequest).toBeLessThan(sim.requests.length);
				record(result);
			} else {
				// Random faults alone may still exhaust the retries of one page (rarely): that poll
				// fails like the planned ones, and the next one catches up.
				record(result);
			}
			for (const request of sim.requests) if (request.fault) seenFaults.add(request.status === 429 ? '429' : request.fault);
			sim.clearFaults();
			slowPages = false;

			// n8n restarts between polls now and then, from the saved static data.
			if (random() < 0.2) {
				h = make(h.saved());
				restarts++;
			}

			const state = h.nodeStaticData().pollState as { cursor: number };
			// A lead listed late, dated inside the overlap, and one at the exact cursor instant.
			const late = Math.max(baselineTop + 1, state.cursor - Math.floor(random() * (OVERLAP * MINUTE - 10 * SECOND)));
			sim.addLead({ createdAt: new Date(late).toISOString() });
			sim.addLead({ createdAt: new Date(state.cursor).toISOString() });
			lateInOverlap++;
			largestState = Math.max(largestState, JSON.stringify(h.saved()).length);
		}

		// Faults off: the last leads come in.
		sim.onLeadsPage = undefined;
		sim.clearFaults();
		for (let i = 0; i < 3; i++) {
			pass(POLL_EVERY * MINUTE);
			record(await h.poll());
		}
		largestState = Math.max(largestState, JSON.stringify(h.saved()).length);

		// The run exercised what it claims to.
		const expected = sim.leads.filter((lead) => !before.has(lead.id)).map((lead) => lead.id);
		expect(expected.length).toBeGreaterThanOrEqual(TARGET);
		expect(lateBetweenPages).toBeGreaterThan(25);
		expect(lateInOverlap).toBeGreaterThan(20);
		for (const scenario of Object.keys(counts) as Scenario[]) expect(counts[scenario]).toBeGreaterThan(0);
		expect(restarts).toBeGreaterThan(3);
		expect(failedPolls).toBeGreaterThanOrEqual(counts['fail-429'] + counts['fail-5xx'] + counts['fail-html']);
		expect([...seenFaults].sort()).toEqual(['429', 'hang', 'html', 'malformed', 'status'].sort());
		expect(sim.calls('GET', '/v1/leads').some((call) => call.status === 503)).toBe(true);
		expect(sim.calls('GET', '/v1/leads').some((call) => call.status === 500)).toBe(true);

		// Exactly once: nothing lost, nothing repeated, nothing from before the activation.
		const missing = expected.filter((id) => !emitted.has(id));
		const repeated = [...emitted].filter(([, count]) => count !== 1).map(([id]) => id);
		expect(missing).toEqual([]);
		expect(repeated).toEqual([]);
		expect([...emitted.keys()].filter((id) => before.has(id))).toEqual([]);
		expect(emitted.size).toBe(expected.length);

		// Small state whatever the volume.
		expect(largestState).toBeLessThan(40_000);
		expect((h.nodeStaticData().pollState as { seen: unknown[] }).seen.length).toBeLessThanOrEqual(2000);

		// One token per 30 minutes of simulated time (and one at the start), across restarts.
		const minutes = (Date.now() - START) / MINUTE;
		expect(sim.tokenCalls).toBeLessThanOrEqual(Math.ceil(minutes / 30) + 1);
		expect(sim.tokenCalls).toBe(credentialsHelper.preAuthentications.propertyFinderApi);
	},
	150_000,
);
