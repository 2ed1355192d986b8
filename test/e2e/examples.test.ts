/**
 * End to end: a real n8n (the version pinned in tooling/n8n/n8n-host, on Node 24) with the package
 * installed from its `npm pack` tarball the way the Community Nodes installer does it, the
 * example workflows of examples/ imported, and every API simulated on 127.0.0.1. The
 * assertions read the simulators' request logs and n8n's own execution data.
 *
 * One n8n serves the whole file (cold start 10–27 s); the tests run in order and some build
 * on the state the previous one left (an activated workflow, a created lead).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { PfLead } from '../../tooling/simulators/propertyFinder';
import type { PfEvent } from '../../tooling/simulators/propertyFinderWebhooks';
import { deliver, leadEvent, signPayload } from '../../tooling/simulators/propertyFinderWebhooks';
import type { Environment } from './setup/environment';
import { startEnvironment } from './setup/environment';
import { PF_TRIGGER_TYPE, triggerWebhookPath } from './setup/examples';
import {
	allExecutions,
	executionError,
	executionIds,
	newExecutionIds,
	waitForNewExecutions,
} from './setup/executions';
import type { CredentialType } from './setup/simulators';
import { credentialData, knownSecrets } from './setup/simulators';
import type { Execution, Workflow, WorkflowJson } from '../../tooling/n8n/index.cjs';
import { nodeOutput, request } from '../../tooling/n8n/index.cjs';

const PACKAGE = 'n8n-nodes-property-leads';
const MANAGER = 'manager@brokerage.example';

let env: Environment;

/** Every secret that passed through n8n in this run, beyond the simulators' own keys. */
const extraSecrets = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to `timeoutMs`) until `check` holds; returns whether it did. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) return false;
		await sleep(100);
	}
	return true;
}

beforeAll(async () => {
	env = await startEnvironment();
	process.stderr.write(
		`[e2e] n8n ${env.n8n.baseUrl} ready in ${env.n8n.readyMs} ms, user folder ${env.n8n.userFolder}\n`,
	);
}, 300_000);

afterAll(async () => {
	if (!env) return;
	// n8n's log outlives the run (for a look after a failure); KEEP_E2E=1 keeps its whole folder.
	const keepFiles = process.env.KEEP_E2E === '1';
	const log = path.join(os.tmpdir(), 'property-leads-e2e-n8n.log');
	fs.copyFileSync(env.n8n.logFile, log);
	await env.stop({ keepFiles });
	process.stderr.write(`[e2e] n8n log: ${log}${keepFiles ? `; kept ${env.workDir}` : ''}\n`);
}, 60_000);

function output(execution: Execution, node: string, outputIndex = 0) {
	return nodeOutput(execution, node, { outputIndex }) ?? [];
}

function ran(execution: Execution, node: string): boolean {
	return (execution.data.resultData.runData[node]?.length ?? 0) > 0;
}

function expectSuccess(execution: Execution) {
	expect({ status: execution.status, error: executionError(execution) }).toEqual({
		status: 'success',
		error: '',
	});
}

/** A Property Finder lead on a listing, with the given phone (a repeat of another lead's phone). */
function leadWithPhone(lead: PfLead, name: string): PfLead {
	return env.sims.propertyFinder.addLead({
		sender: {
			name,
			contacts: [
				{ type: 'phone', value: lead.sender.contacts.find((c) => c.type === 'phone')!.value },
				{ type: 'email', value: `${name.toLowerCase().replace(/\s+/g, '.')}@mail.example` },
			],
		},
	});
}

/** Signs and POSTs events to one subscription of the simulator (as Property Finder does). */
async function deliverTo(
	url: string,
	events: PfEvent | PfEvent[],
	extra: Parameters<typeof deliver>[2] = {},
) {
	const subscription = env.sims.pfWebhooks.subscriptions.find((s) => s.url === url);
	if (!subscription) throw new Error(`no subscription for ${url}`);
	return await deliver(url, events, { secret: subscription.secret, ...extra });
}

describe('the package in n8n', () => {
	test('n8n loads every node and credential type from the npm pack tarball', async () => {
		expect(env.n8n.packages).toEqual([
			expect.objectContaining({ name: PACKAGE, version: expect.any(String) }),
		]);
		const names = [
			'infinityCrm',
			'propertyFinder',
			'propertyFinderTrigger',
			'propertyFinderPollingTrigger',
			'alterEstate',
			'closingDealz',
		];
		const types = (await env.n8n.rest('POST', '/node-types', {
			nodeInfos: names.map((name) => ({ name: `${PACKAGE}.${name}`, version: 1 })),
		})) as Array<{ name: string; displayName: string; iconUrl?: { light: string; dark: string } }>;
		expect(types.map((t) => t.displayName).sort()).toEqual(
			[
				'AlterEstate',
				'ClosingDealz',
				'Infinity CRM',
				'Property Finder',
				'Property Finder Polling Trigger',
				'Property Finder Trigger',
			].sort(),
		);
		// The light and dark icons shipped in the tarball are served by n8n.
		for (const type of types) {
			expect(type.iconUrl).toEqual({
				light: expect.stringMatching(/\.svg$/),
				dark: expect.stringMatching(/\.dark\.svg$/),
			});
			for (const icon of [type.iconUrl!.light, type.iconUrl!.dark]) {
				const res = await request(`${env.n8n.baseUrl}/${icon.replace(/^\//, '')}`);
				expect({ icon, status: res.status, svg: res.text.includes('<svg') }).toEqual({
					icon,
					status: 200,
					svg: true,
				});
			}
		}

		// The credential types too (what the editor's credential picker reads), with their icons.
		const session = env.n8n as unknown as { cookie: string; browserId: string };
		const answer = await request(`${env.n8n.baseUrl}/types/credentials.json`, {
			headers: { cookie: session.cookie, 'browser-id': session.browserId },
		});
		expect(answer.status).toBe(200);
		const credentialTypes = JSON.parse(answer.text) as Array<{
			name: string;
			iconUrl?: { light: string; dark: string };
		}>;
		const ours = credentialTypes.filter((c) =>
			[
				'infinityCrmApi',
				'propertyFinderApi',
				'propertyFinderExpertApi',
				'alterEstateApi',
				'closingDealzApi',
			].includes(c.name),
		);
		expect(ours).toHaveLength(5);
		for (const credential of ours) expect(credential.iconUrl?.light).toMatch(/\.svg$/);
	});
});

describe('credential tests (the editor\'s "Test" button and the public API)', () => {
	const wrongData = (type: CredentialType): Record<string, unknown> => {
		const data = credentialData(env.sims)[type];
		const wrong = (field: string) => `wrong-${field}-${env.sims.keys.infinityKey.slice(-8)}`;
		switch (type) {
			case 'propertyFinderApi':
				// Property Finder secrets are 32 characters (its API description): a wrong one of the
				// right shape is refused with 401, not with a 400 about its length.
				return { ...data, apiSecret: wrong('pf').padEnd(32, '0').slice(0, 32) };
			case 'propertyFinderExpertApi':
				return { ...data, apiSecret: wrong(`${type}-secret`) };
			default:
				return { ...data, apiKey: wrong(`${type}-key`) };
		}
	};

	test.each([
		'infinityCrmApi',
		'propertyFinderApi',
		'propertyFinderExpertApi',
		'alterEstateApi',
		'closingDealzApi',
	] as CredentialType[])(
		'%s: the right key passes, a wrong one fails (also after a token was cached)',
		async (type) => {
			const { n8n, credentials } = env;
			const good = credentials[type];
			const data = wrongData(type);
			for (const value of Object.values(data))
				if (typeof value === 'string' && value.startsWith('wrong-')) extraSecrets.add(value);
			const [bad] = await n8n.importCredentials([{ name: `${good.name} (wrong)`, type, data }]);

			const editorGood = await n8n.testCredential(good.id);
			const editorBad = await n8n.testCredential(String(bad.id));
			// The public API tests credentials from n8n 2.x on; on 1.x the editor's test is the one.
			const publicGood = n8n.hasPublicCredentialTest
				? await n8n.testCredentialPublicApi(good.id)
				: editorGood;
			const publicBad = n8n.hasPublicCredentialTest
				? await n8n.testCredentialPublicApi(String(bad.id))
				: editorBad;
			// The working credential opened in the editor, its key or secret changed to a wrong one,
			// and tested again: a token cached by the tests above must not make it pass.
			const changed = Object.fromEntries(
				Object.entries(data).filter(
					([, value]) => typeof value === 'string' && value.startsWith('wrong-'),
				),
			);
			const editedBad = await n8n.testCredential(good.id, changed);
			const goodAgain = await n8n.testCredential(good.id);

			expect(editorGood).toEqual({ status: 'OK', message: expect.any(String) });
			expect(publicGood.status).toBe('OK');
			expect(editorBad.status).toBe('Error');
			expect(publicBad.status).toBe('Error');
			expect(editedBad.status).toBe('Error');
			expect(goodAgain.status).toBe('OK');
			// The failure says why, and never repeats the key it was given. (n8n 1.x replaces the
			// message of a refused token request with its own "Authorization failed - …".)
			expect(editorBad.message).toMatch(
				n8n.major < 2
					? /invalid|unauthori[sz]ed|authentication|authori[sz]ation failed|not accept|refused|401/i
					: /invalid|unauthori[sz]ed|authentication|not accept|refused|401/i,
			);
			for (const secret of Object.values(data)) {
				if (typeof secret === 'string' && secret.startsWith('wrong-'))
					expect(editorBad.message).not.toContain(secret);
			}
			await n8n.deleteCredential(String(bad.id));
		},
	);
});

/** Token requests made by the credential tests; the workflows below should need about one more. */
const tokenCallsBefore = { enterprise: 0, expert: 0 };

describe('example: Property Finder Polling Trigger (Resolve Agent) → AlterEstate', () => {
	beforeAll(() => {
		tokenCallsBefore.enterprise = env.sims.propertyFinder.tokenCalls;
		tokenCallsBefore.expert = env.sims.pfExpert.tokenCalls;
	});

	let workflow: Workflow;
	const emitted: string[] = [];
	let fresh: PfLead[] = [];

	/** A poll without waiting for the schedule: a poll runs at every activation. */
	async function pollNow() {
		await env.n8n.deactivateWorkflow(workflow.id);
		await env.n8n.activateWorkflow(workflow.id);
	}

	test('the first activation takes a baseline: existing leads start nothing', async () => {
		const { n8n, sims } = env;
		({ workflow } = await env.importExample('pollingToAlterEstate'));
		expect(sims.propertyFinder.leads.length).toBeGreaterThan(0);
		sims.propertyFinder.resetLog();
		await n8n.activateWorkflow(workflow.id);
		// The baseline poll ran at activation (it reads the newest leads) …
		expect(await until(() => sims.propertyFinder.calls('GET', '/v1/leads').length > 0)).toBe(true);
		// … and emitted nothing.
		await sleep(1500);
		expect(await n8n.listExecutions(workflow.id)).toEqual([]);
	});

	test("50 new leads of 3 agents are emitted once, each assigned to its agent in AlterEstate, from one users request", async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		// New means younger than the newest lead of the baseline; the poller reads up to 30 s
		// before now (Property Finder lists leads late). Wait if older tests just added leads.
		const newest = Math.max(...sims.propertyFinder.leads.map((l) => Date.parse(l.createdAt)));
		const wait = newest + 1000 + 31_000 - sims.propertyFinder.now;
		if (wait > 0) await sleep(wait);
		const at = Math.max(newest + 1000, sims.propertyFinder.now - 60_000);
		fresh = Array.from({ length: 50 }, (_, i) =>
			sims.propertyFinder.addLead({ createdAt: new Date(at + i).toISOString() }),
		);
		expect(new Set(fresh.map((lead) => lead.publicProfile.id)).size).toBe(3);
		sims.propertyFinder.resetLog();
		await pollNow();

		const executions = await waitForNewExecutions(n8n, workflow.id, known);
		expect(executions).toHaveLength(1);
		const [execution] = executions;
		expectSuccess(execution);
		expect(execution.mode).toBe('trigger');
		emitted.push(...output(execution, 'Property Finder Polling Trigger').map((l) => String(l.id)));
		expect(emitted).toEqual(fresh.map((l) => l.id));
		expect(output(execution, 'Create Lead in AlterEstate').map((r) => r.outcome)).toEqual(
			fresh.map(() => 'created'),
		);

		// Resolve Agent: one users request for the poll, whatever the number of leads.
		expect(sims.propertyFinder.calls('GET', '/v1/users')).toHaveLength(1);
		const triggered = output(execution, 'Property Finder Polling Trigger');
		for (const lead of fresh) {
			const agent = sims.propertyFinder.users.find(
				(u) => u.publicProfile?.id === lead.publicProfile.id,
			)!;
			expect(triggered.find((t) => t.id === lead.id)).toMatchObject({
				agentUserId: agent.id,
				agentEmail: agent.email,
				agentName: `${agent.firstName} ${agent.lastName ?? ''}`.trim(),
			});
			const contact = sims.alterEstate.contacts.find(
				(c) =>
					c.full_name === lead.sender.name &&
					c.body.notes &&
					String(c.body.notes).includes(lead.id),
			);
			expect(contact).toMatchObject({
				phone: lead.sender.contacts.find((c) => c.type === 'phone')!.value,
				assigned_to: agent.email,
			});
			expect(contact!.body).toMatchObject({ related: agent.email, platform: 'Property Finder' });
		}
	});

	test('polling again emits nothing already emitted', async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		const contacts = sims.alterEstate.contacts.length;
		sims.propertyFinder.resetLog();
		await pollNow();
		expect(await until(() => sims.propertyFinder.calls('GET', '/v1/leads').length > 0)).toBe(true);
		await sleep(1500);
		// A scheduled poll may also have run meanwhile: whatever ran, no lead came out twice.
		const again = await newExecutionIds(n8n, workflow.id, known);
		for (const id of again) {
			const execution = await n8n.waitForExecution(id);
			emitted.push(
				...output(execution, 'Property Finder Polling Trigger').map((l) => String(l.id)),
			);
		}
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(again).toEqual([]);
		expect(sims.alterEstate.contacts).toHaveLength(contacts);
		await n8n.deactivateWorkflow(workflow.id);
	});
});

describe('example: Property Finder Trigger (Resolve Agent) → listing owner or round robin in AlterEstate', () => {
	let workflow: Workflow;
	let url: string;

	test("a lead on a listing with an owner goes to that agent, another to the round robin, each with its Property Finder agent", async () => {
		const { n8n, sims } = env;
		let json: WorkflowJson;
		({ workflow, json } = await env.importExample('webhookRouteByListing'));
		await n8n.activateWorkflow(workflow.id);
		url = n8n.webhookUrl(triggerWebhookPath(json));
		// Activation may answer before the subscriptions exist.
		expect(await until(() => sims.pfWebhooks.subscriptions.filter((s) => s.url === url).length === 2)).toBe(true);
		for (const s of sims.pfWebhooks.subscriptions.filter((sub) => sub.url === url)) extraSecrets.add(s.secret!);

		const byReference = (reference: string) => {
			const listing = sims.propertyFinder.listings.find((l) => l.reference === reference)!;
			return sims.propertyFinder.addLead({
				listing: { id: listing.id, reference },
				publicProfile: { id: listing.assignedTo.id },
			});
		};
		const owned = byReference('APT-100');
		const unowned = byReference('APT-102');
		for (const lead of [owned, unowned]) {
			const known = await executionIds(n8n, workflow.id);
			sims.propertyFinder.resetLog();
			const [answer] = await deliverTo(url, leadEvent('lead.created', lead));
			expect(answer.status).toBe(200);
			const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
			expectSuccess(execution);
			const agent = sims.propertyFinder.users.find((u) => u.publicProfile?.id === lead.publicProfile.id)!;
			expect(output(execution, 'Property Finder Trigger')).toEqual([
				expect.objectContaining({ id: lead.id, agentUserId: agent.id, agentEmail: agent.email }),
			]);
			expect(sims.propertyFinder.calls('GET', '/v1/users')).toHaveLength(1);
			const contact = sims.alterEstate.contacts.find((c) => String(c.body.notes ?? '').includes(lead.id))!;
			expect(contact).toBeDefined();
			expect(String(contact.body.notes)).toContain(agent.email);
			if (lead === owned) {
				expect(ran(execution, 'Create via Round Robin')).toBe(false);
				expect(contact.body).toMatchObject({ related: 'maria@agency.example' });
				expect(contact.assigned_to).toBe('maria@agency.example');
			} else {
				expect(ran(execution, 'Create for Listing Owner')).toBe(false);
				expect(contact.body).toMatchObject({ round_robin: 'rr_main' });
				expect(contact.body.related).toBeUndefined();
			}
		}
	});

	test('while the users endpoint hangs, the delivery is still acknowledged and the lead routed, with null agent fields and a notice', async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		const listing = sims.propertyFinder.listings.find((l) => l.reference === 'APT-101')!;
		const lead = sims.propertyFinder.addLead({
			listing: { id: listing.id, reference: listing.reference },
			publicProfile: { id: listing.assignedTo.id },
		});
		sims.propertyFinder.resetLog();
		sims.propertyFinder.fault({ kind: 'hang' }, { times: 5, match: (req) => req.path === '/v1/users' });
		try {
			const [answer] = await deliverTo(url, leadEvent('lead.created', lead));
			expect(answer.status).toBe(200);
			// Acknowledged while the users request had not been answered.
			expect(sims.propertyFinder.calls('GET', '/v1/users').map((call) => call.status)).toEqual(['hang']);
			const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
			expectSuccess(execution);
			expect(output(execution, 'Property Finder Trigger')).toEqual([
				expect.objectContaining({
					id: lead.id,
					agentUserId: null,
					agentName: null,
					agentEmail: null,
					agentPhone: null,
					agentNotice: expect.stringMatching(/did not answer within/),
				}),
			]);
			const contact = sims.alterEstate.contacts.find((c) => String(c.body.notes ?? '').includes(lead.id))!;
			expect(contact.body).toMatchObject({ related: 'omar@agency.example' });
		} finally {
			sims.propertyFinder.clearFaults();
			await n8n.deactivateWorkflow(workflow.id);
		}
	});
});

describe('example: Property Finder Trigger → Infinity CRM, duplicates → email + CSV', () => {
	let workflow: Workflow;
	let json: WorkflowJson;
	let url: string;
	let first: PfLead;
	let infinityLeadId: number;

	test("activation subscribes n8n's production webhook URL for each selected event", async () => {
		const { n8n, sims } = env;
		({ workflow, json } = await env.importExample('webhookToInfinity', { managerEmail: MANAGER }));
		sims.propertyFinder.resetLog();
		const activated = await n8n.activateWorkflow(workflow.id);
		expect(activated.publication?.status).toBe('published');

		url = n8n.webhookUrl(triggerWebhookPath(json));
		expect(url).toMatch(new RegExp(`^${n8n.baseUrl}/webhook/[0-9a-f-]{36}/webhook$`));
		const subscriptions = sims.pfWebhooks.subscriptions.filter((s) => s.url === url);
		expect(subscriptions.map((s) => s.eventType).sort()).toEqual(['lead.assigned', 'lead.created']);
		expect(sims.pfWebhooks.subscriptions).toHaveLength(2);
		for (const s of subscriptions) {
			expect(s.secret).toEqual(expect.any(String));
			expect(s.secret!.length).toBeGreaterThanOrEqual(16);
			extraSecrets.add(s.secret!);
		}
		expect(subscriptions[0].secret).toBe(subscriptions[1].secret);
		expect(sims.propertyFinder.calls('POST', '/v1/webhooks')).toHaveLength(2);
	});

	test('a signed delivery starts one execution that creates the lead in Infinity CRM', async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		first = sims.propertyFinder.addLead({ channel: 'whatsapp' });
		const event = leadEvent('lead.created', first);
		const [answer] = await deliverTo(url, event);
		expect(answer.status).toBe(200);

		const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
		expectSuccess(execution);
		expect(execution.mode).toBe('webhook');
		const [triggered] = output(execution, 'Property Finder Trigger');
		expect(triggered).toMatchObject({
			id: first.id,
			name: first.sender.name,
			phone: first.sender.contacts.find((c) => c.type === 'phone')!.value,
			channel: 'whatsapp',
			listingReference: first.listing!.reference,
			eventId: event.id,
			eventType: 'lead.created',
		});
		const [created] = output(execution, 'Create Lead in Infinity CRM', 0);
		expect(created).toMatchObject({
			outcome: 'created',
			leadId: expect.any(Number),
			existingLeadId: null,
		});
		expect(output(execution, 'Create Lead in Infinity CRM', 1)).toEqual([]);
		expect(ran(execution, 'Email the Manager')).toBe(false);
		infinityLeadId = created.leadId as number;

		const stored = sims.infinity.leads.find((lead) => lead.lead_id === infinityLeadId)!;
		expect(stored.body).toMatchObject({
			name: first.sender.name,
			phone: triggered.phone,
			email: triggered.email,
			lead_source: 'property_finder',
			notes: expect.stringContaining(first.id),
		});
		expect(sims.smtp.messages).toHaveLength(0);
	});

	test('a repeat of the lead (lead.assigned, and the same event again) starts nothing', async () => {
		const { n8n } = env;
		const known = await executionIds(n8n, workflow.id);
		const answers = [
			...(await deliverTo(url, leadEvent('lead.assigned', first))),
			...(await deliverTo(url, leadEvent('lead.created', first))),
		];
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		expect(answers.map((a) => JSON.parse(a.body))).toEqual([
			expect.objectContaining({ ignored: 'duplicate delivery' }),
			expect.objectContaining({ ignored: 'duplicate delivery' }),
		]);
		await sleep(1000);
		expect(await newExecutionIds(n8n, workflow.id, known)).toEqual([]);
	});

	test('an Infinity CRM duplicate goes out on the Duplicate output, to the email and the CSV', async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		const repeat = leadWithPhone(first, 'Repeat Caller');
		const [answer] = await deliverTo(url, leadEvent('lead.created', repeat));
		expect(answer.status).toBe(200);

		const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
		expectSuccess(execution);
		expect(output(execution, 'Create Lead in Infinity CRM', 0)).toEqual([]);
		const duplicates = output(execution, 'Create Lead in Infinity CRM', 1);
		expect(duplicates).toEqual([
			expect.objectContaining({
				outcome: 'duplicate',
				leadId: null,
				existingLeadId: infinityLeadId,
				message: expect.stringContaining('already exists'),
			}),
		]);
		expect(sims.infinity.duplicates).toEqual([
			expect.objectContaining({ existing_lead_id: infinityLeadId }),
		]);

		// Send Email ran once and the SMTP sink got the mail for the manager.
		expect(output(execution, 'Email the Manager')).toHaveLength(1);
		const [mail] = await sims.smtp.waitForMessages(1);
		expect(mail.to).toEqual([MANAGER]);
		expect(mail.from).toBe('leads@your-brokerage.example');
		expect(mail.authUser).toBe(env.sims.keys.smtpUser);
		expect(mail.subject).toBe('Duplicate lead from Property Finder: Repeat Caller');
		expect(mail.text).toContain(`Existing Infinity CRM lead: ${infinityLeadId}`);
		expect(mail.text).toContain(`Property Finder lead: ${repeat.id}`);

		// The spreadsheet step: one CSV row for the duplicate.
		expect(output(execution, 'Duplicate Row')).toEqual([
			expect.objectContaining({
				name: 'Repeat Caller',
				propertyFinderLeadId: repeat.id,
				existingInfinityLeadId: String(infinityLeadId),
			}),
		]);
		const csvRun = execution.data.resultData.runData['Duplicates to CSV'][0];
		const file = csvRun.data.main[0][0].binary?.data;
		expect(file).toMatchObject({ fileName: 'duplicate-leads.csv', mimeType: 'text/csv' });
	});

	test('forged, missing and malformed signatures are answered 401 and start nothing', async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		const lead = sims.propertyFinder.addLead();
		const event = leadEvent('lead.created', lead);
		const raw = JSON.stringify(event);
		const answers = [
			...(await deliver(url, event, {
				signature: signPayload(raw, 'not-the-subscription-secret'),
			})),
			...(await deliver(url, event, { signature: null })),
			...(await deliver(url, event, { signature: 'sha256=zz' })),
			// Signed correctly, then the body changed on the way.
			...(await deliverTo(url, event, {
				rawBody: raw.replace(lead.id, 'tampered'),
				signature: signPayload(
					raw,
					sims.pfWebhooks.subscriptions.find((s) => s.url === url)!.secret!,
				),
			})),
		];
		expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
		await sleep(1000);
		expect(await newExecutionIds(n8n, workflow.id, known)).toEqual([]);
		expect(
			sims.infinity.leads.some(
				(stored) => stored.body.notes && String(stored.body.notes).includes(lead.id),
			),
		).toBe(false);
	});

	test('deactivation unsubscribes exactly its subscriptions; the URL is gone', async () => {
		const { n8n, sims } = env;
		const ids = sims.pfWebhooks.subscriptions.filter((s) => s.url === url).map((s) => s.id);
		sims.propertyFinder.resetLog();
		await n8n.deactivateWorkflow(workflow.id);
		expect(sims.pfWebhooks.subscriptions).toEqual([]);
		expect(
			sims.propertyFinder
				.calls('DELETE', /^\/v1\/webhooks\//)
				.map((r) => decodeURIComponent(r.path.split('/').pop()!))
				.sort(),
		).toEqual(ids.sort());
		const gone = await n8n.callWebhook(triggerWebhookPath(json), { body: {}, retry404Ms: 0 });
		expect(gone.status).toBe(404);
	});
});

describe('example: Property Finder Trigger → PF Expert CRM create + assign', () => {
	let workflow: Workflow;
	let url: string;
	let lead: PfLead;

	test('a new lead is created in PF Expert CRM and assigned to the agent', async () => {
		const { n8n, sims } = env;
		let json: WorkflowJson;
		({ workflow, json } = await env.importExample('webhookToExpertCrm'));
		await n8n.activateWorkflow(workflow.id);
		url = n8n.webhookUrl(triggerWebhookPath(json));
		const subscriptions = sims.pfWebhooks.subscriptions.filter((s) => s.url === url);
		expect(subscriptions.map((s) => s.eventType).sort()).toEqual(['lead.assigned', 'lead.created']);
		for (const s of subscriptions) extraSecrets.add(s.secret!);

		const known = await executionIds(n8n, workflow.id);
		lead = sims.propertyFinder.addLead({ channel: 'call' });
		const answers = await deliverTo(url, leadEvent('lead.assigned', lead));
		expect(answers.map((a) => a.status)).toEqual([200]);
		const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
		expectSuccess(execution);

		const [created] = output(execution, 'Create Lead in PF Expert CRM', 0);
		expect(created).toMatchObject({ outcome: 'created', leadId: expect.any(Number) });
		const [assigned] = output(execution, 'Assign to Agent');
		expect(assigned).toMatchObject({ success: true, leadId: created.leadId, userId: 1 });

		const stored = sims.pfExpert.leads.find((l) => l.id === created.leadId)!;
		const [firstName, ...rest] = lead.sender.name.split(' ');
		expect(stored).toMatchObject({
			first_name: firstName,
			last_name: rest.join(' '),
			mobile: lead.sender.contacts.find((c) => c.type === 'phone')!.value,
			source: 'propertyfinder',
			channel: 'callTracking',
			status: 'notYetContacted',
			user: { id: 1 },
		});
		expect(sims.pfExpert.calls('PATCH', `/leads/${created.leadId}`)).toHaveLength(1);
	});

	test('a lead whose mobile PF Expert CRM knows goes to the Duplicate output and is not assigned', async () => {
		const { n8n, sims } = env;
		const known = await executionIds(n8n, workflow.id);
		const before = sims.pfExpert.leads.length;
		const repeat = leadWithPhone(lead, 'Same Mobile');
		await deliverTo(url, leadEvent('lead.created', repeat));
		const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
		expectSuccess(execution);
		expect(output(execution, 'Create Lead in PF Expert CRM', 0)).toEqual([]);
		expect(output(execution, 'Create Lead in PF Expert CRM', 1)).toEqual([
			expect.objectContaining({ outcome: 'duplicate', existingLeadId: expect.any(Number) }),
		]);
		expect(ran(execution, 'Assign to Agent')).toBe(false);
		expect(sims.pfExpert.leads).toHaveLength(before);
	});

	test('deactivation removes its subscriptions; activating again subscribes once more, with a new secret', async () => {
		const { n8n, sims } = env;
		const secret = sims.pfWebhooks.subscriptions.find((s) => s.url === url)!.secret;
		await n8n.deactivateWorkflow(workflow.id);
		expect(sims.pfWebhooks.subscriptions.filter((s) => s.url === url)).toEqual([]);

		await n8n.activateWorkflow(workflow.id);
		const again = sims.pfWebhooks.subscriptions.filter((s) => s.url === url);
		expect(again.map((s) => s.eventType).sort()).toEqual(['lead.assigned', 'lead.created']);
		expect(again[0].secret).not.toBe(secret);
		for (const s of again) extraSecrets.add(s.secret!);
		// The old secret no longer opens the door.
		const known = await executionIds(n8n, workflow.id);
		const lead = sims.propertyFinder.addLead();
		const [stale] = await deliver(url, leadEvent('lead.created', lead), { secret });
		expect(stale.status).toBe(401);
		await n8n.deactivateWorkflow(workflow.id);
		expect(sims.pfWebhooks.subscriptions).toEqual([]);
		expect(await newExecutionIds(n8n, workflow.id, known)).toEqual([]);
	});
});

describe('a workflow saved with version 1 of the Property Finder Trigger', () => {
	test('still subscribes on activation, creates a delivered lead once and unsubscribes on deactivation', async () => {
		const { n8n, sims } = env;
		const { workflow, json } = await env.importExample('webhookToExpertCrm', { triggerVersion: 1 });
		expect(json.nodes.find((node) => node.type === PF_TRIGGER_TYPE)?.typeVersion).toBe(1);
		await n8n.activateWorkflow(workflow.id);
		const url = n8n.webhookUrl(triggerWebhookPath(json));
		const subscriptions = sims.pfWebhooks.subscriptions.filter((s) => s.url === url);
		expect(subscriptions.map((s) => s.eventType).sort()).toEqual(['lead.assigned', 'lead.created']);
		for (const s of subscriptions) extraSecrets.add(s.secret!);

		const known = await executionIds(n8n, workflow.id);
		const lead = sims.propertyFinder.addLead({ channel: 'call' });
		const answers = await deliverTo(url, [leadEvent('lead.created', lead), leadEvent('lead.assigned', lead)]);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		const [execution] = await waitForNewExecutions(n8n, workflow.id, known);
		expectSuccess(execution);
		expect(output(execution, 'Create Lead in PF Expert CRM', 0)).toEqual([
			expect.objectContaining({ outcome: 'created', leadId: expect.any(Number) }),
		]);
		await n8n.deactivateWorkflow(workflow.id);
		expect(sims.pfWebhooks.subscriptions.filter((s) => s.url === url)).toEqual([]);
		// The second event of the same lead started nothing.
		expect(await newExecutionIds(n8n, workflow.id, new Set([...known, String(execution.id)]))).toEqual([]);
	});
});

describe('example: a spreadsheet of leads → ClosingDealz in batches', () => {
	test('250 rows make 3 requests (100 + 100 + 50), each row paired to its result', async () => {
		const { n8n, sims } = env;
		const { workflow } = await env.importExample('spreadsheetToClosingDealz');
		sims.closingDealz.resetLog();
		const execution = await n8n.runWorkflow(workflow.id);
		expectSuccess(execution);

		const requests = sims.closingDealz.calls('POST', '/api/v1/leads');
		expect(requests.map((r) => (r.body as unknown[]).length)).toEqual([100, 100, 50]);
		expect(requests.every((r) => r.status === 200)).toBe(true);
		expect(sims.closingDealz.leads).toHaveLength(250);
		expect(sims.closingDealz.leads[0].lead).toMatchObject({
			company: expect.any(String),
			contactPerson: expect.any(String),
			email: expect.stringMatching(/@mail\.example$/),
			phoneNumber: expect.stringMatching(/^\+9715\d{8}$/),
			notes: expect.stringMatching(/^Interested in /),
		});

		const results = output(execution, 'Create Leads in ClosingDealz');
		expect(results).toHaveLength(250);
		expect(results.every((r) => r.outcome === 'created')).toBe(true);
		const runs = execution.data.resultData.runData['Create Leads in ClosingDealz'][0].data
			.main[0] as Array<{ pairedItem: { item: number } }>;
		expect(runs.map((r) => r.pairedItem.item)).toEqual(Array.from({ length: 250 }, (_, i) => i));
	});
});

describe('tokens', () => {
	test('one cached token serves every poll, webhook subscription and lookup of the run', () => {
		const { sims } = env;
		// (the workflows used both APIs: see the polling, webhook and PF Expert CRM tests above)
		expect(sims.propertyFinder.tokenCalls - tokenCallsBefore.enterprise).toBeLessThanOrEqual(1);
		expect(sims.pfExpert.tokenCalls - tokenCallsBefore.expert).toBeLessThanOrEqual(1);
	});
});

describe('secrets', () => {
	test("no key, secret or token appears in n8n's log or in any execution", async () => {
		const { n8n, sims } = env;
		const secrets = [...new Set([...knownSecrets(sims), ...extraSecrets])];
		// The run used them: tokens were issued by both token endpoints.
		expect(sims.propertyFinder.tokens.size).toBeGreaterThan(0);
		expect(sims.pfExpert.tokens.size).toBeGreaterThan(0);
		expect(secrets.length).toBeGreaterThan(12);

		const summaries = await allExecutions(n8n);
		// Webhook runs of two examples, a poll and a manual run at least.
		expect(summaries.length).toBeGreaterThanOrEqual(6);
		const places: Array<[string, string]> = [['n8n log', fs.readFileSync(n8n.logFile, 'utf8')]];
		for (const summary of summaries) {
			const execution = await n8n.getExecution(String(summary.id));
			places.push([`execution ${summary.id}`, JSON.stringify(execution)]);
		}
		// The places searched hold what the run did (so an empty result means something).
		const everything = places.map(([, text]) => text).join('\n');
		const expected = {
			'refused delivery logged': places[0][1].includes(
				'Property Finder Trigger: delivery refused, signature mismatch',
			),
			'Infinity lead in an execution': everything.includes(String(sims.infinity.leads[0].name)),
			'AlterEstate contact in an execution': everything.includes(
				sims.alterEstate.contacts[0].phone,
			),
			'ClosingDealz lead in an execution': everything.includes(
				String(sims.closingDealz.leads[0].lead.email),
			),
		};
		expect(expected).toEqual(Object.fromEntries(Object.keys(expected).map((key) => [key, true])));

		const leaks: string[] = [];
		for (const [where, text] of places) {
			for (const secret of secrets)
				if (text.includes(secret)) leaks.push(`${where}: ${secret.slice(0, 6)}…`);
		}
		expect(leaks).toEqual([]);
	});
});
