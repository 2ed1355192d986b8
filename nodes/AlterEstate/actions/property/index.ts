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
		displayOptions: { show: { resource: ['property'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get the full details of a property by its slug',
				action: 'Get a property',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Search the properties of the account with filters',
				action: 'Get many properties',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
