import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../shared/execute';
import * as crmLead from './crmLead';
import * as lead from './lead';
import * as listing from './listing';
import * as user from './user';

export const modules: Record<string, Record<string, OperationModule>> = {
	// The lead resource's index.ts names its operations without a `modules` map (yet).
	lead: { get: lead.get, getAll: lead.getAll },
	user: user.modules,
	listing: listing.modules,
	crmLead: crmLead.modules,
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'CRM Lead (PF Expert)', value: 'crmLead' },
			{ name: 'Lead', value: 'lead' },
			{ name: 'Listing', value: 'listing' },
			{ name: 'User (Agent)', value: 'user' },
		],
		default: 'lead',
	},
	...lead.description,
	...user.description,
	...listing.description,
	...crmLead.description,
];
