/**
 * The ClosingDealz simulator itself, against the vendor's documented answers (API-NOTES §5):
 * what the node tests rely on it to refuse. Node behaviour is in test/nodes/closingDealz.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';

const SANDBOX_KEY = `cdz-sandbox-${randomBytes(12).toString('hex')}`;
const sim = useSimulator(new ClosingDealzSimulator(SANDBOX_KEY));
const LEADS_PATH = '/api/v1/leads';

beforeEach(() => {
	sim.resetLog();
	sim.leads.length = 0;
	sim.resetRateLimit();
});

describe('ClosingDealz simulator', () => {
	async function post(body: string, key = SANDBOX_KEY) {
		const response = await fetch(`${sim.url}${LEADS_PATH}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
			body,
		});
		return { status: response.status, body: (await response.json()) as IDataObject };
	}

	it('rejects more than 100 leads, an object body, and a batch with a lead nobody can recognise', async () => {
		const tooMany = await post(
			JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ company: `C${i}` }))),
		);
		expect(tooMany).toEqual({
			status: 400,
			body: {
				succeeded: false,
				statusCode: 400,
				statusCodeDescription: 'NONE',
				message: 'The maximum amount of leads to create at once is 100, but was 101.',
			},
		});
		expect((await post('{"company":"x"}')).status).toBe(400);
		const anonymous = await post(JSON.stringify([{ Company: 'Open AI' }, { notes: 'no one' }]));
		expect(anonymous.status).toBe(400);
		expect(sim.leads).toHaveLength(0);
		// Field names bind case-insensitively, as in the vendor's curl example.
		expect(
			(await post(JSON.stringify([{ Company: 'Open AI', Notes: 'API integration' }]))).status,
		).toBe(200);
		expect(sim.leads).toHaveLength(1);
	});

	it('answers 429 in the documented envelope once the window is full', async () => {
		sim.rateLimit = { limit: 2, windowMs: 60_000 };
		await post(JSON.stringify([{ company: 'a' }]));
		await post(JSON.stringify([{ company: 'b' }]));
		const limited = await post(JSON.stringify([{ company: 'c' }]));
		expect(limited).toEqual({
			status: 429,
			body: {
				succeeded: false,
				statusCode: 429,
				statusCodeDescription: 'NONE',
				message: 'Too many requests. Please try again later.',
			},
		});
		expect(sim.leads).toHaveLength(2);
	});
});
