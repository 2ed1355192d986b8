import { sleep } from 'n8n-workflow';

import { runAdaptivePool } from './adaptive';

/**
 * Run `worker` over `entries` with at most `limit` calls in flight: the adaptive pool with a
 * window that never moves. Stops starting new work once `shouldStop()` says so (the node is
 * about to fail), and waits for what is in flight. Results keep the order of `entries`;
 * entries never started stay `undefined`.
 */
export async function runPool<T, R>(
	entries: T[],
	limit: number,
	worker: (entry: T, position: number) => Promise<R>,
	shouldStop: () => boolean = () => false,
): Promise<Array<R | undefined>> {
	const fixed = { limit: Math.max(1, Math.floor(limit) || 1), waitMs: () => 0 };
	return await runAdaptivePool(entries, fixed, worker, shouldStop);
}

/**
 * Keeps requests under `limit` per `windowMs` (a sliding window, as ClosingDealz counts).
 * One limiter per API key lives for the process, so parallel executions share the budget.
 */
export class SlidingWindowLimiter {
	private readonly sent: number[] = [];

	private blockedUntil = 0;

	constructor(
		readonly limit: number,
		readonly windowMs: number,
		private readonly now: () => number = Date.now,
	) {}

	/** Wait until one more request fits the window, then count it. */
	async acquire(): Promise<void> {
		for (;;) {
			const now = this.now();
			if (now < this.blockedUntil) {
				await sleep(this.blockedUntil - now);
				continue;
			}
			while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs) this.sent.shift();
			if (this.sent.length < this.limit) {
				this.sent.push(now);
				return;
			}
			await sleep(this.sent[0] + this.windowMs - now + 5);
		}
	}

	/** After a 429, hold every caller back until `ms` has passed. */
	pause(ms: number) {
		this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
	}
}

const limiters = new Map<string, SlidingWindowLimiter>();

export function sharedLimiter(key: string, limit: number, windowMs: number): SlidingWindowLimiter {
	const id = `${key}:${limit}:${windowMs}`;
	let limiter = limiters.get(id);
	if (!limiter) {
		limiter = new SlidingWindowLimiter(limit, windowMs);
		limiters.set(id, limiter);
	}
	return limiter;
}
