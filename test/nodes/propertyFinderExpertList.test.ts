import { PF_EXPERT_CREATE } from '../harness/fixtures';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { expectNoSecrets, seenByWorkflow, useSimulator } from '../harness/assert';
import type { RunNodeOptions } from '../harness/n8n';
import { runNode } from '../harness/n8n';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from '../../tooling/simulators/pfExpert';

const API_KEY = 'pfx-list-key-33e0a1';
const API_SECRET = 'pfx-list-secret-8c27f4d';
const sim = useSimulator(new PfExpertSimulator(API_KEY, API_SECRET));

beforeEach(() => {
	sim.resetLog();
	sim.clearFaults();
	sim.leads.length = 0;
	sim.tokens.clear();
	sim.tokenCalls = 0;
	sim.warning = undefined;
	sim.now = Date.parse('2025-03-10T09:00:00Z');
});

function run(parameters: IDataObject, items: IDataObject[] = [{}], extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		type: 'propertyFinder',
		parameters: { resource: 'crmLead', ...parameters },
		items,
		credentials: {
			propertyFinderExpertApi: {
				apiKey: API_KEY,
				apiSecret: API_SECRET,
				baseUrl: sim.url,
				tokenUrl: `${sim.url}${EXPERT_TOKEN_PATH}`,
			},
		},
		...extra,
	});
}

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
const apiCalls = () => sim.requests.filter((request) => request.path !== EXPERT_TOKEN_PATH);

function expectNoSecret(result: { outputs: unknown; error?: unknown }) {
	expectNoSecrets(seenByWorkflow(result), [API_KEY, API_SECRET, ...sim.tokens.keys()]);
}

const DAY = 24 * 60 * 60 * 1000;

describe('PF Expert CRM → get many', () => {
	it('returns all leads page by page (per_page 100) with one token', async () => {
		const leads = Array.from({ length: 230 }, () => sim.addLead());
		const result = await run({ operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(json(result.outputs[0]).map((lead) => lead.id)).toEqual(leads.map((lead) => lead.id));
		expect(apiCalls().map((call) => [call.query.page, call.query.per_page])).toEqual([
			['1', '100'],
			['2', '100'],
			['3', '100'],
		]);
		expect(sim.tokenCalls).toBe(1);
		expect(result.outputs[0].every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it.each(['noPerPage', 'leadsOnly'] as const)(
		'pages by the requested size when the answer does not echo per_page (%s)',
		async (envelope) => {
			sim.listEnvelope = envelope;
			try {
				const leads = Array.from({ length: 230 }, () => sim.addLead());
				const all = await run({ operation: 'getAll', returnAll: true });
				expect(all.error).toBeUndefined();
				expect(json(all.outputs[0]).map((lead) => lead.id)).toEqual(leads.map((lead) => lead.id));
				// Three pages of 100: the third is short, so there is no fourth request.
				expect(apiCalls().map((call) => call.query.page)).toEqual(['1', '2', '3']);
				sim.resetLog();
				const some = await run({ operation: 'getAll', returnAll: false, limit: 150 });
				expect(json(some.outputs[0]).map((lead) => lead.id)).toEqual(leads.slice(0, 150).map((lead) => lead.id));
			} finally {
				sim.listEnvelope = 'full';
			}
		},
	);

	it('stops at the limit and asks only for the pages it needs', async () => {
		Array.from({ length: 60 }, () => sim.addLead());
		const result = await run({ operation: 'getAll', returnAll: false, limit: 25 });
		expect(json(result.outputs[0])).toHaveLength(25);
		expect(apiCalls()).toHaveLength(1);
		expect(apiCalls()[0].query.per_page).toBe('25');
	});

	it('sends every filter in the filters[…] form, dates as YYYY-MM-DD, and sorting', async () => {
		await run({
			operation: 'getAll',
			returnAll: true,
			filters: {
				query: 'David P',
				name: 'David',
				mobile: '+97150',
				status: 'prospect',
				source: 'portal',
				channel: 'bayut',
				user: '2',
				excludedUser: '3',
				quality: 'hot',
				financial: 'mortgage',
				mortgageStatus: 'in-process',
				address: 'JLT',
				city: 'Dubai',
				country: 'AE',
				createdFrom: '2025-01-01T00:00:00',
				createdTo: '={{ $now.minus(1, "day").toISO() }}',
				updatedFrom: '2025-02-01T10:30:00+04:00',
				updatedTo: '2025-02-28',
				wishlistCategory: 'residential',
				wishlistLocations: 'are.1.1, are.3.1200',
				wishlistFromPrice: '500k',
				wishlistToPrice: '1.5M',
				wishlistFromBedroom: '1',
				wishlistToBedroom: '3',
			},
			options: { sort: 'created', sortOrder: 'DESC' },
		});
		const [call] = apiCalls();
		const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
		expect(call.query).toMatchObject({
			'filters[query]': 'David P',
			'filters[name]': 'David',
			'filters[mobile]': '+97150',
			'filters[status]': 'prospect',
			'filters[source]': 'portal',
			'filters[channel]': 'bayut',
			'filters[user]': '2',
			'filters[excluded_user]': '3',
			'filters[quality]': 'hot',
			'filters[financial]': 'mortgage',
			'filters[mortgage_status]': 'in-process',
			'filters[address]': 'JLT',
			'filters[city]': 'Dubai',
			'filters[country]': 'AE',
			'filters[created][from]': '2025-01-01',
			'filters[updated][from]': '2025-02-01',
			'filters[updated][to]': '2025-02-28',
			'filters[wishlist][category]': 'residential',
			'filters[wishlist][locations][]': ['are.1.1', 'are.3.1200'],
			'filters[wishlist][from_price]': '500000',
			'filters[wishlist][to_price]': '1500000',
			'filters[wishlist][from_bedroom]': '1',
			'filters[wishlist][to_bedroom]': '3',
			sort: 'created',
			sort_order: 'DESC',
		});
		// $now is local time; either way it is a plain date.
		expect(String(call.query['filters[created][to]'])).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect([yesterday, new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10), new Date().toISOString().slice(0, 10)]).toContain(
			call.query['filters[created][to]'],
		);
	});

	it('the filters select the right leads in the simulator (status, source, user, created range)', async () => {
		const old = sim.addLead({ status: 'prospect', created_at: '2025-01-05T10:00:00Z' });
		const match = sim.addLead({ status: 'prospect', created_at: '2025-02-10T10:00:00Z', user: { id: 2 } });
		sim.addLead({ status: 'qualified', created_at: '2025-02-11T10:00:00Z', user: { id: 2 } });
		sim.addLead({ status: 'prospect', created_at: '2025-02-12T10:00:00Z', user: { id: 1 } });
		const result = await run({
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'prospect', user: '2', createdFrom: '2025-02-01', createdTo: '2025-02-28' },
		});
		expect(json(result.outputs[0]).map((lead) => lead.id)).toEqual([match.id]);
		expect(old.id).not.toBe(match.id);
	});

	it('sorts descending by id and expands related data on request', async () => {
		const leads = [sim.addLead(), sim.addLead(), sim.addLead()];
		const result = await run({
			operation: 'getAll',
			returnAll: true,
			options: { sort: 'id', sortOrder: 'DESC', expandData: true },
		});
		const out = json(result.outputs[0]);
		expect(out.map((lead) => lead.id)).toEqual(leads.map((lead) => lead.id).reverse());
		expect((out[0].user as IDataObject).email).toMatch(/@agency\.example$/);
		expect(apiCalls()[0].headers['x-mycrm-expand-data']).toBe('true');
	});

	it('adds the API warning header to every lead', async () => {
		sim.addLead();
		sim.addLead();
		sim.warning = 'Filter "bank" is ignored';
		const result = await run({ operation: 'getAll', returnAll: true });
		expect(json(result.outputs[0]).map((lead) => lead.apiWarning)).toEqual([
			'Filter "bank" is ignored',
			'Filter "bank" is ignored',
		]);
	});

	it('a lead inserted between page fetches is neither lost on later pages nor repeated', async () => {
		Array.from({ length: 150 }, () => sim.addLead());
		// A new lead sorted first (DESC by id) shifts every later page by one.
		sim.fault({ kind: 'slow', delayMs: 0 }, { match: (req) => req.query.page === '2' && !!sim.addLead() });
		const result = await run({ operation: 'getAll', returnAll: true, options: { sort: 'id', sortOrder: 'DESC' } });
		const ids = json(result.outputs[0]).map((lead) => lead.id as number);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toHaveLength(150);
	});

	it('refuses bad filters before any request', async () => {
		const badDate = await run({ operation: 'getAll', filters: { createdFrom: '={{ "next tuesday" }}' } });
		expect(badDate.error?.message).toMatch(/Filters › Created After: "next tuesday" is not a date/);
		const reversed = await run({ operation: 'getAll', filters: { createdFrom: '2025-03-01', createdTo: '2025-02-01' } });
		expect(reversed.error?.message).toMatch(/Filters › Created After: 2025-03-01 is after 2025-02-01/);
		const badUser = await run({ operation: 'getAll', filters: { user: 'ravi' } });
		expect(badUser.error?.message).toMatch(/Filters › Assigned User ID: "ravi" is not an ID/);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('PF Expert CRM → faults', () => {
	const onLeads = (req: { path: string }) => req.path.startsWith('/leads');

	it('retries a 429 with Retry-After and a 429 without it, then succeeds', async () => {
		const lead = sim.addLead();
		sim.fault({ kind: 'status', status: 429, retryAfter: '0', body: { code: 429, message: 'Too many requests' } }, { match: onLeads });
		sim.fault({ kind: 'status', status: 429, body: { code: 429, message: 'Too many requests' } }, { match: onLeads });
		const result = await run({ operation: 'get', leadId: String(lead.id) });
		expect(json(result.outputs[0])[0].id).toBe(lead.id);
		expect(apiCalls().map((call) => call.status)).toEqual([429, 429, 200]);
	});

	it('retries 500 and 503 for a read, and a PATCH (replace is idempotent)', async () => {
		const lead = sim.addLead();
		sim.fault({ kind: 'status', status: 503, retryAfter: '0' }, { match: onLeads });
		sim.fault({ kind: 'status', status: 500 }, { match: onLeads });
		const read = await run({ operation: 'get', leadId: String(lead.id) });
		expect(read.error).toBeUndefined();
		sim.resetLog();
		sim.fault({ kind: 'status', status: 500 }, { match: onLeads });
		const patch = await run({ operation: 'updateStatus', leadId: String(lead.id), status: 'notReady' });
		expect(patch.error).toBeUndefined();
		expect(apiCalls().map((call) => call.status)).toEqual([500, 204]);
		expect(sim.lead(lead.id)?.status).toBe('notReady');
	});

	it('sends a delete again after it hung past the timeout option (a delete is safe to repeat)', async () => {
		const lead = sim.addLead();
		sim.fault({ kind: 'hang', acted: true }, { match: onLeads });
		const result = await run({ operation: 'delete', leadId: String(lead.id), options: { timeout: 1000 } });
		expect(result.error).toBeUndefined();
		expect(json(result.outputs[0])).toEqual([{ success: true, deleted: true, leadId: lead.id, repeatedAfterTimeout: true }]);
		expect(apiCalls().map((call) => call.status)).toEqual(['hang', 404]);
		expect(sim.lead(lead.id)).toBeUndefined();
	}, 30000);

	const createParams: IDataObject = {
		...PF_EXPERT_CREATE,
		options: { timeout: 1000, checkExisting: false },
	};
	const onCreate = (req: { method: string; path: string }) => req.method === 'POST' && req.path === '/leads';

	it('does not repeat a create that hung past the timeout, and says the outcome is unknown', async () => {
		sim.fault({ kind: 'hang', acted: true }, { match: onCreate });
		const result = await run(createParams, [{}], { continueOnFail: true });
		const [out] = json(result.outputs[0]);
		expect(out.error).toMatch(/unknown whether created/);
		expect(out.outcomeUnknown).toBe(true);
		expect(sim.calls('POST', '/leads')).toHaveLength(1);
		expect(sim.leads).toHaveLength(1);
	}, 30000);

	it('reads again after malformed JSON; a create answered with malformed JSON is not repeated', async () => {
		const lead = sim.addLead();
		sim.fault({ kind: 'malformed' }, { match: onLeads });
		const read = await run({ operation: 'get', leadId: String(lead.id) });
		expect(json(read.outputs[0])[0].id).toBe(lead.id);
		expect(apiCalls().map((call) => call.fault ?? 'ok')).toEqual(['malformed', 'ok']);

		sim.fault({ kind: 'malformed', acted: true }, { match: onCreate });
		const create = await run(createParams);
		expect(create.error?.message).toBe(
			'PF Expert CRM returned a response that is not valid JSON (HTTP 201); unknown whether created',
		);
		expect(sim.calls('POST', '/leads')).toHaveLength(1);
		expectNoSecret(create);
	});

	it('reports an HTML page (firewall or proxy) as such, not as a JSON error', async () => {
		const lead = sim.addLead();
		sim.fault({ kind: 'html', status: 403 }, { match: onLeads });
		const html = await run({ operation: 'get', leadId: String(lead.id) });
		expect(html.error?.message).toMatch(/PF Expert CRM answered with a web page instead of data \(HTTP 403\)/);
		expect(apiCalls()).toHaveLength(1);
		expectNoSecret(html);
	});

	it('with continueOnFail, a 404 item fails alone and the others still go through', async () => {
		const [a, b] = [sim.addLead(), sim.addLead()];
		const result = await run({ operation: 'get', leadId: '={{ $json.id }}' }, [{ id: a.id }, { id: 424242 }, { id: b.id }], {
			continueOnFail: true,
		});
		const out = json(result.outputs[0]);
		expect(out[0].id).toBe(a.id);
		expect(out[1].error).toBe('PF Expert CRM: Lead 424242 not found');
		expect(out[2].id).toBe(b.id);
		expect(result.outputs[0].map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 1, 2]);
		expectNoSecret(result);
	});
});
