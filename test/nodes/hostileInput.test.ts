/**
 * Issue #11: hostile text through every create-lead node. A 100 KB value in any field a
 * reader checks is refused before any request, with a short message naming the item and the
 * field; nothing reaches the simulator.
 */
import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/assert';
import { PF_EXPERT_CREATE } from '../harness/fixtures';
import { runNode } from '../harness/n8n';
import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';
import { InfinitySimulator } from '../../tooling/simulators/infinity';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from '../../tooling/simulators/pfExpert';

const infinity = useSimulator(new InfinitySimulator('hi-infinity-key-1'));
const alter = useSimulator(new AlterEstateSimulator('hi-alter-key-1', 'hi-alter-public-1'));
const cdz = useSimulator(new ClosingDealzSimulator('hi-cdz-key-1'));
const pfx = useSimulator(new PfExpertSimulator('hi-pfx-key-1', 'hi-pfx-secret-1'));

const HUGE = `${'a.'.repeat(25_000)}@${'b.'.repeat(25_000)} `;
const HUGE_DIGITS = '5'.repeat(100_000);

const pfxBase: IDataObject = PF_EXPERT_CREATE;

const cases: Array<[string, string, IDataObject, string]> = [
	['infinityCrm', 'Email', { resource: 'lead', operation: 'create', name: 'A', additionalFields: { email: HUGE } }, 'Email'],
	['infinityCrm', 'Phone', { resource: 'lead', operation: 'create', name: 'A', additionalFields: { phone: HUGE_DIGITS } }, 'Phone'],
	['infinityCrm', 'Budget Min', { resource: 'lead', operation: 'create', name: 'A', additionalFields: { budgetMin: HUGE_DIGITS } }, 'Budget Min'],
	['infinityCrm', 'Category', { resource: 'lead', operation: 'create', name: 'A', additionalFields: { category: HUGE } }, 'Category'],
	['infinityCrm', 'Name', { resource: 'lead', operation: 'create', name: HUGE.repeat(2) }, 'Name'],
	['alterEstate', 'Email', { resource: 'lead', operation: 'create', fullName: 'A', phone: '0501234567', email: HUGE }, 'Email'],
	['alterEstate', 'Phone', { resource: 'lead', operation: 'create', fullName: 'A', phone: HUGE_DIGITS, email: 'a@b.co' }, 'Phone'],
	['alterEstate', 'Via', { resource: 'lead', operation: 'create', fullName: 'A', phone: '0501234567', email: 'a@b.co', additionalFields: { via: HUGE_DIGITS } }, 'Via (Channel ID)'],
	['alterEstate', 'Currency', { resource: 'lead', operation: 'create', fullName: 'A', phone: '0501234567', email: 'a@b.co', additionalFields: { currency: HUGE } }, 'Currency'],
	['closingDealz', 'Email', { resource: 'lead', operation: 'create', additionalFields: { email: HUGE } }, 'Email'],
	['closingDealz', 'Phone Number', { resource: 'lead', operation: 'create', additionalFields: { phoneNumber: HUGE_DIGITS } }, 'Phone Number'],
	['closingDealz', 'custom JSON e-mail', { resource: 'lead', operation: 'create', additionalFields: { company: 'A', customJson: JSON.stringify({ Email: HUGE.slice(0, 30_000) }) } }, 'Custom Fields (JSON) › Email'],
	['closingDealz', 'Date', { resource: 'lead', operation: 'create', additionalFields: { company: 'A', date: HUGE } }, 'Date'],
	['closingDealz', 'Employee Count', { resource: 'lead', operation: 'create', additionalFields: { company: 'A', employeeCount: HUGE_DIGITS } }, 'Employee Count'],
	['propertyFinder', 'Mobile', { ...pfxBase, mobile: HUGE_DIGITS }, 'Mobile'],
	['propertyFinder', 'Email', { ...pfxBase, additionalFields: { email: HUGE } }, 'Email'],
];

const credentials = () => ({
	infinityCrmApi: { apiKey: infinity.apiKey, baseUrl: infinity.url },
	alterEstateApi: { apiKey: alter.apiKey, publicToken: alter.publicToken, baseUrl: alter.url },
	closingDealzApi: { apiKey: cdz.apiKey, baseUrl: cdz.url },
	propertyFinderExpertApi: { apiKey: pfx.apiKey, apiSecret: pfx.apiSecret, baseUrl: pfx.url, tokenUrl: `${pfx.url}${EXPERT_TOKEN_PATH}` },
});

describe('a 100 KB value in a checked field', () => {
	it.each(cases)('%s › %s: refused before any request with a short message', async (type, _name, parameters, label) => {
		for (const sim of [infinity, alter, cdz, pfx]) sim.resetLog();
		const result = await runNode({ type, parameters, items: [{}, {}], credentials: credentials() });
		const message = String(result.error?.message);
		expect(message).toContain(label);
		expect(message.length).toBeLessThan(600);
		expect(String((result.error as { description?: string } | undefined)?.description ?? '').length).toBeLessThan(600);
		for (const sim of [infinity, alter, cdz, pfx]) {
			expect(sim.requests.filter((request) => request.path !== EXPERT_TOKEN_PATH)).toHaveLength(0);
		}
	});
});
