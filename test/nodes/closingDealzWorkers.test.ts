/**
 * ClosingDealz from two n8n workers at once (queue mode), without n8n's queue: each "worker"
 * is the ClosingDealz node loaded in its own jest.isolateModules registry, so it has its own
 * copy of nodes/shared (its own per-key limiter), exactly what a second process has. Both send
 * to one simulator whose sliding-window limiter counts the key's requests from both.
 *
 * The simulator's window is shortened to 3 s (the real one is 60 s) so the run takes seconds;
 * everything else is at the real scale: 100 requests per window, batches of 100, 6,000 leads
 * per worker, so the two workers together need 120 requests, more than one window allows.
 */
import type { IDataObject, INodeType } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { runNode } from '../harness/n8n';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';

const API_KEY = `cdz-workers-${Math.random().toString(36).slice(2)}`;
const WINDOW_SECONDS = 3;
const sim = useSimulator(
	new ClosingDealzSimulator(API_KEY, { limit: 100, windowMs: WINDOW_SECONDS * 1000 }),
);

/** The node as a separate worker process sees it: fresh copies of every package module. */
function workerNodeType(): INodeType {
	let type: INodeType | undefined;
	jest.isolateModules(() => {
		// n8n itself is one shared installation; only the package's own modules are per process.
		const workflow = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
		jest.doMock('n8n-workflow', () => workflow);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { ClosingDealz } = require('../../nodes/ClosingDealz/ClosingDealz.node') as {
			ClosingDealz: new () => INodeType;
		};
		type = new ClosingDealz();
	});
	return type as INodeType;
}

function leads(worker: number, count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		company: `Worker ${worker} Co ${i}`,
		contactPerson: `Person ${worker}-${i}`,
		email: `w${worker}.lead${i}@example.com`,
		// UAE mobiles: +971 50… for worker 0, +971 52… for worker 1.
		phoneNumber: `+9715${worker * 2}${String(1_000_000 + i)}`,
	}));
}

function runWorker(nodeType: INodeType, worker: number, count: number) {
	return runNode({
		type: 'closingDealz',
		nodeType,
		parameters: {
			resource: 'lead',
			operation: 'create',
			fieldMapping: 'auto',
			options: { rateLimit: 100, rateLimitWindow: WINDOW_SECONDS },
		},
		items: leads(worker, count),
		credentials: { closingDealzApi: { apiKey: API_KEY, baseUrl: sim.url } },
		continueOnFail: true,
		workflowId: `workers-${worker}`,
	});
}

describe('ClosingDealz on two workers sharing one API key', () => {
	it('2 × 6,000 leads at once: all created, none twice, at most 2 % of requests refused', async () => {
		const workers = [workerNodeType(), workerNodeType()];
		// Two processes really do have two limiters: the isolated copies are not the same module.
		expect(workers[0].constructor).not.toBe(workers[1].constructor);

		const results = await Promise.all(workers.map((type, worker) => runWorker(type, worker, 6000)));

		for (const [worker, result] of results.entries()) {
			expect(result.error).toBeUndefined();
			const out = result.outputs[0];
			expect(out).toHaveLength(6000);
			const failed = out.filter((item) => item.json.outcome !== 'created');
			expect(failed.length).toBe(0);
			out.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
			// Every lead of this worker is stored exactly once.
			const mine = sim.leads.filter((stored) => String(stored.lead.company).startsWith(`Worker ${worker} `));
			expect(mine).toHaveLength(6000);
		}
		const phones = sim.leads.map((stored) => String(stored.lead.phoneNumber));
		expect(phones).toHaveLength(12_000);
		expect(new Set(phones).size).toBe(12_000);

		const posts = sim.calls('POST', '/api/v1/leads');
		const refused = posts.filter((request) => request.status === 429).length;
		expect(refused).toBe(sim.rateLimited);
		expect(posts.length - refused).toBe(120);
		expect(refused).toBeLessThanOrEqual(Math.floor(posts.length * 0.02));
	}, 120_000);
});
