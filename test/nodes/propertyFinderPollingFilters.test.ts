/**
 * The Polling Trigger's lead filters and Resolve Agent, through n8n-core's PollContext against
 * the Property Finder simulator (which holds every request to the API description):
 * - every filter is sent under its own name as repeated keys (the spec's form/explode arrays);
 * - a filter the server ignores floods nothing: each returned lead is checked again and the
 *   ones outside are dropped and counted in a log line;
 * - an active trigger that sets none of the newer filters keeps its filter fingerprint;
 * - Resolve Agent: one users request per poll for 50 leads of 3 agents; a refused lookup
 *   keeps every lead, with null agent fields and the advice.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { fakeDateOnly } from '../harness/assert';
import { TriggerHarness } from '../harness/triggers';
import type { PfLead } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';
import { fingerprint } from '../../nodes/PropertyFinderPollingTrigger/state';

const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair('pf-polling-filters-test');
const MINUTE = 60_000;
const START = Date.parse('2026-03-02T08:00:00.000Z');
const SCOPE_ADVICE = 'the key lacks the users:read scope; turn Resolve Agent off or add the scope';

let sim: PropertyFinderSimulator;
let seq = 0;
let logs: string[];

function pass(ms: number) {
	jest.setSystemTime(Date.now() + ms);
}

function harness(parameters: IDataObject = {}) {
	return new TriggerHarness({
		type: 'propertyFinderPollingTrigger',
		parameters: { filters: {}, simplify: true, options: {}, ...parameters },
		credentials: { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } },
		workflowId: `poll-filters-${++seq}`,
	});
}

function jsons(result: INodeExecutionData[][] | null): IDataObject[] {
	return (result?.[0] ?? []).map((item) => item.json);
}

/** Activate (baseline), let `add` create leads, and poll once they are listed. */
async function pollAfter(h: TriggerHarness, add: () => void): Promise<IDataObject[]> {
	expect(await h.poll()).toBeNull();
	pass(MINUTE);
	add();
	pass(MINUTE);
	return jsons(await h.poll());
}

/**
 * The logger n8n-core hands to nodes (`this.logger`): n8n-core resolves it from its own copy of
 * n8n's container, so the warnings are read there.
 */
function nodeLogger(): { warn: (message: string) => void } {
	const from = { paths: [path.dirname(require.resolve('n8n-core'))] };
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { Container } = require(require.resolve('@n8n/di', from)) as { Container: { get(type: unknown): unknown } };
	const { Logger } = require(require.resolve('@n8n/backend-common', from)) as { Logger: unknown };
	/* eslint-enable @typescript-eslint/no-require-imports */
	return Container.get(Logger) as { warn: (message: string) => void };
}

beforeAll(() => {
	logs = [];
	jest.spyOn(nodeLogger(), 'warn').mockImplementation((message: string) => {
		logs.push(message);
	});
	fakeDateOnly();
});

afterAll(() => {
	jest.useRealTimers();
	jest.restoreAllMocks();
});

beforeEach(async () => {
	jest.setSystemTime(START);
	sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
	sim.dataLimitPerMinute = 100_000;
	await sim.start();
	logs.length = 0;
});

afterEach(async () => {
	await sim.stop();
});

describe('Resolve Agent on the Polling Trigger', () => {
	it('50 new leads of 3 agents: one users request for the poll, every lead its agent', async () => {
		const h = harness({ options: { resolveAgent: true } });
		const items = await pollAfter(h, () => {
			for (let i = 0; i < 50; i++) sim.addLead();
		});
		expect(items).toHaveLength(50);
		expect(new Set(items.map((item) => item.agentPublicProfileId)).size).toBe(3);
		const users = sim.calls('GET', '/v1/users');
		expect(users).toHaveLength(1);
		for (const item of items) {
			const user = sim.users.find((candidate) => candidate.publicProfile?.id === item.agentPublicProfileId)!;
			expect(item).toMatchObject({
				agentUserId: user.id,
				agentName: `${user.firstName} ${user.lastName ?? ''}`.trim(),
				agentEmail: user.email,
				agentPhone: user.mobile ?? user.publicProfile!.phone,
			});
			expect(item).not.toHaveProperty('agentNotice');
		}
	});

	it('a key without users:read: the leads are emitted with null agents and the advice, and not again', async () => {
		sim.scopes.delete('users:read');
		const h = harness({ options: { resolveAgent: true } });
		let fresh: PfLead[] = [];
		const items = await pollAfter(h, () => {
			fresh = [sim.addLead(), sim.addLead()];
		});
		expect(items.map((item) => item.id)).toEqual(fresh.map((lead) => lead.id));
		for (const item of items) {
			expect(item).toMatchObject({ agentUserId: null, agentName: null, agentEmail: null, agentPhone: null });
			expect(String(item.agentNotice)).toContain(SCOPE_ADVICE);
		}
		pass(MINUTE);
		expect(await h.poll()).toBeNull();
	});

	it('off by default: no users request', async () => {
		const h = harness();
		const items = await pollAfter(h, () => sim.addLead());
		expect(items).toHaveLength(1);
		expect(items[0]).not.toHaveProperty('agentName');
		expect(sim.calls('GET', '/v1/users')).toHaveLength(0);
	});
});

describe('lead filters of the Polling Trigger', () => {
	it('every filter is sent under its own name, lists as repeated keys, as the API description defines', async () => {
		const project = randomUUID();
		const developer = randomUUID();
		const h = harness({
			filters: {
				channel: ['call', 'email'],
				entityType: ['listing'],
				listingReference: 'APT-100, APT-101',
				publicProfileId: ['1001'],
				status: ['sent', 'read'],
				tag: 'hot, vip',
				excludeTag: 'spam',
				listingCategory: ['residential'],
				listingOffering: ['sale'],
				projectId: project,
				developerId: developer,
			},
		});
		await h.poll();
		const calls = sim.calls('GET', '/v1/leads');
		expect(calls.length).toBeGreaterThan(0);
		// The simulator answers 400 to any parameter the API description does not allow.
		expect(calls.every((call) => call.status === 200)).toBe(true);
		for (const call of calls) {
			expect(Object.keys(call.query).filter((key) => key.includes('['))).toEqual([]);
			expect(call.query).toMatchObject({
				channel: ['call', 'email'],
				entityType: 'listing',
				listingReference: ['APT-100', 'APT-101'],
				publicProfileId: '1001',
				status: ['sent', 'read'],
				tag: ['hot', 'vip'],
				excludeTag: 'spam',
				listingCategory: 'residential',
				listingOffering: 'sale',
				projectId: project,
				developerId: developer,
			});
		}
	});

	// Each newer filter, with leads inside and outside it, while the server ignores it.
	const cases: Array<{ filter: string; value: unknown; inside: () => Partial<PfLead>; outside: () => Partial<PfLead> }> = [
		{ filter: 'status', value: ['replied'], inside: () => ({ status: 'replied' }), outside: () => ({ status: 'sent' }) },
		{ filter: 'tag', value: 'hot', inside: () => ({ tags: ['hot', 'x'] }), outside: () => ({ tags: ['cold'] }) },
		{ filter: 'excludeTag', value: 'spam', inside: () => ({ tags: ['hot'] }), outside: () => ({ tags: ['spam'] }) },
		{
			filter: 'projectId',
			value: '6f1d3a5e-2b4c-4d6e-8f0a-1b2c3d4e5f60',
			inside: () => ({ entityType: 'project', project: { id: '6f1d3a5e-2b4c-4d6e-8f0a-1b2c3d4e5f60' } }),
			outside: () => ({ entityType: 'project', project: { id: randomUUID() } }),
		},
		{
			filter: 'developerId',
			value: '7a2e4b6f-3c5d-4e7f-9a1b-2c3d4e5f6a70',
			inside: () => ({ entityType: 'developer', developer: { id: '7a2e4b6f-3c5d-4e7f-9a1b-2c3d4e5f6a70' } }),
			outside: () => ({ entityType: 'developer', developer: { id: randomUUID() } }),
		},
	];
	it.each(cases)('a server that ignores $filter floods nothing: the leads outside are dropped and logged', async ({ filter, value, inside, outside }) => {
		sim.ignoredLeadFilters.add(filter);
		const h = harness({ filters: { [filter]: value } });
		let wanted: PfLead[] = [];
		let unwanted: PfLead[] = [];
		const items = await pollAfter(h, () => {
			wanted = [sim.addLead(inside()), sim.addLead(inside())];
			unwanted = [sim.addLead(outside()), sim.addLead(outside()), sim.addLead(outside())];
		});
		expect(items.map((item) => item.id).sort()).toEqual(wanted.map((lead) => lead.id).sort());
		const line = logs.find((entry) => entry.includes('outside the filters'));
		expect(line).toContain(`dropped ${unwanted.length} lead(s)`);
		expect(line).toContain(`${filter}: ${unwanted.length}`);
		// Without the fault the server filters and nothing is dropped.
		sim.ignoredLeadFilters.clear();
		logs.length = 0;
		const again = harness({ filters: { [filter]: value } });
		const filtered = await pollAfter(again, () => {
			wanted = [sim.addLead(inside())];
			sim.addLead(outside());
		});
		expect(filtered.map((item) => item.id)).toEqual(wanted.map((lead) => lead.id));
		expect(logs.some((entry) => entry.includes('outside the filters'))).toBe(false);
	});

	it.each([
		{ filter: 'listingCategory', value: ['commercial'] },
		{ filter: 'listingOffering', value: ['rent'] },
	])('a server that ignores $filter: the leads are checked on their listings', async ({ filter, value }) => {
		sim.ignoredLeadFilters.add(filter);
		const live = sim.listings.filter((listing) => listing.state.stage === 'live');
		const matches = (listing: (typeof live)[number]) =>
			filter === 'listingCategory' ? listing.category === 'commercial' : listing.price.type !== 'sale';
		const good = live.find(matches)!;
		const bad = live.find((listing) => !matches(listing))!;
		const on = (listing: typeof good): Partial<PfLead> => ({
			listing: { id: listing.id, reference: listing.reference },
			publicProfile: { id: listing.assignedTo.id },
		});
		const h = harness({ filters: { [filter]: value } });
		let wanted: PfLead[] = [];
		const items = await pollAfter(h, () => {
			wanted = [sim.addLead(on(good))];
			sim.addLead(on(bad));
			sim.addLead(on(bad));
			sim.addLead({ entityType: 'agent', listing: undefined });
		});
		expect(items.map((item) => item.id)).toEqual(wanted.map((lead) => lead.id));
		expect(sim.calls('GET', '/v1/listings')).toHaveLength(1);
		expect(logs.find((entry) => entry.includes('outside the filters'))).toContain('dropped 3 lead(s)');
	});

	it('a trigger saved with the first four filters sees no filter change when the newer ones are not set', async () => {
		const old = { channel: ['call'], entityType: ['listing'], listingReference: ['APT-100'], publicProfileId: ['1001'] };
		const h = harness({ filters: { channel: ['call'], entityType: ['listing'], listingReference: 'APT-100', publicProfileId: ['1001'] } });
		await h.poll();
		const state = h.nodeStaticData().pollState as IDataObject;
		expect(state.filters).toBe(fingerprint(old));
		// Setting a newer filter is a change.
		const edited = harness({ filters: { channel: ['call'], status: ['sent'] } });
		await edited.poll();
		expect((edited.nodeStaticData().pollState as IDataObject).filters).not.toBe(fingerprint({ channel: ['call'] }));
	});
});
