/**
 * Loaded after the test framework in every jest run (jest.config.js `setupFilesAfterEnv`):
 * after each test, every running simulator with an API description reports the answers and
 * deliveries that broke it, and the test fails with them. Nothing a test does (or forgets)
 * switches this off; `stop()` throws for whatever is left.
 */
import { liveSimulators } from '../../tooling/simulators/framework';

afterEach(() => {
	const broken: string[] = [];
	for (const simulator of liveSimulators) {
		for (const violation of simulator.drainViolations()) broken.push(`${simulator.name}: ${violation}`);
	}
	if (broken.length > 0) {
		throw new Error(`A simulator answered outside its API description:\n- ${broken.join('\n- ')}`);
	}
});
