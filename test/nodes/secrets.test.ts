/**
 * Issue #11: no secret in any output, error or log, in any encoding. Every simulator is
 * switched to echo what it was sent (the credential headers in the answer body and in its
 * message, as sent, URL-encoded and upper-cased), on successes, on errors and on 4xx bodies a
 * node reads as an answer; the PF token endpoints echo the key and secret (HTTP Basic).
 */
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { PF_EXPERT_CREATE } from '../harness/fixtures';
import type { RunNodeResult } from '../harness/n8n';
import { captureLogs, runNode } from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';
import { InfinitySimulator } from '../../tooling/simulators/infinity';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from '../../tooling/simulators/pfExpert';
import { PropertyFinderSimulator, pfKeyPair } from '../../tooling/simulators/propertyFinder';

const infinity = useSimulator(new InfinitySimulator('sec-infinity-Key-8f2a1c'));
const alter = useSimulator(new AlterEstateSimulator('sec-alter-Key-3b9d70', 'sec-alter-Public-55e1'));
const cdz = useSimulator(new ClosingDealzSimulator('sec-cdz-Key-a61f0e'));
const pfx = useSimulator(new PfExpertSimulator('sec-pfx-Key-0c77d2', 'sec-pfx-Secret-e41b9a'));
const pfKeys = pfKeyPair('secrets-test');
const pf = useSimulator(new PropertyFinderSimulator(pfKeys.apiKey, pfKeys.apiSecret));
const sims = [infinity, alter, cdz, pfx, pf];

const logs = captureLogs();

beforeEach(() => {
	captureLogs();
	for (const sim of sims) {
		sim.resetLog();
		sim.clearFaults();
		sim.echoSecrets = true;
	}
	infinity.leads.length = 0;
	alter.reset();
	cdz.leads.length = 0;
	pfx.leads.length = 0;
	pfx.tokens.clear();
});

afterAll(() => {
	for (const sim of sims) sim.echoSecrets = false;
});

/** Every spelling of a secret that must not appear. */
function spellings(secret: string): string[] {
	const b64 = Buffer.from(secret).toString('base64');
	return [secret, secret.toUpperCase(), secret.toLowerCase(), encodeURIComponent(secret), b64, b64.replace(/=+$/, '')];
}

function basic(user: string, password: string) {
	return Buffer.from(`${user}:${password}`).toString('base64');
}

/** What anyone can see of a run: outputs, the error in every form, and n8n's log. */
function everything(result: RunNodeResult): string {
	const error = result.error as (Error & { description?: unknown; context?: unknown }) | undefined;
	return JSON.stringify({
		outputs: result.outputs,
		sinks: result.sinks,
		error,
		message: error?.message,
		description: error?.description,
		context: error?.context,
		stack: error?.stack,
		logs,
	});
}

function expectClean(result: RunNodeResult, secrets: string[]) {
	const text = everything(result);
	for (const secret of secrets) {
		for (const form of spellings(secret)) expect(text).not.toContain(form);
	}
}

/** The simulator really echoed: the test would catch a leak. */
function expectEchoed(sim: { requests: Array<{ headers: Record<string, string> }> }) {
	expect(sim.requests.length).toBeGreaterThan(0);
}

describe('echoed secrets never leave the node', () => {
	it('Infinity CRM: a created lead (2xx body echoing x-api-key) and a 500 error', async () => {
		const run = (items: IDataObject[]) =>
			runNode({
				type: 'infinityCrm',
				parameters: { resource: 'lead', operation: 'create', name: '={{ $json.name }}' },
				items,
				credentials: { infinityCrmApi: { apiKey: infinity.apiKey, baseUrl: infinity.url } },
				continueOnFail: true,
			});
		const created = await run([{ name: 'A' }]);
		expect(created.outputs[0][0].json.outcome).toBe('created');
		expect(created.outputs[0][0].json.received).toBeDefined();
		expectClean(created, [infinity.apiKey]);

		infinity.fault({ kind: 'status', status: 500, body: { error: 'Failed to create lead' } });
		const failed = await run([{ name: 'B' }]);
		expect(failed.outputs[0][0].json.error).toMatch(/Failed to create lead \(request had x-api-key=\*\*\*/);
		expectClean(failed, [infinity.apiKey]);
		expectEchoed(infinity);
	});

	it('Infinity CRM without continue on fail: the node error and the log', async () => {
		infinity.fault({ kind: 'status', status: 401, body: { error: 'Invalid API key' } }, { times: 3 });
		const result = await runNode({
			type: 'infinityCrm',
			parameters: { resource: 'lead', operation: 'create', name: 'A' },
			items: [{}],
			credentials: { infinityCrmApi: { apiKey: infinity.apiKey, baseUrl: infinity.url } },
		});
		expect(result.error?.message).toMatch(/^Infinity CRM: Invalid API key/);
		expect((result.error as { description?: string }).description).toMatch(/Copy the key again from Infinity CRM/);
		expect(logs.length).toBeGreaterThan(0);
		expectClean(result, [infinity.apiKey]);
	});

	it('AlterEstate: a 400 read as an answer (unknown related agent) echoing the Token header', async () => {
		const result = await runNode({
			type: 'alterEstate',
			parameters: {
				resource: 'lead',
				operation: 'create',
				fullName: 'Ana',
				phone: '0502000001',
				email: 'ana@example.com',
				additionalFields: { related: 'nobody@agency.example' },
			},
			items: [{}],
			credentials: { alterEstateApi: { apiKey: alter.apiKey, publicToken: alter.publicToken, baseUrl: alter.url } },
			continueOnFail: true,
		});
		expect(String(result.outputs[0][0].json.error)).toMatch(/request had authorization=(Token |Basic )?\*\*\*/);
		expectClean(result, [alter.apiKey, alter.publicToken]);
	});

	it('AlterEstate: a created lead and a read with the public token', async () => {
		const created = await runNode({
			type: 'alterEstate',
			parameters: { resource: 'lead', operation: 'create', fullName: 'Ana', phone: '0502000002', email: 'ana2@example.com' },
			items: [{}],
			credentials: { alterEstateApi: { apiKey: alter.apiKey, publicToken: alter.publicToken, baseUrl: alter.url } },
		});
		expect(created.outputs[0][0].json.outcome).toBe('created');
		expectClean(created, [alter.apiKey, alter.publicToken]);
		const agents = await runNode({
			type: 'alterEstate',
			parameters: { resource: 'agent', operation: 'getAll', returnAll: true },
			items: [{}],
			credentials: { alterEstateApi: { apiKey: alter.apiKey, publicToken: alter.publicToken, baseUrl: alter.url } },
		});
		expect(agents.error).toBeUndefined();
		expectClean(agents, [alter.apiKey, alter.publicToken]);
	});

	it('ClosingDealz: an accepted batch and a refused one echoing X-API-Key', async () => {
		const run = () =>
			runNode({
				type: 'closingDealz',
				parameters: {
					resource: 'lead',
					operation: 'create',
					additionalFields: { company: '={{ $json.company }}' },
					options: { rateLimit: 10_000 },
				},
				items: [{ company: 'A' }, { company: 'B' }],
				credentials: { closingDealzApi: { apiKey: cdz.apiKey, baseUrl: cdz.url } },
				continueOnFail: true,
			});
		const accepted = await run();
		expect(accepted.outputs[0][0].json.outcome).toBe('created');
		expectClean(accepted, [cdz.apiKey]);
		cdz.fault({ kind: 'status', status: 400, body: { succeeded: false, statusCode: 400, statusCodeDescription: 'NONE', message: 'Lead 0 is not valid.' } });
		const refused = await run();
		expect(String(refused.outputs[0][0].json.error)).toMatch(/not valid\. \(request had x-api-key=\*\*\*/);
		expectClean(refused, [cdz.apiKey]);
	});

	const pfxCredentials = (secret = pfx.apiSecret) => ({
		propertyFinderExpertApi: {
			apiKey: pfx.apiKey,
			apiSecret: secret,
			baseUrl: pfx.url,
			tokenUrl: `${pfx.url}${EXPERT_TOKEN_PATH}`,
		},
	});

	it('PF Expert CRM: the bearer token echoed by the API, and a lead read', async () => {
		pfx.addLead();
		const result = await runNode({
			type: 'propertyFinder',
			parameters: { resource: 'crmLead', operation: 'getAll', returnAll: true },
			items: [{}],
			credentials: pfxCredentials(),
		});
		expect(result.error).toBeUndefined();
		const tokens = [...pfx.tokens.keys()];
		expect(tokens.length).toBeGreaterThan(0);
		expectClean(result, [pfx.apiKey, pfx.apiSecret, ...tokens]);
	});

	it('PF Expert CRM: a bearer token echoed in an error answer', async () => {
		pfx.fault({ kind: 'status', status: 422, body: { code: 422, message: 'Invalid lead' } }, { match: (req) => req.method === 'POST' && req.path === '/leads' });
		const result = await runNode({
			type: 'propertyFinder',
			parameters: { ...PF_EXPERT_CREATE, mobile: '0501112299', options: { checkExisting: false } },
			items: [{}],
			credentials: pfxCredentials(),
		});
		expect(result.error?.message).toMatch(/Invalid lead \(request had authorization=Bearer \*\*\*/);
		expectClean(result, [pfx.apiKey, pfx.apiSecret, ...pfx.tokens.keys()]);
	});

	it('PF Expert CRM: the token endpoint refusing a wrong secret and echoing the Basic header', async () => {
		const wrong = `${pfx.apiSecret}-wrong`;
		const result = await runNode({
			type: 'propertyFinder',
			parameters: { resource: 'crmLead', operation: 'getAll', returnAll: true },
			items: [{}],
			credentials: pfxCredentials(wrong),
		});
		expect(result.error?.message).toMatch(/refused \(HTTP 401\)/);
		expect(result.error?.message).toMatch(/request had authorization=(Token |Basic )?\*\*\*/);
		const text = everything(result);
		expect(text).not.toContain(basic(pfx.apiKey, wrong));
		expectClean(result, [pfx.apiKey, wrong]);
	});

	it('Property Finder: the token endpoint echoing the key and secret it was sent', async () => {
		const wrong = `${pf.apiSecret}-wrong`;
		const result = await runNode({
			type: 'propertyFinder',
			parameters: { resource: 'lead', operation: 'getAll', returnAll: false, limit: 1 },
			items: [{}],
			credentials: { propertyFinderApi: { apiKey: pf.apiKey, apiSecret: wrong, baseUrl: pf.url } },
		});
		// The key and secret are refused (the over-long secret already by the endpoint's schema), with the API's detail.
		expect(result.error?.message).toMatch(/^Property Finder: API key and secret refused by the token endpoint \(HTTP 4\d\d\): .*apiSecret/);
		expect(result.error?.message).toMatch(/Check both in the "Property Finder API" credential/);
		expect(pf.calls('POST', '/v1/auth/token').length).toBeGreaterThan(0);
		expectClean(result, [pf.apiKey, wrong]);
	});

	it('Property Finder: a wrong secret of the right length is refused with 401, nothing leaked', async () => {
		const wrong = [...pf.apiSecret].reverse().join('');
		expect(wrong).toHaveLength(pf.apiSecret.length);
		expect(wrong).not.toBe(pf.apiSecret);
		const result = await runNode({
			type: 'propertyFinder',
			parameters: { resource: 'lead', operation: 'getAll', returnAll: false, limit: 1 },
			items: [{}],
			credentials: { propertyFinderApi: { apiKey: pf.apiKey, apiSecret: wrong, baseUrl: pf.url } },
		});
		expect(result.error?.message).toMatch(/^Property Finder: API key and secret refused by the token endpoint \(HTTP 401\)/);
		expect(result.error?.message).toMatch(/Check both in the "Property Finder API" credential/);
		expectClean(result, [pf.apiKey, wrong]);
	});
});
