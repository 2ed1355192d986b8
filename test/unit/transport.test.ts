import {
	backoffDelay,
	DEFAULT_RETRY,
	describeAttemptFailure,
	parseRetryAfter,
	redact,
} from '../../nodes/shared/transport';
import { runPool, SlidingWindowLimiter } from '../../nodes/shared/concurrency';

describe('retry helpers', () => {
	it('reads Retry-After as seconds or an HTTP date', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter('0.5')).toBe(500);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});

	it('caps a server-requested wait and grows the backoff exponentially within jitter bounds', () => {
		expect(backoffDelay(0, DEFAULT_RETRY, 120_000)).toBe(DEFAULT_RETRY.maxDelayMs);
		for (let attempt = 0; attempt < 8; attempt++) {
			const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
			const delay = backoffDelay(attempt, DEFAULT_RETRY);
			expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
			expect(delay).toBeLessThanOrEqual(ceiling);
		}
	});

	it('finds status, body and headers anywhere in an error chain', () => {
		const axiosLike = {
			message: 'Request failed with status code 429',
			response: { status: 429, data: { error: 'slow down' }, headers: { 'Retry-After': '2' } },
		};
		const wrapped = { message: 'wrapper', cause: axiosLike, httpCode: '429' };
		const failure = describeAttemptFailure(wrapped);
		expect(failure.statusCode).toBe(429);
		expect(failure.body).toEqual({ error: 'slow down' });
		expect(failure.headers['retry-after']).toBe('2');
		expect(describeAttemptFailure({ message: 'timeout of 100ms exceeded' }).code).toBe('ETIMEDOUT');
		expect(describeAttemptFailure({ message: 'x', cause: { code: 'ECONNRESET' } }).code).toBe('ECONNRESET');
	});

	it('removes every secret from a text', () => {
		expect(redact('key=abcd1234 and abcd1234 again', ['abcd1234'])).toBe('key=*** and *** again');
		expect(redact('short ab', ['ab'])).toBe('short ab');
	});
});

describe('runPool', () => {
	it('never exceeds the limit and keeps the order of results', async () => {
		let inFlight = 0;
		let peak = 0;
		const results = await runPool([5, 1, 4, 2, 3, 0, 6], 3, async (value) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise((resolve) => setImmediate(resolve));
			inFlight--;
			return value * 10;
		});
		expect(peak).toBe(3);
		expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
	});

	it('starts nothing new once told to stop', async () => {
		const started: number[] = [];
		let stop = false;
		const results = await runPool([0, 1, 2, 3, 4, 5], 2, async (value) => {
			started.push(value);
			if (value === 1) stop = true;
			return value;
		}, () => stop);
		expect(started).toEqual([0, 1]);
		expect(results.filter((r) => r !== undefined)).toEqual([0, 1]);
	});
});

describe('SlidingWindowLimiter', () => {
	it('lets `limit` requests through per window on a virtual clock', async () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(3, 1000, () => now);
		for (let i = 0; i < 3; i++) await limiter.acquire();
		let fourth = false;
		const pending = limiter.acquire().then(() => (fourth = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(fourth).toBe(false);
		now = 1001;
		await pending;
		expect(fourth).toBe(true);
	});

	it('holds every caller back after pause()', async () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(100, 1000, () => now);
		limiter.pause(500);
		let through = false;
		const pending = limiter.acquire().then(() => (through = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(through).toBe(false);
		now = 600;
		await pending;
		expect(through).toBe(true);
	});

	it('after a 429 halves the rate once per congestion event and waits for its own oldest request to leave the window', async () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(100, 1000, () => now);
		expect(limiter.allowed).toBe(100);
		const tickets: number[] = [];
		for (let i = 0; i < 10; i++) {
			now = i * 10;
			tickets.push(await limiter.acquire());
		}
		// Two requests in flight together are refused: one event, one halving.
		limiter.refused(tickets[8]);
		limiter.refused(tickets[9]);
		expect(limiter.allowed).toBe(50);
		// The server is full: although the window holds fewer than 50 of this process's
		// requests, nothing goes out before its oldest one (sent at 0) has left the window.
		let through = false;
		const pending = limiter.acquire().then(() => (through = true));
		now = 990;
		await new Promise((resolve) => setImmediate(resolve));
		expect(through).toBe(false);
		now = 1001;
		await pending;
		expect(through).toBe(true);
	});

	it('wins the rate back additively, from one window after the last decrease', async () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(100, 60_000, () => now);
		limiter.refused(await limiter.acquire());
		expect(limiter.allowed).toBe(50);
		// A request let through after the decrease and refused again: a new event.
		now = 15_001;
		limiter.refused(await limiter.acquire());
		expect(limiter.allowed).toBe(25);
		// Within the window of that decrease: no growth (the others' requests are still in it).
		for (let i = 0; i < 25; i++) limiter.accepted();
		expect(limiter.allowed).toBe(25);
		// Then additive: about a twentieth of the limit per window of answers.
		now = 75_002;
		for (let i = 0; i < 25; i++) limiter.accepted();
		expect(limiter.allowed).toBeGreaterThanOrEqual(29);
		expect(limiter.allowed).toBeLessThanOrEqual(31);
		for (let i = 0; i < 10_000; i++) limiter.accepted();
		expect(limiter.allowed).toBe(100);
	});

	it('a process with nothing of its own in the window waits a quarter window after a 429', async () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(100, 4000, () => now);
		limiter.refused(await limiter.acquire());
		let through = false;
		const pending = limiter.acquire().then(() => (through = true));
		now = 900;
		await new Promise((resolve) => setImmediate(resolve));
		expect(through).toBe(false);
		now = 1001;
		await pending;
		expect(through).toBe(true);
	});

	it('holds back a caller beyond the lowered rate until enough of its window has passed', async () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(4, 1000, () => now);
		for (let i = 0; i < 3; i++) {
			now = i * 100;
			await limiter.acquire();
		}
		limiter.refused(3);
		expect(limiter.allowed).toBe(2);
		// Three sent in the window, two allowed: the next waits until two of them have left it.
		let through = false;
		const pending = limiter.acquire().then(() => (through = true));
		now = 1050;
		await new Promise((resolve) => setImmediate(resolve));
		expect(through).toBe(false);
		now = 1150;
		await pending;
		expect(through).toBe(true);
	});
});
