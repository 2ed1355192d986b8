/**
 * Model-based test of how "Skip Already Sent" claims lead keys (nodes/shared/claims.ts) when
 * several executions use n8n's processed-items store at the same moment (queue-mode workers).
 *
 * The store model is n8n 2.41's `DeduplicationHelper` as it behaves under concurrency: every
 * record or removal reads the node's whole array, waits (the database round trip and the
 * process's scheduling), then writes the whole array back, so a write replaces whatever
 * another execution wrote in between. Everything runs on jest's fake clock; fast-check draws
 * the executions (their leads, start times) and the store's delays; the failing seed and path
 * are printed.
 */
import fc from 'fast-check';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { KeyStore } from '../../nodes/shared/claims';
import { CLAIM_SETTLE_MS, claimKeys, nodeKeyStore } from '../../nodes/shared/claims';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** n8n's store under concurrency: read the whole array, wait, write the whole array. */
class RacyStore implements KeyStore {
	data: string[] = [];

	operations = 0;

	constructor(private readonly delay: () => number) {}

	async record(keys: string[]) {
		this.operations++;
		await wait(this.delay());
		const copy = [...this.data];
		await wait(this.delay());
		const result = { new: [] as string[], processed: [] as string[] };
		for (const key of keys) {
			if (copy.includes(key)) result.processed.push(key);
			else {
				copy.push(key);
				result.new.push(key);
			}
		}
		this.data = copy;
		return result;
	}

	async remove(keys: string[]) {
		this.operations++;
		await wait(this.delay());
		const copy = this.data.filter((key) => !keys.includes(key));
		await wait(this.delay());
		this.data = copy;
	}
}

interface Execution {
	leads: number[];
	startMs: number;
}

type Claimer = (store: KeyStore, keys: string[], token: string) => Promise<{ won: Set<string>; unsettled: Set<string> }>;

const protocol: Claimer = async (store, keys, token) => await claimKeys(store, keys, token);

/** What a claim was before claims.ts: record once, send what was new. */
const recordOnce: Claimer = async (store, keys) => ({
	won: new Set((await store.record(keys)).new),
	unsettled: new Set(),
});

async function simulate(executions: Execution[], maxDelayMs: number, seed: number, claimer: Claimer) {
	let state = seed >>> 0 || 1;
	const delay = () => {
		state = (state * 1_103_515_245 + 12_345) >>> 0;
		return state % (maxDelayMs + 1);
	};
	const store = new RacyStore(delay);
	const runs = executions.map(async (execution, index) => {
		await wait(execution.startMs);
		const keys = [...new Set(execution.leads)].map((lead) => `pf:${lead}`);
		return await claimer(store, keys, `exec-${index}`);
	});
	let finished = false;
	const all = Promise.all(runs).then((claims) => {
		finished = true;
		return claims;
	});
	for (let guard = 0; !finished && guard < 10_000; guard++) await jest.advanceTimersByTimeAsync(50);
	return { claims: await all, store };
}

/** Keys sent by more than one execution; keys claimed but sent by nobody and reported by nobody. */
function judge(executions: Execution[], claims: Array<{ won: Set<string>; unsettled: Set<string> }>) {
	const keys = new Set(executions.flatMap((execution) => execution.leads.map((lead) => `pf:${lead}`)));
	const twice: string[] = [];
	const silentlyLost: string[] = [];
	for (const key of keys) {
		const winners = claims.filter((claim) => claim.won.has(key)).length;
		if (winners > 1) twice.push(key);
		if (winners === 0 && !claims.some((claim) => claim.unsettled.has(key))) silentlyLost.push(key);
	}
	return { twice, silentlyLost };
}

const executionsArb = fc.array(
	fc.record({
		leads: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
		startMs: fc.integer({ min: 0, max: 1_500 }),
	}),
	{ minLength: 2, maxLength: 6 },
);

describe('claiming lead keys in a store without a lock (model-based)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 11, 2) }));
	afterEach(() => jest.useRealTimers());

	it('store operations shorter than the settle wait: no lead sent twice, none lost without an error item', async () => {
		await fc.assert(
			fc.asyncProperty(executionsArb, fc.integer({ min: 0, max: 200 }), fc.integer(), async (executions, maxDelay, seed) => {
				const { claims } = await simulate(executions, maxDelay, seed, protocol);
				expect(judge(executions, claims)).toEqual({ twice: [], silentlyLost: [] });
			}),
			{ numRuns: 200, verbose: true },
		);
	}, 300_000);

	it('executions of the same moment with different leads: each lead sent by its own execution, or reported not sent', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 100 }), fc.integer(), async (count, maxDelay, seed) => {
				const executions = Array.from({ length: count }, (_, i) => ({ leads: [i + 1], startMs: 0 }));
				const { claims } = await simulate(executions, maxDelay, seed, protocol);
				// Dropped claims are claimed again; what ends unsent is reported, never silent.
				expect(judge(executions, claims)).toEqual({ twice: [], silentlyLost: [] });
				const sent = claims.filter((claim, i) => claim.won.has(`pf:${i + 1}`)).length;
				const unsettled = claims.filter((claim) => claim.unsettled.size > 0).length;
				expect(sent + unsettled).toBe(count);
			}),
			{ numRuns: 100, verbose: true },
		);
	}, 300_000);

	// The model is hostile enough to matter: n8n's store used as it is (record once, send what
	// was new) sends a lead twice; and the protocol's one assumption is needed (a store
	// operation longer than the settle wait can let two claims hold).
	it('the model finds the race: recording once sends a lead twice', async () => {
		const result = await fc.check(
			fc.asyncProperty(executionsArb, fc.integer({ min: 1, max: 200 }), fc.integer(), async (executions, maxDelay, seed) => {
				const { claims } = await simulate(executions, maxDelay, seed, recordOnce);
				return judge(executions, claims).twice.length === 0;
			}),
			{ numRuns: 200 },
		);
		expect(result.failed).toBe(true);
	}, 300_000);

	it('the model finds the limit: store operations longer than the settle wait can send a lead twice', async () => {
		const result = await fc.check(
			fc.asyncProperty(executionsArb, fc.integer(), async (executions, seed) => {
				const { claims } = await simulate(executions, 3 * CLAIM_SETTLE_MS, seed, protocol);
				return judge(executions, claims).twice.length === 0;
			}),
			{ numRuns: 300 },
		);
		expect(result.failed).toBe(true);
	}, 300_000);
});

describe('a claim alone', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 11, 2) }));
	afterEach(() => jest.useRealTimers());

	it('leaves the keys in the store and none of its markers, also for keys that were there before', async () => {
		const store = new RacyStore(() => 0);
		store.data = ['pf:1'];
		const claim = claimKeys(store, ['pf:1', 'pf:2'], 'run-a');
		await jest.advanceTimersByTimeAsync(2 * CLAIM_SETTLE_MS);
		await expect(claim).resolves.toEqual({
			seen: new Set(['pf:1']),
			won: new Set(['pf:2']),
			lost: new Set(),
			unsettled: new Set(),
		});
		expect(store.data).toEqual(['pf:1', 'pf:2']);
	});
});

describe("n8n's store as the node uses it", () => {
	function contextWith(helpers: Partial<IExecuteFunctions['helpers']>) {
		return { helpers } as unknown as IExecuteFunctions;
	}

	it("retries the first record of a node that collided with another execution's (primary key of processed_data)", async () => {
		const calls: string[][] = [];
		const recorded = new Set<string>(['pf:1']);
		const store = nodeKeyStore(
			contextWith({
				checkProcessedAndRecord: async (items) => {
					calls.push(items.map(String));
					if (calls.length === 1) {
						throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
					}
					return {
						new: items.filter((item) => !recorded.has(String(item))),
						processed: items.filter((item) => recorded.has(String(item))),
					};
				},
			}),
			100,
		);
		await expect(store.record(['pf:1', 'pf:2'])).resolves.toEqual({ new: ['pf:2'], processed: ['pf:1'] });
		expect(calls).toHaveLength(2);
	});

	it('does not retry other errors of the store', async () => {
		let calls = 0;
		const store = nodeKeyStore(
			contextWith({
				checkProcessedAndRecord: async () => {
					calls++;
					throw new Error('Deduplication data was originally saved with an incompatible setting');
				},
			}),
			100,
		);
		await expect(store.record(['pf:1'])).rejects.toThrow('incompatible setting');
		expect(calls).toBe(1);
	});
});
