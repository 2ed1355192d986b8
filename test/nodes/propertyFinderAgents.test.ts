/**
 * The agent resolver behind `options.resolveAgent` of the Property Finder node's lead Get and
 * Get Many: one users request per execution whatever the number of leads and input items,
 * the agent fields from Property Finder's own user record, nulls for agents Property Finder
 * does not have (or has deactivated), and a lead that is never lost to a failed lookup.
 */
import { randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { expectNoSecrets, seenByWorkflow, useSimulator } from '../harness/assert';
import type { RunNodeResult } from '../harness/n8n';
import { runNode } from '../harness/n8n';
import type { PfUser } from '../../tooling/simulators/propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';

// Generated per run: never a real key, and never a literal in the source.
const { apiKey: API_KEY, apiSecret: API_SECRET } = pfKeyPair(`agents-${randomBytes(8).toString('hex')}`);
const sim = new PropertyFinderSimulator(API_KEY, API_SECRET);
const seededUsers = sim.users.slice();
const SCOPE_ADVICE = 'the key lacks the users:read scope; turn Resolve Agent off or add the scope';

let credentials: Record<string, IDataObject>;
useSimulator(sim);
beforeAll(() => {
	credentials = { propertyFinderApi: { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: sim.url } };
});
beforeEach(() => {
	sim.resetLog();
	sim.clearFaults();
	sim.leads.length = 0;
	sim.users.splice(0, sim.users.length, ...seededUsers);
	sim.now = Date.now();
	sim.tokens.clear();
	sim.scopes = new Set(['leads:read', 'users:read', 'listings:read', 'webhooks:full_access']);
});

async function run(parameters: IDataObject, items: IDataObject[] = [{}], continueOnFail = false): Promise<RunNodeResult> {
	return await runNode({
		type: 'propertyFinder',
		parameters: { resource: 'lead', ...parameters },
		items,
		credentials: credentials as RunNodeResult['credentialsHelper']['store'],
		continueOnFail,
	});
}

function jsons(result: RunNodeResult): IDataObject[] {
	return (result.outputs[0] ?? []).map((item) => item.json);
}

/**
 * What the lead's agent should read, straight from the simulator's user records: the user's
 * own name, login e-mail and mobile (what a CRM knows the agent by), else the public profile's.
 */
function expectedAgent(profileId: unknown) {
	const user = sim.users.find((candidate) => candidate.publicProfile?.id === profileId && candidate.status === 'active');
	if (!user) return { agentUserId: null, agentName: null, agentEmail: null, agentPhone: null };
	return {
		agentUserId: user.id,
		agentName: `${user.firstName} ${user.lastName ?? ''}`.trim(),
		agentEmail: user.email,
		agentPhone: user.mobile ?? user.publicProfile!.phone,
	};
}

const AGENT_FIELDS = ['agentUserId', 'agentName', 'agentEmail', 'agentPhone'] as const;

function agentFields(json: IDataObject) {
	return Object.fromEntries(AGENT_FIELDS.map((name) => [name, json[name]]));
}

function profilesAsked(): string[][] {
	return sim.calls('GET', '/v1/users').map((call) => String(call.query.publicProfileId).split(','));
}

/** Another agent, shaped like the simulator's own users (copied from the first seeded one). */
function addUser(profileId: number, status: PfUser['status']): PfUser {
	const template = seededUsers.find((user) => user.publicProfile)!;
	const user: PfUser = {
		...template,
		id: 7000 + profileId,
		firstName: `Agent${profileId}`,
		lastName: 'Test',
		email: `agent${profileId}@agency.example`,
		mobile: null,
		status,
		publicProfile: {
			...template.publicProfile!,
			id: profileId,
			name: `Agent ${profileId}`,
			email: `agent${profileId}.pf@agency.example`,
			phone: `+9715${String(profileId).padStart(8, '0')}`,
			whatsappPhone: `+9715${String(profileId).padStart(8, '0')}`,
		},
	};
	sim.users.push(user);
	return user;
}

describe('lead Get Many with Resolve Agent', () => {
	test('50 leads of 3 agents over 3 input items with different filters: one users request, every agent right', async () => {
		for (let i = 0; i < 50; i++) sim.addLead();
		const profiles = [...new Set(sim.leads.map((lead) => lead.publicProfile.id))];
		expect(profiles).toHaveLength(3);
		// Each item asks for the leads of another agent, so no item's agents are known from an
		// earlier item: only a lookup for the whole execution makes this one request.
		const result = await run(
			{ operation: 'getAll', returnAll: true, filters: { publicProfileId: '={{ $json.profile }}' }, options: { resolveAgent: true } },
			profiles.map((profile) => ({ profile: String(profile) })),
		);
		expect(result.error).toBeUndefined();
		const items = jsons(result);
		expect(items).toHaveLength(50);
		expect(profilesAsked()).toHaveLength(1);
		expect(profilesAsked()[0].sort()).toEqual(profiles.map(String).sort());
		for (const item of items) {
			expect(agentFields(item)).toEqual(expectedAgent(item.agentPublicProfileId));
			expect(item.agentUserId).not.toBeNull();
			expect(item.agentNotice).toBeUndefined();
		}
		expectNoSecrets(seenByWorkflow(result), [API_KEY, API_SECRET, ...sim.tokens.keys()]);
	});

	test('raw leads get the agent object; the request asks for a page as large as the API serves', async () => {
		for (let i = 0; i < 6; i++) sim.addLead();
		const result = await run({ operation: 'getAll', returnAll: true, simplify: false, options: { resolveAgent: true } });
		for (const item of jsons(result)) {
			const expected = expectedAgent((item.publicProfile as IDataObject).id);
			expect(item.agent).toMatchObject({ userId: expected.agentUserId, name: expected.agentName, email: expected.agentEmail, phone: expected.agentPhone });
		}
		const [call] = sim.calls('GET', '/v1/users');
		expect(Number(call.query.perPage)).toBe(100);
	});

	test('an unknown profile and a deactivated agent get nulls, without a notice', async () => {
		addUser(4242, 'inactive');
		const unknown = sim.addLead({ publicProfile: { id: 999999 } });
		const deactivated = sim.addLead({ publicProfile: { id: 4242 } });
		const known = sim.addLead();
		const items = jsons(await run({ operation: 'getAll', returnAll: true, options: { resolveAgent: true } }));
		const byId = new Map(items.map((item) => [item.id, item]));
		const nulls = { agentUserId: null, agentName: null, agentEmail: null, agentPhone: null };
		expect(agentFields(byId.get(unknown.id)!)).toEqual(nulls);
		expect(agentFields(byId.get(deactivated.id)!)).toEqual(nulls);
		expect(agentFields(byId.get(known.id)!)).toEqual(expectedAgent(known.publicProfile.id));
		expect(items.every((item) => item.agentNotice === undefined)).toBe(true);
		expect(profilesAsked()).toHaveLength(1);
	});

	test('a key without users:read: every lead is emitted with nulls and the advice in words', async () => {
		for (let i = 0; i < 5; i++) sim.addLead();
		sim.scopes.delete('users:read');
		const result = await run({ operation: 'getAll', returnAll: true, options: { resolveAgent: true } });
		expect(result.error).toBeUndefined();
		const items = jsons(result);
		expect(items.map((item) => item.id).sort()).toEqual(sim.leads.map((lead) => lead.id).sort());
		for (const item of items) {
			expect(item.agentName).toBeNull();
			expect(item.agentEmail).toBeNull();
			expect(String(item.agentNotice)).toContain(SCOPE_ADVICE);
		}
		// A 403 is an answer, not a fault: it is asked once.
		expect(sim.calls('GET', '/v1/users')).toHaveLength(1);
	});

	test('a users endpoint that keeps failing: leads with nulls and a notice, the lookup not repeated per item', async () => {
		for (let i = 0; i < 4; i++) sim.addLead();
		// A 400 is not retried: the run stays quick, and the lookup count is exact.
		sim.fault(
			{ kind: 'status', status: 400, body: { type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: 'invalid query', errors: [] } },
			{ times: 100, match: (req) => req.path === '/v1/users' },
		);
		const result = await run({ operation: 'getAll', returnAll: true, options: { resolveAgent: true } }, [{}, {}]);
		expect(result.error).toBeUndefined();
		const items = jsons(result);
		expect(items).toHaveLength(8);
		for (const item of items) {
			expect(agentFields(item)).toEqual({ agentUserId: null, agentName: null, agentEmail: null, agentPhone: null });
			expect(String(item.agentNotice)).toMatch(/users lookup failed/);
		}
		// One lookup for the execution, not one per item.
		expect(sim.calls('GET', '/v1/users')).toHaveLength(1);
	});

	test('more distinct agents than one users page holds: one request per 100 agents, no more', async () => {
		for (let profile = 5000; profile < 5130; profile++) {
			addUser(profile, 'active');
			sim.addLead({ publicProfile: { id: profile } });
		}
		const items = jsons(await run({ operation: 'getAll', returnAll: true, options: { resolveAgent: true } }));
		expect(items).toHaveLength(130);
		const asked = profilesAsked();
		expect(asked).toHaveLength(2);
		expect(asked.every((ids) => ids.length <= 100)).toBe(true);
		expect(new Set(asked.flat()).size).toBe(130);
		for (const item of items) expect(agentFields(item)).toEqual(expectedAgent(item.agentPublicProfileId));
	});
});

describe('lead Get with Resolve Agent', () => {
	test('three leads of three agents in three items: one users request, each item its agent', async () => {
		for (let i = 0; i < 9; i++) sim.addLead();
		const picks = [...new Map(sim.leads.map((lead) => [lead.publicProfile.id, lead])).values()];
		expect(picks).toHaveLength(3);
		const result = await run(
			{ operation: 'get', leadId: '={{ $json.leadId }}', options: { resolveAgent: true } },
			picks.map((lead) => ({ leadId: lead.id })),
		);
		expect(result.error).toBeUndefined();
		const items = result.outputs[0];
		expect(items).toHaveLength(3);
		items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.id).toBe(picks[index].id);
			expect(agentFields(item.json)).toEqual(expectedAgent(picks[index].publicProfile.id));
		});
		expect(profilesAsked()).toHaveLength(1);
	});

	test('off by default: no users request and no agent fields', async () => {
		const lead = sim.addLead();
		const [item] = jsons(await run({ operation: 'get', leadId: lead.id }));
		expect(item.id).toBe(lead.id);
		expect(item).not.toHaveProperty('agentName');
		expect(sim.calls('GET', '/v1/users')).toHaveLength(0);
	});

	test('a key without users:read still returns the lead, with the advice', async () => {
		const lead = sim.addLead();
		sim.scopes.delete('users:read');
		const result = await run({ operation: 'get', leadId: lead.id, options: { resolveAgent: true } });
		const [item] = jsons(result);
		expect(item.id).toBe(lead.id);
		expect(item.agentEmail).toBeNull();
		expect(String(item.agentNotice)).toContain(SCOPE_ADVICE);
	});
});
