/**
 * Set-up and assertions the node tests share.
 */
interface Simulator {
	start(): Promise<unknown>;
	stop(): Promise<void>;
}

/** Runs `sim` for the tests of the calling file: started before the first, stopped after the last. */
export function useSimulator<T extends Simulator>(sim: T): T {
	beforeAll(async () => {
		await sim.start();
	});
	afterAll(async () => {
		await sim.stop();
	});
	return sim;
}

/**
 * What a workflow gets to see of a run: the output items and the error, with the error's
 * message and description spelled out (an Error's JSON leaves its message out).
 */
export function seenByWorkflow(result: { outputs?: unknown; error?: unknown }) {
	const error = result.error as (Error & { description?: unknown }) | undefined;
	return { outputs: result.outputs, error, message: error?.message, description: error?.description };
}

/** Fails when any of `secrets` appears in `value` written as JSON. */
export function expectNoSecrets(value: unknown, secrets: Iterable<string>): void {
	const text = JSON.stringify(value) ?? '';
	for (const secret of secrets) expect(text).not.toContain(secret);
}

/**
 * Fake only `Date`: timers and I/O stay real (HTTP to the simulators, n8n's sleep), so a test
 * can move the node's clock — and the simulator's with it — without freezing the event loop.
 */
export function fakeDateOnly() {
	jest.useFakeTimers({
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}
