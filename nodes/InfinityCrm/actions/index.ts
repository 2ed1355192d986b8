import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../shared/execute';
import * as lead from './lead';

export const modules: Record<string, Record<string, OperationModule>> = {
	lead: lead.modules,
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Lead', value: 'lead' }],
		default: 'lead',
	},
	...lead.description,
];
