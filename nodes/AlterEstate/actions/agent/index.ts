import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import * as getAll from './getAll.operation';

/** The operations of this resource, by their `operation` value. */
export const modules: Record<string, OperationModule> = { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the active agents of the account',
				action: 'Get many agents',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
