/**
 * Issue #12: "Skip Already Sent" on every create-lead operation (one implementation,
 * nodes/shared/alreadySent.ts), keyed by the Property Finder lead id when the input is a flat
 * Property Finder lead. Each CRM node runs twice in the same workflow against its simulator
 * with n8n's processed-items store between the runs: what the first run had confirmed is not
 * sent again, what it could not confirm is reported "maybe sent", what was refused is sent.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { useCrmSimulators } from '../harness/crmSimulators';
import { PF_EXPERT_CREATE } from '../harness/fixtures';
import type { RunNodeOptions, RunNodeResult } from '../harness/n8n';
import { MemoryDeduplicator, processedItemsStore, runNode } from '../harness/n8n';
import type { Fault } from '../../tooling/simulators/framework';
import { EXPERT_TOKEN_PATH } from '../../tooling/simulators/pfExpert';

const { infinity, alter, cdz, pfx } = useCrmSimulators('once');

/** A lead as the Property Finder triggers and node emit it (simplified). */
function pfLead(id: string, phone: string, email = `${id}@example.com`): IDataObject {
	return {
		id,
		name: `Lead ${id}`,
		phone,
		email,
		whatsapp: null,
		channel: 'whatsapp',
		status: 'sent',
		entityType: 'listing',
		eventId: `evt-${id}`,
		eventType: 'lead.created',
		createdAt: '2026-11-30T10:00:00Z',
	};
}

interface Target {
	name: string;
	sim: { fault(fault: Fault, options?: { match?: (req: { method: string; path: string }) => boolean }): void };
	run(items: IDataObject[], options: IDataObject, extra: Partial<RunNodeOptions>): Promise<RunNodeResult>;
	/** Create requests (and look-ups) the CRM received. */
	requests(): number;
	stored(): number;
	/** A fault that stores the lead, then answers so the outcome stays unknown. */
	unknown: Fault;
	/** Options that leave the outcome unknown after `unknown` (no confirming look-up). */
	unknownOptions?: IDataObject;
}

const STORED_THEN_503: Fault = { kind: 'status', status: 503, acted: true };

const targets: Target[] = [
	{
		name: 'Infinity CRM',
		sim: infinity,
		run: (items, options, extra) =>
			runNode({
				type: 'infinityCrm',
				parameters: {
					resource: 'lead',
					operation: 'create',
					fieldMapping: 'auto',
					options: { concurrency: 1, ...options },
				},
				items,
				credentials: { infinityCrmApi: { apiKey: infinity.apiKey, baseUrl: infinity.url } },
				...extra,
			}),
		requests: () => infinity.requests.length,
		stored: () => infinity.leads.length,
		unknown: STORED_THEN_503,
	},
	{
		name: 'AlterEstate',
		sim: alter,
		run: (items, options, extra) =>
			runNode({
				type: 'alterEstate',
				parameters: {
					resource: 'lead',
					operation: 'create',
					fullName: '={{ $json.name }}',
					phone: '={{ $json.phone }}',
					email: '={{ $json.email }}',
					options: { concurrency: 1, ...options },
				},
				items,
				credentials: {
					alterEstateApi: { apiKey: alter.apiKey, publicToken: alter.publicToken, baseUrl: alter.url },
				},
				...extra,
			}),
		requests: () => alter.calls('POST', '/api/v1/leads/').length,
		stored: () => alter.contacts.length,
		unknown: STORED_THEN_503,
	},
	{
		name: 'PF Expert CRM',
		sim: pfx,
		run: (items, options, extra) =>
			runNode({
				type: 'propertyFinder',
				parameters: {
					...PF_EXPERT_CREATE,
					firstName: '={{ $json.name.split(" ")[0] }}',
					lastName: '={{ $json.name.split(" ")[1] }}',
					mobile: '={{ $json.phone }}',
					options: { timeout: 1000, ...options },
				},
				items,
				credentials: {
					propertyFinderExpertApi: {
						apiKey: pfx.apiKey,
						apiSecret: pfx.apiSecret,
						baseUrl: pfx.url,
						tokenUrl: `${pfx.url}${EXPERT_TOKEN_PATH}`,
					},
				},
				...extra,
			}),
		// Creates and look-ups alike (the token request aside).
		requests: () => pfx.requests.filter((request) => request.path.startsWith('/leads')).length,
		stored: () => pfx.leads.length,
		unknown: STORED_THEN_503,
		unknownOptions: { checkExisting: false },
	},
	{
		name: 'ClosingDealz',
		sim: cdz,
		run: (items, options, extra) =>
			runNode({
				type: 'closingDealz',
				parameters: {
					resource: 'lead',
					operation: 'create',
					additionalFields: {
						contactPerson: '={{ $json.name }}',
						email: '={{ $json.email }}',
						phoneNumber: '={{ $json.phone }}',
					},
					options: { rateLimit: 10_000, ...options },
				},
				items,
				credentials: { closingDealzApi: { apiKey: cdz.apiKey, baseUrl: cdz.url } },
				...extra,
			}),
		requests: () => cdz.requests.length,
		stored: () => cdz.leads.length,
		unknown: STORED_THEN_503,
	},
];

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

let counter = 0;
function workflow(name: string) {
	counter += 1;
	return `once-${name.replace(/\W/g, '')}-${counter}-${Date.now()}`;
}

describe.each(targets)('$name: Skip Already Sent', (target) => {
	const skip = { skipAlreadySent: true };

	it('skips a Property Finder lead (same lead id) a second execution gets again, without a request', async () => {
		const workflowId = workflow(target.name);
		const first = await target.run([pfLead('pf-100', '0501000100')], skip, { workflowId });
		expect(json(first.outputs[0])[0].outcome).toBe('created');
		expect(target.stored()).toBe(1);

		// The same Property Finder lead again (a webhook redelivery, a replayed poll), with the
		// phone spelled differently this time, next to a new lead.
		for (const sim of [infinity, alter, cdz, pfx]) sim.resetLog();
		const again = { ...pfLead('pf-100', '+971 50 999 0100', 'other@example.com') };
		const second = await target.run([again, pfLead('pf-101', '0501000101')], skip, { workflowId });
		const [repeated, fresh] = json(second.outputs[0]);
		expect(repeated).toMatchObject({ outcome: 'duplicate', skippedAlreadySent: true, leadKey: 'pf:pf-100' });
		expect(repeated.message).toMatch(/earlier execution.*same Property Finder lead/);
		expect(fresh.outcome).toBe('created');
		expect(target.stored()).toBe(2);
		// Only the new lead reached the CRM (PF Expert CRM: its look-up and its create).
		expect(target.requests()).toBe(target.name === 'PF Expert CRM' ? 2 : 1);
		expect(second.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('reports a lead whose outcome was unknown as "maybe sent" in the next execution, and does not send it', async () => {
		const workflowId = workflow(target.name);
		const options = { ...skip, ...target.unknownOptions };
		// Infinity CRM repeats a create that has a phone (it recognises the repeat): without
		// one, its outcome stays unknown like everyone else's.
		const lead = target.name === 'Infinity CRM' ? { ...pfLead('pf-200', ''), phone: undefined } : pfLead('pf-200', '0501000200');
		target.sim.fault(target.unknown, { match: (req) => req.method === 'POST' && !req.path.includes('token') });
		const first = await target.run([lead], options, { workflowId, continueOnFail: true });
		expect(json(first.outputs[0])[0].outcomeUnknown).toBe(true);
		expect(target.stored()).toBe(1);

		for (const sim of [infinity, alter, cdz, pfx]) sim.resetLog();
		const second = await target.run([lead], options, { workflowId, continueOnFail: true });
		const [out] = json(second.outputs[0]);
		expect(out.outcomeUnknown).toBe(true);
		expect(String(out.error)).toMatch(/^Maybe sent: an earlier execution sent this lead \(Property Finder lead ID pf-200\)/);
		expect(String(out.errorDescription)).toMatch(new RegExp(`Search ${target.name}`));
		expect(target.requests()).toBe(0);

		// Without "Continue On Fail" the node stops before any request and says why.
		const third = await target.run([lead], options, { workflowId });
		expect(third.error?.message).toMatch(new RegExp(`^Items 0 may already be in ${target.name}`));
		expect(target.requests()).toBe(0);
		expect(target.stored()).toBe(1);
	});

	it('does not remember a lead the CRM refused: the next execution sends it', async () => {
		const workflowId = workflow(target.name);
		const refusal: Fault = { kind: 'status', status: 400, body: { message: 'Refused for the test.' } };
		target.sim.fault(refusal, {
			match: (req) => req.method === 'POST' && !req.path.includes('token'),
		});
		const first = await target.run([pfLead('pf-300', '0501000300')], skip, { workflowId, continueOnFail: true });
		// The refusal is reported in the service's name; Infinity CRM reads its message from `error`, not `message`.
		expect(json(first.outputs[0])[0].error).toMatch(new RegExp(`^${target.name}(: Refused for the test\\.| answered HTTP 400)`));
		expect(json(first.outputs[0])[0].outcomeUnknown).toBeUndefined();
		expect(target.stored()).toBe(0);

		const second = await target.run([pfLead('pf-300', '0501000300')], skip, { workflowId });
		expect(json(second.outputs[0])[0].outcome).toBe('created');
		expect(target.stored()).toBe(1);
	});

	it('uses the Lead Key when one is set, and the phone for an item that is not a Property Finder lead', async () => {
		const workflowId = workflow(target.name);
		const keyed = { ...skip, leadKey: '={{ $json.ref }}' };
		const row = (ref: string, phone: string) => ({ ref, name: `Row ${ref}`, phone, email: `${ref}@example.com` });
		await target.run([row('A-1', '0501000401')], keyed, { workflowId });
		const again = await target.run([row('A-1', '0501000402'), row('A-2', '0501000403')], keyed, { workflowId });
		expect(json(again.outputs[0]).map((out) => out.outcome)).toEqual(['duplicate', 'created']);
		expect(json(again.outputs[0])[0]).toMatchObject({ skippedAlreadySent: true, leadKey: 'key:A-1' });

		// No Lead Key, no Property Finder lead id: the normalised phone identifies the lead.
		const plain = workflow(target.name);
		await target.run([row('B-1', '0501000501')], skip, { workflowId: plain });
		const repeat = await target.run([row('B-2', '+971501000501')], skip, { workflowId: plain });
		expect(json(repeat.outputs[0])[0]).toMatchObject({ outcome: 'duplicate', skippedAlreadySent: true, leadKey: 'phone:+971501000501' });
	});

	it('is off by default', async () => {
		const workflowId = workflow(target.name);
		await target.run([pfLead('pf-600', '0501000600')], {}, { workflowId });
		const second = await target.run([pfLead('pf-600', '0501000600')], {}, { workflowId });
		expect(json(second.outputs[0])[0].skippedAlreadySent).toBeUndefined();
	});
});

describe('Skip Already Sent in the per-item loop', () => {
	const infinityTarget = targets[0];

	it('a run that stops early remembers only what was confirmed; the rest is sent by the next run', async () => {
		const workflowId = workflow('stop');
		infinity.fault(
			{ kind: 'status', status: 400, body: { message: 'Refused for the test.' } },
			{ match: (req) => (req.body as IDataObject | undefined)?.name === 'Lead pf-701' },
		);
		const items = [pfLead('pf-700', '0501000700'), pfLead('pf-701', '0501000701'), pfLead('pf-702', '0501000702')];
		const first = await infinityTarget.run(items, { skipAlreadySent: true }, { workflowId });
		expect(first.error?.message).toMatch(/HTTP 400/);
		const storedFirst = infinity.leads.length;

		const second = await infinityTarget.run(items, { skipAlreadySent: true }, { workflowId });
		const outcomes = json(second.outputs[0]).map((out) => (out.skippedAlreadySent ? 'skipped' : out.outcome));
		// Item 0 was created by the first run; 1 was refused and 2 possibly never sent: both go now.
		expect(outcomes[0]).toBe('skipped');
		expect(outcomes.slice(1)).toEqual(['created', storedFirst === 2 ? 'skipped' : 'created']);
		expect(new Set(infinity.leads.map((lead) => lead.phone)).size).toBe(infinity.leads.length);
		expect(infinity.leads).toHaveLength(3);
	});

	it('two items of one run with the same Property Finder lead id are one lead', async () => {
		const result = await infinityTarget.run(
			[pfLead('pf-800', '0501000800'), pfLead('pf-800', '0501000899', 'x@example.com')],
			{ skipAlreadySent: true },
			{ workflowId: workflow('inrun') },
		);
		expect(json(result.outputs[0]).map((out) => out.outcome)).toEqual(['created', 'duplicate']);
		expect(json(result.outputs[0])[1].duplicateOf).toBe(0);
		expect(infinity.leads).toHaveLength(1);
	});
});

/**
 * What an item becomes when another execution claims its lead at the same moment
 * (nodes/shared/claims.ts). n8n's store is replaced here by one that shows, at the claim's
 * second look, what a concurrent execution's write would have left.
 */
describe('Skip Already Sent when another execution claims the same lead at the same moment', () => {
	const infinityTarget = targets[0];
	let restore: (() => void) | undefined;
	afterEach(() => restore?.());

	/** Before every look of a claim (a record with this run's markers), change the stored keys. */
	async function onLook(change: (stored: Set<string>, keys: string[]) => void) {
		const store = await processedItemsStore();
		const spy = jest.spyOn(store, 'checkProcessedAndRecord');
		const original = MemoryDeduplicator.prototype.checkProcessedAndRecord;
		let records = 0;
		spy.mockImplementation(async function (this: MemoryDeduplicator, items, scope, contextData, options) {
			records++;
			const keys = items.map(String);
			if (records > 1 && keys.some((key) => key.startsWith('claim:'))) {
				// Only this run's own entries (the store holds every test's workflows).
				for (const set of store.seen.values()) if (keys.some((key) => set.has(key))) change(set, keys);
			}
			return await original.call(store, items, scope, contextData, options);
		});
		restore = () => spy.mockRestore();
	}

	it("another execution's claim replaced this one: the item is a duplicate, nothing is sent", async () => {
		// A concurrent write of the same key from a read before this claim: the key stays, this run's marker is gone.
		await onLook((stored, keys) => keys.filter((key) => key.startsWith('claim:')).forEach((key) => stored.delete(key)));
		const before = infinityTarget.requests();
		const result = await infinityTarget.run([pfLead('pf-900', '0501000900')], { skipAlreadySent: true }, { workflowId: workflow('lost') });
		const [out] = json(result.outputs[0]);
		expect(out).toMatchObject({ outcome: 'duplicate', skippedAlreadySent: true, leadKey: 'pf:pf-900' });
		expect(String(out.message)).toMatch(/another execution of this workflow running at the same moment/);
		expect(infinityTarget.requests()).toBe(before);
	});

	it('a concurrent write dropped the key: the claim is made again and the lead is sent once', async () => {
		let looks = 0;
		await onLook((stored, keys) => {
			looks++;
			if (looks === 1) for (const key of keys) stored.delete(key);
		});
		const before = infinity.leads.length;
		const result = await infinityTarget.run([pfLead('pf-901', '0501000901')], { skipAlreadySent: true }, { workflowId: workflow('dropped') });
		expect(json(result.outputs[0]).map((out) => out.outcome)).toEqual(['created']);
		expect(infinity.leads.length - before).toBe(1);
		expect(looks).toBe(2);
	});

	it('the key keeps being dropped: an error item says nothing was sent (Continue On Fail), or the node stops before sending', async () => {
		await onLook((stored, keys) => keys.forEach((key) => stored.delete(key)));
		const before = infinityTarget.requests();
		const kept = await infinityTarget.run([pfLead('pf-902', '0501000902')], { skipAlreadySent: true }, {
			workflowId: workflow('unsettled'),
			continueOnFail: true,
		});
		const [out] = json(kept.outputs[0]);
		expect(String(out.error)).toMatch(/Not sent: other executions kept overwriting this lead's record/);
		const stopped = await infinityTarget.run([pfLead('pf-903', '0501000903')], { skipAlreadySent: true }, { workflowId: workflow('unsettled-stop') });
		expect(stopped.error?.message).toMatch(/Not sent \(items 0\).*nothing was sent/);
		expect(infinityTarget.requests()).toBe(before);
	}, 30_000);
});
