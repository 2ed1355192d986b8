import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../shared/execute';
import * as agent from './agent';
import * as lead from './lead';
import * as property from './property';

export const modules: Record<string, Record<string, OperationModule>> = {
	lead: lead.modules,
	agent: agent.modules,
	property: property.modules,
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Agent', value: 'agent' },
			{ name: 'Lead', value: 'lead' },
			{ name: 'Property', value: 'property' },
		],
		default: 'lead',
	},
	...lead.description,
	...agent.description,
	...property.description,
];
