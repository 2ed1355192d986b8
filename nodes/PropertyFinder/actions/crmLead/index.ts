import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import * as assign from './assign.operation';
import * as bulkDelete from './bulkDelete.operation';
import * as bulkUpdate from './bulkUpdate.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as updateStatus from './updateStatus.operation';

export const modules: Record<string, OperationModule> = {
	assign,
	bulkDelete,
	bulkUpdate,
	create,
	delete: del,
	get,
	getAll,
	update,
	updateStatus,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['crmLead'] } },
		options: [
			{
				name: 'Assign',
				value: 'assign',
				description: 'Assign a lead to an agent',
				action: 'Assign a CRM lead',
			},
			{
				name: 'Bulk Delete',
				value: 'bulkDelete',
				description: 'Delete several leads at once (never all of them)',
				action: 'Delete many CRM leads',
			},
			{
				name: 'Bulk Update',
				value: 'bulkUpdate',
				description: 'Set the status and/or agent of several leads at once',
				action: 'Update many CRM leads',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create a lead, or report the existing lead with the same mobile',
				action: 'Create a CRM lead',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a lead',
				action: 'Delete a CRM lead',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a lead by ID',
				action: 'Get a CRM lead',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List leads with filters, sorting and paging',
				action: 'Get many CRM leads',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change fields of a lead, keeping the others',
				action: 'Update a CRM lead',
			},
			{
				name: 'Update Status',
				value: 'updateStatus',
				description: 'Set the status of a lead',
				action: 'Update the status of a CRM lead',
			},
		],
		default: 'create',
	},
	...assign.description,
	...bulkDelete.description,
	...bulkUpdate.description,
	...create.description,
	...del.description,
	...get.description,
	...getAll.description,
	...update.description,
	...updateStatus.description,
];
