import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { fieldError, isBlank, readChoice, readId, readIdList } from '../../../shared/validate';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { apiWarning, expertRequest, withWarning } from '../../transport/expert';
import { STATUSES, STATUS_OPTIONS, leadIdsProperty } from './fields';

const properties: INodeProperties[] = [
	leadIdsProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Set the status, the assigned agent, or both, on every listed lead',
		options: [
			{
				displayName: 'Assigned User ID',
				name: 'userId',
				type: 'string',
				default: '',
				placeholder: '12',
				description: 'ID of the agent to assign the leads to',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: STATUS_OPTIONS,
				default: 'prospect',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['bulkUpdate'] } },
	properties,
);

interface PreparedBulkUpdate {
	leadIds: number[];
	status?: string;
	userId?: number;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedBulkUpdate {
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeout?: number };
	const leadIds = readIdList(this, itemIndex, 'Lead IDs', this.getNodeParameter('leadIds', itemIndex, ''));
	if (leadIds.length === 0) {
		throw fieldError(this, itemIndex, 'Lead IDs', 'is empty', 'Map the IDs of the leads to update, e.g. 35436, 35437.');
	}
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const status = isBlank(fields.status)
		? undefined
		: readChoice(this, itemIndex, 'Update Fields › Status', fields.status, STATUSES);
	const userId = isBlank(fields.userId)
		? undefined
		: readId(this, itemIndex, 'Update Fields › Assigned User ID', fields.userId);
	if (status === undefined && userId === undefined) {
		throw fieldError(this, itemIndex, 'Update Fields', 'no change chosen', 'Add "Status", "Assigned User ID" or both under "Update Fields".');
	}
	return { leadIds, status, userId, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, prepared: PreparedBulkUpdate, itemIndex: number) {
	const operations: IDataObject[] = [];
	for (const id of prepared.leadIds) {
		if (prepared.status !== undefined) operations.push({ op: 'replace', path: `/${id}/status`, value: prepared.status });
		if (prepared.userId !== undefined) {
			operations.push({ op: 'replace', path: `/${id}/assignment/user`, value: prepared.userId });
		}
	}
	const { headers } = await expertRequest.call(
		this,
		{ method: 'PATCH', path: '/leads', body: { operations }, timeout: prepared.timeout, idempotent: true },
		itemIndex,
	);
	const result: IDataObject = { success: true, leadIds: prepared.leadIds, count: prepared.leadIds.length };
	if (prepared.status !== undefined) result.status = prepared.status;
	if (prepared.userId !== undefined) result.userId = prepared.userId;
	return withWarning(result, apiWarning(headers));
}

export const operation: ItemOperation<PreparedBulkUpdate> = { prepare, send };
