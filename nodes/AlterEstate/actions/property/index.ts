import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

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
