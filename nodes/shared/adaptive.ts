import { sleep } from 'n8n-workflow';

/**
 * Adaptive parallelism for the per-item loop: how many requests may be in flight, learned
 * from the answers instead of fixed in advance.
 *
 * The scheme is AIMD (additive increase, multiplicative decrease) on a concurrency window, the
 * way TCP Reno runs its congestion window, with TCP's slow start at the beginning and a
 * Vegas-style latency signal next to the explicit ones:
 *
 * - The first request goes alone (it may fetch a token or open the connection); once it is
 *   answered the window opens at `initial`.
 * - Slow start: every healthy answer adds 1, so the window doubles per round trip, until the
 *   first congestion signal or the ceiling.
 * - Congestion avoidance: every healthy answer adds 1/window, i.e. +1 per round trip.
 * - Explicit congestion (429, 503, 504, a timeout): the first signal of a round trip halves the
 *   window; every further signal within the same round trip takes 1 more off. So every signal
 *   decreases the window, but a burst of refusals to one overfull window does not collapse it
 *   to 1. A Retry-After holds back new requests until it has passed.
 * - Rising latency (the smoothed latency above twice the baseline plus a margin): treated as
 *   congestion at most once per round trip, and never counted as growth.
 * - The window stays within [1, ceiling]; the ceiling is the user's "Parallel Requests".
 */

/** What the transport reports after every attempt of a request. */
export interface AttemptReport {
	/** HTTP status of the answer, when there was one. */
	statusCode?: number;
	/** Network error code (ETIMEDOUT, ECONNRESET…), when there was no answer. */
	code?: string;
	latencyMs: number;
	/** The server's Retry-After, in ms. */
	retryAfterMs?: number;
}

export type Signal = 'healthy' | 'congested' | 'neutral';

const CONGESTED_STATUSES = new Set([429, 503, 504]);
const TIMEOUTS = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** 2xx/3xx are healthy; 429, 503, 504 and timeouts are congestion; anything else says nothing. */
export function classifyAttempt(report: AttemptReport): Signal {
	if (report.statusCode !== undefined) {
		if (CONGESTED_STATUSES.has(report.statusCode)) return 'congested';
		return report.statusCode < 400 ? 'healthy' : 'neutral';
	}
	return report.code !== undefined && TIMEOUTS.has(report.code) ? 'congested' : 'neutral';
}

export interface AdaptiveOptions {
	/** The most requests ever in flight ("Parallel Requests"). */
	ceiling: number;
	/** Window once the first answer is in (default min(ceiling, 8)). */
	initial?: number;
	now?: () => number;
}

/** Latency is "rising" above baseline × this factor + LATENCY_MARGIN_MS. */
const LATENCY_FACTOR = 2;
const LATENCY_MARGIN_MS = 25;
/** Longest a Retry-After may hold the loop back (as the transport caps its own wait). */
const MAX_PAUSE_MS = 30_000;

export class AdaptiveConcurrency {
	readonly ceiling: number;

	private window: number;

	/** Slow start ends at the first congestion signal. */
	private slowStart = true;

	/** No answer yet: only the probe request is allowed. */
	private probing = true;

	/** Lowest latency seen, drifting slowly upwards so a permanent change is learned. */
	private baselineMs?: number;

	/** Exponentially smoothed latency of recent answers. */
	private smoothedMs?: number;

	private lastCutAt = Number.NEGATIVE_INFINITY;

	private pausedUntil = 0;

	private readonly now: () => number;

	/** Counters, for hints and tests. */
	readonly stats = { healthy: 0, congested: 0, latencyCuts: 0, peakWindow: 1 };

	constructor(options: AdaptiveOptions) {
		this.ceiling = Math.max(1, Math.floor(options.ceiling) || 1);
		this.window = Math.min(this.ceiling, Math.max(1, Math.floor(options.initial ?? 8)));
		this.now = options.now ?? Date.now;
	}

	/** Requests allowed in flight now: a whole number in [1, ceiling]. */
	get limit(): number {
		if (this.probing) return 1;
		return Math.max(1, Math.min(this.ceiling, Math.floor(this.window)));
	}

	/** The window itself (fractional while it grows by 1/window). */
	get size(): number {
		return this.window;
	}

	/** How long no new request may start (a server's Retry-After), in ms. */
	waitMs(): number {
		return Math.max(0, this.pausedUntil - this.now());
	}

	/** One round trip: the smoothed latency, or a tenth of a second before any is known. */
	private roundTripMs(): number {
		return this.smoothedMs ?? 100;
	}

	private cut(now: number) {
		const sameRoundTrip = now - this.lastCutAt < this.roundTripMs();
		this.window = Math.max(1, sameRoundTrip ? this.window - 1 : this.window / 2);
		this.lastCutAt = now;
		this.slowStart = false;
	}

	record(report: AttemptReport): Signal {
		const signal = classifyAttempt(report);
		const now = this.now();
		if (signal === 'neutral') return signal;
		this.probing = false;

		if (signal === 'congested') {
			this.stats.congested++;
			this.cut(now);
			if (report.retryAfterMs !== undefined && report.retryAfterMs > 0) {
				this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(report.retryAfterMs, MAX_PAUSE_MS));
			}
			return signal;
		}

		this.stats.healthy++;
		const latency = Math.max(0, report.latencyMs);
		this.baselineMs =
			this.baselineMs === undefined || latency < this.baselineMs
				? latency
				: this.baselineMs + (latency - this.baselineMs) * 0.01;
		this.smoothedMs = this.smoothedMs === undefined ? latency : this.smoothedMs * 0.8 + latency * 0.2;

		if (this.smoothedMs > this.baselineMs * LATENCY_FACTOR + LATENCY_MARGIN_MS) {
			// Vegas-style: queueing at the server shows as latency before it shows as refusals.
			if (now - this.lastCutAt >= this.roundTripMs()) {
				this.stats.latencyCuts++;
				this.cut(now);
			}
			return signal;
		}

		this.window = Math.min(this.ceiling, this.window + (this.slowStart ? 1 : 1 / this.window));
		this.stats.peakWindow = Math.max(this.stats.peakWindow, this.limit);
		return signal;
	}
}

// ------------------------------------------------------------------------------ reporting

/**
 * The transport reports every attempt against the context it was called with; the per-item
 * loop listens on that context while it runs. One way of doing requests, and no operation has
 * to pass anything through.
 */
type Listener = (report: AttemptReport) => void;

const listeners = new WeakMap<object, Listener>();

export function reportAttempt(context: object, report: AttemptReport): void {
	listeners.get(context)?.(report);
}

/** Listen to the attempts made with `context` until the returned function is called. */
export function listenToAttempts(context: object, listener: Listener): () => void {
	listeners.set(context, listener);
	return () => {
		if (listeners.get(context) === listener) listeners.delete(context);
	};
}

// ------------------------------------------------------------------------------ the pool

/**
 * Run `worker` over `entries` with at most `controller.limit` calls in flight, re-read after
 * every start and every finish. Stops starting new work once `shouldStop()` says so and waits
 * for what is in flight. Results keep the order of `entries`; entries never started stay
 * `undefined`.
 */
export async function runAdaptivePool<T, R>(
	entries: T[],
	controller: Pick<AdaptiveConcurrency, 'limit' | 'waitMs'>,
	worker: (entry: T, position: number) => Promise<R>,
	shouldStop: () => boolean = () => false,
): Promise<Array<R | undefined>> {
	const results: Array<R | undefined> = new Array(entries.length);
	const running = new Set<Promise<void>>();
	let failure: { error: unknown } | undefined;
	let next = 0;

	while (next < entries.length && !shouldStop() && !failure) {
		const wait = controller.waitMs();
		if (wait > 0) {
			await sleep(wait);
			continue;
		}
		if (running.size >= controller.limit) {
			await Promise.race(running);
			continue;
		}
		const position = next++;
		// Started on the next microtask, so `task` exists when it finishes even if the worker
		// throws at once.
		const task: Promise<void> = Promise.resolve()
			.then(async () => {
				results[position] = await worker(entries[position], position);
			})
			.catch((error: unknown) => {
				failure ??= { error };
			})
			.finally(() => running.delete(task));
		running.add(task);
	}
	await Promise.all(running);
	if (failure) throw failure.error;
	return results;
}
