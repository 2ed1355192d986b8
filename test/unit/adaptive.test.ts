import fc from 'fast-check';

import type { AttemptReport } from '../../nodes/shared/adaptive';
import {
	AdaptiveConcurrency,
	classifyAttempt,
	listenToAttempts,
	reportAttempt,
	runAdaptivePool,
} from '../../nodes/shared/adaptive';

/** A controller on a clock the test moves. */
function controllerAt(ceiling: number, initial?: number) {
	const clock = { now: 0 };
	const controller = new AdaptiveConcurrency({ ceiling, initial, now: () => clock.now });
	return { controller, clock };
}

const ok = (latencyMs = 50): AttemptReport => ({ statusCode: 201, latencyMs });

/** One attempt's outcome, as the transport can report it, and how much time passes before it. */
const arbitraryStep = fc.record({
	advanceMs: fc.integer({ min: 0, max: 2_000 }),
	report: fc.oneof(
		fc.record({
			statusCode: fc.constantFrom(200, 201, 204, 400, 401, 404, 409, 422, 429, 500, 502, 503, 504),
			latencyMs: fc.integer({ min: 0, max: 5_000 }),
			retryAfterMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
		}),
		fc.record({
			code: fc.constantFrom('ETIMEDOUT', 'ECONNABORTED', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'),
			latencyMs: fc.integer({ min: 0, max: 60_000 }),
		}),
	),
});

describe('adaptive concurrency controller (AIMD with slow start and a latency signal)', () => {
	it('sorts attempts into healthy, congested and neutral', () => {
		expect(classifyAttempt({ statusCode: 201, latencyMs: 1 })).toBe('healthy');
		for (const statusCode of [429, 503, 504]) {
			expect(classifyAttempt({ statusCode, latencyMs: 1 })).toBe('congested');
		}
		expect(classifyAttempt({ code: 'ETIMEDOUT', latencyMs: 1 })).toBe('congested');
		// A refused validation or a broken connection says nothing about the server's load.
		expect(classifyAttempt({ statusCode: 400, latencyMs: 1 })).toBe('neutral');
		expect(classifyAttempt({ statusCode: 500, latencyMs: 1 })).toBe('neutral');
		expect(classifyAttempt({ code: 'ECONNREFUSED', latencyMs: 1 })).toBe('neutral');
	});

	it('lets one request go alone until the first answer, then opens the window', () => {
		const { controller } = controllerAt(50);
		expect(controller.limit).toBe(1);
		controller.record(ok());
		expect(controller.limit).toBeGreaterThan(1);
		expect(controller.limit).toBeLessThanOrEqual(50);
	});

	it('grows to the ceiling while answers stay healthy and latency flat', () => {
		const { controller, clock } = controllerAt(40);
		for (let i = 0; i < 200 && controller.limit < 40; i++) {
			clock.now += 50;
			controller.record(ok());
		}
		expect(controller.limit).toBe(40);
	});

	it('halves the window at the first refusal and keeps decreasing on each further one', () => {
		const { controller, clock } = controllerAt(64);
		for (let i = 0; i < 100; i++) {
			clock.now += 10;
			controller.record(ok(10));
		}
		const before = controller.size;
		controller.record({ statusCode: 503, latencyMs: 5 });
		expect(controller.size).toBeLessThanOrEqual(before / 2);
		const afterFirst = controller.size;
		controller.record({ statusCode: 429, latencyMs: 5 });
		expect(controller.size).toBeLessThan(afterFirst);
	});

	it('holds new requests back for the Retry-After of a 429', () => {
		const { controller, clock } = controllerAt(10);
		controller.record(ok());
		controller.record({ statusCode: 429, latencyMs: 5, retryAfterMs: 2_000 });
		expect(controller.waitMs()).toBe(2_000);
		clock.now += 1_500;
		expect(controller.waitMs()).toBe(500);
		clock.now += 600;
		expect(controller.waitMs()).toBe(0);
	});

	it('backs off when latency rises although every answer is a success', () => {
		const { controller, clock } = controllerAt(64);
		for (let i = 0; i < 100; i++) {
			clock.now += 50;
			controller.record(ok(50));
		}
		const healthyWindow = controller.size;
		for (let i = 0; i < 40; i++) {
			clock.now += 400;
			controller.record(ok(400));
		}
		expect(controller.size).toBeLessThan(healthyWindow);
	});

	it('model: the window stays within [1, ceiling], every congestion signal lowers it, and it never starves', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 64 }),
				fc.integer({ min: 1, max: 16 }),
				fc.array(arbitraryStep, { maxLength: 300 }),
				fc.integer({ min: 1, max: 500 }),
				(ceiling, initial, steps, recoveryLatency) => {
					const { controller, clock } = controllerAt(ceiling, initial);
					for (const { advanceMs, report } of steps) {
						clock.now += advanceMs;
						const before = controller.size;
						const signal = controller.record(report);
						const after = controller.size;
						expect(after).toBeGreaterThanOrEqual(1);
						expect(after).toBeLessThanOrEqual(ceiling);
						expect(controller.limit).toBeGreaterThanOrEqual(1);
						expect(controller.limit).toBeLessThanOrEqual(ceiling);
						expect(Number.isInteger(controller.limit)).toBe(true);
						if (signal === 'congested') {
							if (before > 1) expect(after).toBeLessThan(before);
							else expect(after).toBe(1);
						}
						if (signal === 'neutral') expect(after).toBe(before);
						// A pause is never longer than the transport would wait itself.
						expect(controller.waitMs()).toBeLessThanOrEqual(30_000);
					}
					// Never starves: once the server is healthy again (flat latency), the window
					// climbs back to the ceiling within a bounded number of answers.
					const bound = 200 + ceiling * ceiling;
					for (let i = 0; i < bound && controller.limit < ceiling; i++) {
						clock.now += recoveryLatency;
						controller.record(ok(recoveryLatency));
					}
					expect(controller.limit).toBe(ceiling);
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe('attempt reports', () => {
	it('reach the listener of the context they were made with, and stop when it leaves', () => {
		const context = {};
		const other = {};
		const seen: AttemptReport[] = [];
		const stop = listenToAttempts(context, (report) => seen.push(report));
		reportAttempt(context, ok(12));
		reportAttempt(other, ok(13));
		stop();
		reportAttempt(context, ok(14));
		expect(seen).toEqual([ok(12)]);
	});
});

describe('runAdaptivePool', () => {
	it('never has more in flight than the limit of the moment, and runs every entry once, in order', async () => {
		let limit = 1;
		let running = 0;
		const violations: string[] = [];
		const started: number[] = [];
		const entries = Array.from({ length: 40 }, (_, i) => i);
		const results = await runAdaptivePool(entries, { get limit() { return limit; }, waitMs: () => 0 }, async (value) => {
			running++;
			started.push(value);
			if (running > limit) violations.push(`${running} running with limit ${limit}`);
			await new Promise((resolve) => setImmediate(resolve));
			// The window moves while work is in flight: up, then down.
			limit = value < 20 ? Math.min(8, limit + 1) : 2;
			running--;
			return value * 10;
		});
		expect(violations).toEqual([]);
		expect(results).toEqual(entries.map((value) => value * 10));
		expect([...started].sort((a, b) => a - b)).toEqual(entries);
	});

	it('stops starting work when told to, waits for what runs, and passes a worker error on', async () => {
		let stop = false;
		const done: number[] = [];
		const results = await runAdaptivePool([0, 1, 2, 3, 4, 5], { limit: 2, waitMs: () => 0 }, async (value) => {
			if (value === 1) stop = true;
			await new Promise((resolve) => setImmediate(resolve));
			done.push(value);
			return value;
		}, () => stop);
		expect(done.sort()).toEqual([0, 1]);
		expect(results.slice(2)).toEqual([undefined, undefined, undefined, undefined]);

		await expect(
			runAdaptivePool([0, 1, 2], { limit: 3, waitMs: () => 0 }, (value) => {
				if (value === 1) throw new Error('boom');
				return Promise.resolve(value);
			}),
		).rejects.toThrow('boom');
	});

	it('starts nothing while the controller asks to wait', async () => {
		let waits = 2;
		const order: string[] = [];
		await runAdaptivePool([0, 1], {
			limit: 5,
			waitMs: () => {
				order.push('asked');
				return waits-- > 0 ? 1 : 0;
			},
		}, async (value) => {
			order.push(`ran ${value}`);
			return value;
		});
		expect(order.slice(0, 3)).toEqual(['asked', 'asked', 'asked']);
		expect(order).toContain('ran 0');
		expect(order).toContain('ran 1');
	});
});
