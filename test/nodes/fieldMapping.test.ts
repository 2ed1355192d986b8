/**
 * "Map Automatically" (fieldMapping = auto) on every create-lead operation: fields come from
 * the item's columns of the same name (case, spaces, dashes, underscores ignored), go through
 * the same readers as manual fields, and the hint lists the columns used and ignored.
 */
import { randomBytes } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import type { RunNodeResult } from '../harness/n8n';
import { runNode } from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';
import { InfinitySimulator } from '../../tooling/simulators/infinity';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from '../../tooling/simulators/pfExpert';

const INFINITY_KEY = 'test-infinity-key-mapping-1';
const AE_KEY = 'test-alterestate-key-mapping-1';
const AE_TOKEN = 'test-alterestate-aetoken-mapping-1';
const CD_KEY = `cdz-sandbox-${randomBytes(12).toString('hex')}`;
const PFX_KEY = 'pfx-test-key-mapping-1';
const PFX_SECRET = 'pfx-test-secret-mapping-1';

const infinity = useSimulator(new InfinitySimulator(INFINITY_KEY));
const alterEstate = useSimulator(new AlterEstateSimulator(AE_KEY, AE_TOKEN));
const closingDealz = useSimulator(new ClosingDealzSimulator(CD_KEY));
const pfExpert = useSimulator(new PfExpertSimulator(PFX_KEY, PFX_SECRET));

beforeEach(() => {
	infinity.resetLog();
	infinity.leads.length = 0;
	infinity.duplicates.length = 0;
	alterEstate.reset();
	closingDealz.resetLog();
	closingDealz.leads.length = 0;
	closingDealz.resetRateLimit();
	closingDealz.rateLimit = { limit: 10_000, windowMs: 60_000 };
	pfExpert.resetLog();
	pfExpert.leads.length = 0;
});

const credentials = {
	infinityCrmApi: { apiKey: INFINITY_KEY, baseUrl: '' },
	alterEstateApi: { apiKey: AE_KEY, publicToken: AE_TOKEN, baseUrl: '' },
	closingDealzApi: { apiKey: CD_KEY, baseUrl: '' },
};

const runInfinity = (parameters: IDataObject, items: IDataObject[]) =>
	runNode({
		type: 'infinityCrm',
		parameters: { resource: 'lead', operation: 'create', ...parameters },
		items,
		credentials: { infinityCrmApi: { ...credentials.infinityCrmApi, baseUrl: infinity.url } },
	});

const runAlterEstate = (parameters: IDataObject, items: IDataObject[]) =>
	runNode({
		type: 'alterEstate',
		parameters: { resource: 'lead', operation: 'create', ...parameters },
		items,
		credentials: { alterEstateApi: { ...credentials.alterEstateApi, baseUrl: alterEstate.url } },
	});

const runClosingDealz = (parameters: IDataObject, items: IDataObject[]) =>
	runNode({
		type: 'closingDealz',
		parameters: { resource: 'lead', operation: 'create', options: { rateLimit: 10_000 }, ...parameters },
		items,
		credentials: { closingDealzApi: { ...credentials.closingDealzApi, baseUrl: closingDealz.url } },
	});

const runPfExpert = (parameters: IDataObject, items: IDataObject[]) =>
	runNode({
		type: 'propertyFinder',
		parameters: { resource: 'crmLead', operation: 'create', ...parameters },
		items,
		credentials: {
			propertyFinderExpertApi: {
				apiKey: PFX_KEY,
				apiSecret: PFX_SECRET,
				baseUrl: pfExpert.url,
				tokenUrl: `${pfExpert.url}${EXPERT_TOKEN_PATH}`,
			},
		},
	});

function hints(result: RunNodeResult): string[] {
	const runs = result.run.data.resultData.runData.Subject ?? [];
	return runs.flatMap((run) => (run.hints ?? []).map((hint) => hint.message));
}

function main(result: RunNodeResult): IDataObject[] {
	return ((result.outputs?.[0] ?? []) as INodeExecutionData[]).map((item) => item.json);
}

function errorOf(result: RunNodeResult) {
	const error = result.error as (Error & { description?: string; context?: IDataObject }) | undefined;
	return { message: error?.message, description: error?.description, itemIndex: error?.context?.itemIndex };
}

describe('Infinity CRM create, Map Automatically', () => {
	const sheetRow = (i: number): IDataObject => ({
		Name: `  Lead ${i} `,
		'Phone Number': 'not a field of Infinity',
		phone: `050 200 ${String(i).padStart(4, '0')}`,
		'E-Mail': `lead${i}@example.com`,
		'Budget Min': 'AED 1.5M',
		budget_max: '2,000,000',
		CATEGORY: 'Villa',
		emirate: 'abu dhabi',
		BEDS: 3,
		'lead-source': 'sheet',
		'Row Number': i,
	});

	it('sends what manual mapping of the same columns sends, normalised the same way', async () => {
		const items = [sheetRow(1), sheetRow(2)];
		const auto = await runInfinity({ fieldMapping: 'auto' }, items);
		expect(auto.error).toBeUndefined();
		const autoBodies = infinity.calls('POST', '/api/crm/external/leads').map((call) => call.body);

		infinity.resetLog();
		infinity.leads.length = 0;
		infinity.duplicates.length = 0;
		const manual = await runInfinity(
			{
				name: '={{ $json.Name }}',
				additionalFields: {
					phone: '={{ $json.phone }}',
					email: "={{ $json['E-Mail'] }}",
					budgetMin: "={{ $json['Budget Min'] }}",
					budgetMax: '={{ $json.budget_max }}',
					category: '={{ $json.CATEGORY }}',
					emirate: '={{ $json.emirate }}',
					beds: '={{ $json.BEDS }}',
					leadSource: "={{ $json['lead-source'] }}",
				},
			},
			items,
		);
		expect(manual.error).toBeUndefined();
		const manualBodies = infinity.calls('POST', '/api/crm/external/leads').map((call) => call.body);

		expect(autoBodies).toEqual(manualBodies);
		// The readers ran: trimmed name, E.164 phone, parsed budget, the API's category spelling.
		expect(autoBodies[0]).toMatchObject({
			name: 'Lead 1',
			phone: '+971502000001',
			budget_min: 1_500_000,
			budget_max: 2_000_000,
			category: 'villa',
			emirate: 'Abu Dhabi',
			beds: '3',
			lead_source: 'sheet',
		});
		expect(main(auto).map((json) => json.outcome)).toEqual(['created', 'created']);
	});

	it('says in the hint which columns it used and which it ignored', async () => {
		const result = await runInfinity({ fieldMapping: 'auto' }, [sheetRow(3)]);
		const [hint] = hints(result);
		expect(hint).toContain('"Name"');
		expect(hint).toContain('"E-Mail"');
		expect(hint).toMatch(/Ignored[^]*"Phone Number"[^]*"Row Number"/);
	});

	it('fails an item without a Name column before any request, naming the field and its spellings', async () => {
		const result = await runInfinity({ fieldMapping: 'auto' }, [sheetRow(4), { phone: '0502009999' }]);
		const error = errorOf(result);
		expect(error.message).toContain('Name');
		expect(error.itemIndex).toBe(1);
		expect(error.description).toContain('"name"');
		expect(error.description).toContain('"Name"');
		expect(infinity.requests).toHaveLength(0);
	});

	it('applies the same validation as manual fields (a bad e-mail fails the item)', async () => {
		const result = await runInfinity({ fieldMapping: 'auto' }, [{ name: 'A', email: 'not-an-address' }]);
		expect(errorOf(result).message).toContain('Email');
		expect(infinity.requests).toHaveLength(0);
	});
});

describe('AlterEstate create, Map Automatically', () => {
	it('reads the three required fields and the UTM fields from their columns', async () => {
		const result = await runAlterEstate({ fieldMapping: 'auto' }, [
			{ full_name: 'Maria Lopez', PHONE: '050 300 0001', Email: 'maria@example.com', 'UTM Source': 'facebook', sheet: 'A' },
		]);
		expect(result.error).toBeUndefined();
		const [post] = alterEstate.calls('POST', '/api/v1/leads/');
		expect(post.body).toEqual({
			full_name: 'Maria Lopez',
			phone: '+971503000001',
			email: 'maria@example.com',
			utm_source: 'facebook',
		});
		expect(hints(result)[0]).toContain('"sheet"');
	});

	it('fails when the Email column is missing, naming it', async () => {
		const result = await runAlterEstate({ fieldMapping: 'auto' }, [{ fullName: 'Maria', phone: '0503000002' }]);
		const error = errorOf(result);
		expect(error.message).toContain('Email');
		expect(error.itemIndex).toBe(0);
		expect(alterEstate.requests).toHaveLength(0);
	});
});

describe('ClosingDealz create, Map Automatically', () => {
	it('builds the same batch as the four-expression mapping, in one request', async () => {
		const items = Array.from({ length: 30 }, (_, i) => ({
			company: `Company ${i}`,
			'Contact Person': `Person ${i}`,
			email: `p${i}@example.com`,
			phone_number: `+9715${String(i).padStart(8, '0')}`,
		}));
		const auto = await runClosingDealz({ fieldMapping: 'auto' }, items);
		expect(auto.error).toBeUndefined();
		const autoBatches = closingDealz.calls('POST', '/api/v1/leads').map((call) => call.body);

		closingDealz.resetLog();
		closingDealz.leads.length = 0;
		const manual = await runClosingDealz(
			{
				additionalFields: {
					company: '={{ $json.company }}',
					contactPerson: "={{ $json['Contact Person'] }}",
					email: '={{ $json.email }}',
					phoneNumber: '={{ $json.phone_number }}',
				},
			},
			items,
		);
		expect(manual.error).toBeUndefined();
		const manualBatches = closingDealz.calls('POST', '/api/v1/leads').map((call) => call.body);
		expect(autoBatches).toHaveLength(1);
		expect(autoBatches).toEqual(manualBatches);
		expect(main(auto)).toHaveLength(30);
	});

	it('takes labels and contacts columns as lists', async () => {
		const result = await runClosingDealz({ fieldMapping: 'auto' }, [
			{ Company: 'Acme', labels: 'Hot, Sheet', contacts: [{ name: 'Omar', phoneNumber: '050 111 2222' }] },
		]);
		expect(result.error).toBeUndefined();
		const [call] = closingDealz.calls('POST', '/api/v1/leads');
		expect(call.body).toEqual([
			{ company: 'Acme', labels: ['Hot', 'Sheet'], contacts: [{ name: 'Omar', phoneNumber: '+971501112222' }] },
		]);
	});

	it('fails an item with none of the identifying columns, listing the accepted spellings', async () => {
		const result = await runClosingDealz({ fieldMapping: 'auto' }, [{ Company: 'Acme' }, { note: 'nobody' }]);
		const error = errorOf(result);
		expect(error.itemIndex).toBe(1);
		expect(error.description).toContain('"Phone Number"');
		expect(error.description).toContain('"contact_person"');
		expect(closingDealz.requests).toHaveLength(0);
	});
});

describe('PF Expert CRM create, Map Automatically', () => {
	const row: IDataObject = {
		Title: 'MRS',
		'First Name': 'Aisha',
		last_name: 'Khan',
		Mobile: '050 100 0001',
		category: 'residential',
		country: 'AE',
		status: 'notYetContacted',
		source: 'portal',
		'source-channel': 'bayut',
		financial: 'mortgage',
		types: '2, 3',
		locations: 'are.2.15',
		'From Price': '1.2M',
		to_price: '1,500,000',
		offeringType: 'sale',
		email: 'aisha@mail.example',
	};

	it('reads the top-level fields and a flat wishlist from the row', async () => {
		const auto = await runPfExpert({ fieldMapping: 'auto', options: { checkExisting: false } }, [row]);
		expect(auto.error).toBeUndefined();
		const [post] = pfExpert.calls('POST', '/leads');

		pfExpert.resetLog();
		pfExpert.leads.length = 0;
		const manual = await runPfExpert(
			{
				title: 'mrs',
				firstName: 'Aisha',
				lastName: 'Khan',
				mobile: '050 100 0001',
				category: 'residential',
				country: 'AE',
				status: 'notYetContacted',
				source: 'portal',
				sourceChannel: 'bayut',
				financial: 'mortgage',
				preference: {
					values: { types: '2, 3', locations: 'are.2.15', fromPrice: '1.2M', toPrice: '1,500,000', offeringType: 'sale' },
				},
				additionalFields: { email: 'aisha@mail.example' },
				options: { checkExisting: false },
			},
			[row],
		);
		expect(manual.error).toBeUndefined();
		const [manualPost] = pfExpert.calls('POST', '/leads');
		expect(post.body).toEqual(manualPost.body);
		expect(main(auto)[0].outcome).toBe('created');
	});

	it('fails without a Mobile column, naming it', async () => {
		const withoutMobile = { ...row };
		delete withoutMobile.Mobile;
		const result = await runPfExpert({ fieldMapping: 'auto' }, [withoutMobile]);
		const error = errorOf(result);
		expect(error.message).toContain('Mobile');
		expect(error.description).toContain('"mobile"');
		expect(pfExpert.calls('POST', '/leads')).toHaveLength(0);
	});
});
