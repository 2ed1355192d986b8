import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import * as create from './create.operation';

/** The operations of this resource, by their `operation` value. */
export const modules: Record<string, OperationModule> = { create };

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
