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
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a user (agent) by ID',
				action: 'Get a user',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get users, e.g. the agent behind a public profile ID',
				action: 'Get many users',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
