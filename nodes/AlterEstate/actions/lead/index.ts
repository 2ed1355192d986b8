import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lead'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a lead (contact and deal), or report the existing contact when duplicates are disallowed',
				action: 'Create a lead',
			},
		],
		default: 'create',
	},
	...create.description,
];
