import type { IDataObject } from 'n8n-workflow';

/** The mandatory fields of a PF Expert CRM lead (Property Finder node, crmLead → create). */
export const PF_EXPERT_CREATE: IDataObject = {
	resource: 'crmLead',
	operation: 'create',
	title: 'mr',
	firstName: 'Omar',
	lastName: 'Haddad',
	mobile: '0501112233',
	category: 'residential',
	country: 'AE',
	status: 'notYetContacted',
	source: 'propertyfinder',
	sourceChannel: 'callTracking',
	financial: 'cash',
	preference: { values: { types: '2', locations: 'are.2.15', fromPrice: '1M', toPrice: '2M', offeringType: 'rent' } },
};
