/**
 * Model-based test of the ClosingDealz pacing across queue-mode workers: several n8n worker
 * processes use one API key, each with its own limiter (the per-process memory a worker has),
 * against a server that counts 100 requests per 60 s sliding window per key and refuses beyond
 * with a bare 429 (no Retry-After, no rate headers: API-NOTES §5), not counting what it refused.
 *
 * Everything runs on jest's fake clock (the transport's `sleep` and `Date.now` included): the
 * real transport (`closingDealzRequest`, retries and all) and the real limiter, with only the
 * HTTP layer replaced by the server model. fast-check draws the workers' start offsets, their
 * sizes and the latency; the failing seed and path are printed.
 */
import fc from 'fast-check';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { closingDealzRequest } from '../../nodes/ClosingDealz/transport';
import { SlidingWindowLimiter } from '../../nodes/shared/concurrency';
import type { RequestContext } from '../../nodes/shared/transport';

const LIMIT = 100;
const SERVER_WINDOW_MS = 60_000;
/** As closingDealzLimiter paces: the server's window and 5 % (nodes/ClosingDealz/transport). */
const PACED_WINDOW_MS = Math.ceil(SERVER_WINDOW_MS * 1.05);

class ServerModel {
	private readonly counted: number[] = [];

	requests = 0;

	refused = 0;

	readonly created = new Map<string, number>();

	answer(batch: string[]): { statusCode: number } {
		this.requests++;
		const now = Date.now();
		while (this.counted.length > 0 && this.counted[0] <= now - SERVER_WINDOW_MS) this.counted.shift();
		if (this.counted.length >= LIMIT) {
			this.refused++;
			return { statusCode: 429 };
		}
		this.counted.push(now);
		for (const lead of batch) this.created.set(lead, (this.created.get(lead) ?? 0) + 1);
		return { statusCode: 200 };
	}
}

function workerContext(server: ServerModel, latencyMs: () => number): RequestContext {
	return {
		getNode: () => ({ id: '1', name: 'ClosingDealz', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCredentials: async () => ({ apiKey: 'cd-key-0000000000' }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				await new Promise((resolve) => setTimeout(resolve, latencyMs()));
				const { statusCode } = server.answer((options.body as Array<{ email: string }>).map((lead) => lead.email));
				await new Promise((resolve) => setTimeout(resolve, latencyMs()));
				if (statusCode === 429) {
					throw Object.assign(new Error('Request failed with status code 429'), {
						httpCode: '429',
						response: {
							status: 429,
							headers: {},
							data: { succeeded: false, statusCode: 429, message: 'Too many requests. Please try again later.' },
						},
					});
				}
				return { statusCode, headers: {}, body: { succeeded: true, statusCode: 200, message: null } };
			},
		},
	} as unknown as RequestContext;
}

/** One worker's run: its batches one after another, as the ClosingDealz node sends them. */
async function runWorker(
	worker: number,
	batches: number,
	startMs: number,
	server: ServerModel,
	latencyMs: () => number,
): Promise<{ sent: number; failed: number }> {
	await new Promise((resolve) => setTimeout(resolve, startMs));
	const limiter = new SlidingWindowLimiter(LIMIT, PACED_WINDOW_MS);
	const ctx = workerContext(server, latencyMs);
	let failed = 0;
	for (let b = 0; b < batches; b++) {
		const body = Array.from({ length: 100 }, (_, i) => ({ email: `w${worker}-b${b}-l${i}@mail.example` }));
		try {
			await closingDealzRequest.call(ctx, { method: 'POST', path: '/api/v1/leads', body, idempotent: false, pace: limiter });
		} catch {
			failed++;
		}
	}
	return { sent: batches, failed };
}

async function simulate(workers: Array<{ batches: number; startMs: number }>, latency: [number, number], seed: number) {
	const server = new ServerModel();
	let state = seed >>> 0 || 1;
	const latencyMs = () => {
		state = (state * 1_103_515_245 + 12_345) >>> 0;
		return latency[0] + (state % (latency[1] - latency[0] + 1));
	};
	const done = Promise.all(workers.map((w, i) => runWorker(i, w.batches, w.startMs, server, latencyMs)));
	let finished = false;
	void done.then(() => (finished = true));
	for (let guard = 0; !finished && guard < 100_000; guard++) await jest.advanceTimersByTimeAsync(1_000);
	const results = await done;
	return { server, results };
}

describe('ClosingDealz pacing across workers that cannot see each other (model-based)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 11, 1) }));
	afterEach(() => jest.useRealTimers());

	it('2 workers × 6,000 leads at once: all created once, at most one 429 per worker (≤ 2 % of requests)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 })),
				fc.tuple(fc.integer({ min: 5, max: 60 }), fc.integer({ min: 0, max: 400 })),
				fc.integer(),
				async ([startA, startB], [minLatency, spread], seed) => {
					const { server, results } = await simulate(
						[
							{ batches: 60, startMs: startA },
							{ batches: 60, startMs: startB },
						],
						[minLatency, minLatency + spread],
						seed,
					);
					expect(results.map((r) => r.failed)).toEqual([0, 0]);
					expect(server.created.size).toBe(12_000);
					expect([...server.created.values()].every((count) => count === 1)).toBe(true);
					expect(server.refused).toBeLessThanOrEqual(2);
					expect(server.refused / server.requests).toBeLessThanOrEqual(0.02);
				},
			),
			{ numRuns: 60, verbose: true },
		);
	}, 300_000);

	// With more workers than the key's budget can feed, how often a worker is refused depends on
	// the others (one refused while none of its own requests is in the server's window tries
	// every quarter window); what must hold whatever they do: every batch is created once, and
	// none is given up (a refused batch is retried for two windows).
	it('any number of workers and sizes: nothing lost, nothing created twice, no batch given up', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.record({ batches: fc.integer({ min: 1, max: 150 }), startMs: fc.integer({ min: 0, max: 90_000 }) }), {
					minLength: 1,
					maxLength: 4,
				}),
				fc.integer(),
				async (workers, seed) => {
					const { server, results } = await simulate(workers, [10, 200], seed);
					const total = workers.reduce((sum, w) => sum + w.batches, 0);
					expect(results.map((r) => r.failed)).toEqual(workers.map(() => 0));
					expect(server.created.size).toBe(total * 100);
					expect([...server.created.values()].every((count) => count === 1)).toBe(true);
				},
			),
			{ numRuns: 60, verbose: true },
		);
	}, 300_000);
});
