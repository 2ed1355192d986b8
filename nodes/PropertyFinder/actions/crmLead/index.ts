import { defineResource } from '../../../shared/registry';
import * as assign from './assign.operation';
import * as bulkDelete from './bulkDelete.operation';
import * as bulkUpdate from './bulkUpdate.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as updateStatus from './updateStatus.operation';

/** PF Expert CRM leads (credential propertyFinderExpertApi). */
export const crmLead = defineResource({ name: 'CRM Lead (PF Expert)', value: 'crmLead' }, 'create', [
	{
		name: 'Assign',
		value: 'assign',
		description: 'Assign a lead to an agent',
		action: 'Assign a CRM lead',
		module: assign,
	},
	{
		name: 'Bulk Delete',
		value: 'bulkDelete',
		description: 'Delete several leads at once (never all of them)',
		action: 'Delete many CRM leads',
		module: bulkDelete,
	},
	{
		name: 'Bulk Update',
		value: 'bulkUpdate',
		description: 'Set the status and/or agent of several leads at once',
		action: 'Update many CRM leads',
		module: bulkUpdate,
	},
	{
		name: 'Create',
		value: 'create',
		description: 'Create a lead, or report the existing lead with the same mobile',
		action: 'Create a CRM lead',
		module: create,
	},
	{
		name: 'Delete',
		value: 'delete',
		description: 'Delete a lead',
		action: 'Delete a CRM lead',
		module: del,
	},
	{
		name: 'Get',
		value: 'get',
		description: 'Get a lead by ID',
		action: 'Get a CRM lead',
		module: get,
	},
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'List leads with filters, sorting and paging',
		action: 'Get many CRM leads',
		module: getAll,
	},
	{
		name: 'Update',
		value: 'update',
		description: 'Change fields of a lead, keeping the others',
		action: 'Update a CRM lead',
		module: update,
	},
	{
		name: 'Update Status',
		value: 'updateStatus',
		description: 'Set the status of a lead',
		action: 'Update the status of a CRM lead',
		module: updateStatus,
	},
]);
