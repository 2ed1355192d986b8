import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

/** The operations of this resource, by their `operation` value. */
export const modules: Record<string, OperationModule> = { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['listing'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a listing by its reference',
				action: 'Get a listing',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get listings by state, agent, category and more',
				action: 'Get many listings',
			},
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
];
