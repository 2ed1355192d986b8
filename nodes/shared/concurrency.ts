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
 *
 * Other processes using the same key (n8n workers in queue mode, another app) are invisible
 * to it; the server's 429 is the only sign of them, and it says the server's window is full
 * at that moment. So the limiter reacts to a 429 for every sender of the key in this process,
 * not only the one refused (AIMD on the rate, as TCP does on its window):
 * - `pause(ms)` holds every caller back until `ms` has passed (the backoff of the refused
 *   request, or the server's Retry-After);
 * - `refused(ticket)` (a 429 that says nothing about when to come back): the refused request
 *   leaves this process's count (the server did not count it), and the rate this process
 *   allows itself drops to half, and never above what it has in the window now — the server is
 *   full, so nothing more goes out before one of this process's own requests has left the
 *   window (the one slot it knows will free); a process with nothing of its own in the window
 *   tries again a quarter window later. Once per congestion event: refusals of requests let
 *   through before the last decrease belong to that decrease;
 * - `accepted()` recovers additively, starting one full window after the last decrease (the
 *   others' requests of that moment have left the server's window by then): one window's
 *   worth of answered requests adds a twentieth of the limit.
 */
export class SlidingWindowLimiter {
	/** Requests of this process in the window: when each was let through, and its ticket. */
	private readonly sent: Array<{ at: number; ticket: number }> = [];

	private blockedUntil = 0;

	/** Requests per window this process allows itself now: `limit`, lowered after 429s. */
	private rate: number;

	/** Ticket of the latest request let through, and the latest when the rate was last lowered. */
	private ticket = 0;

	private decreasedAtTicket = 0;

	private decreasedAt = Number.NEGATIVE_INFINITY;

	constructor(
		readonly limit: number,
		readonly windowMs: number,
		private readonly now: () => number = Date.now,
	) {
		this.rate = limit;
	}

	/** The most requests this process sends per window right now. */
	get allowed(): number {
		return Math.max(1, Math.floor(this.rate));
	}

	private prune(now: number) {
		while (this.sent.length > 0 && this.sent[0].at <= now - this.windowMs) this.sent.shift();
	}

	/**
	 * Wait until one more request fits the window, then count it. Returns the request's
	 * ticket, for `refused`.
	 */
	async acquire(): Promise<number> {
		for (;;) {
			const now = this.now();
			if (now < this.blockedUntil) {
				await sleep(this.blockedUntil - now);
				continue;
			}
			this.prune(now);
			const allowed = this.allowed;
			if (this.sent.length < allowed) {
				this.sent.push({ at: now, ticket: ++this.ticket });
				return this.ticket;
			}
			await sleep(this.sent[this.sent.length - allowed].at + this.windowMs - now + 5);
		}
	}

	/** After a 429, hold every caller back until `ms` has passed. */
	pause(ms: number) {
		this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
	}

	/** The request with `ticket` was refused (429): someone else uses the key too. */
	refused(ticket: number) {
		const at = this.sent.findIndex((entry) => entry.ticket === ticket);
		if (at >= 0) this.sent.splice(at, 1);
		if (ticket <= this.decreasedAtTicket) return;
		const now = this.now();
		this.prune(now);
		this.rate = Math.max(1, this.rate / 2);
		// The server's window is full: nothing goes out before this process's oldest request in
		// it has left it (the one slot it knows will free), or, with none of its own in it, a
		// quarter window later.
		this.pause(this.sent.length > 0 ? this.sent[0].at + this.windowMs - now : this.windowMs / 4);
		this.decreasedAtTicket = this.ticket;
		this.decreasedAt = now;
	}

	/** A request was answered (not refused): win back some of the rate. */
	accepted() {
		if (this.rate >= this.limit || this.now() - this.decreasedAt < this.windowMs) return;
		this.rate = Math.min(this.limit, this.rate + Math.max(1, this.limit / 20) / this.rate);
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
