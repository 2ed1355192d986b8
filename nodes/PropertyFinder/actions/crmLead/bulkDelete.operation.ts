import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { apiWarning, expertRequest, withWarning } from '../../transport/expert';
import { leadIdsProperty } from './fields';
import { fieldError, readIdList } from '../../../shared/validate';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deletes every lead listed. The node refuses an empty list: PF Expert CRM would delete all leads.',
		name: 'bulkDeleteNotice',
		type: 'notice',
		default: '',
	},
	leadIdsProperty,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['bulkDelete'] } },
	properties,
);

interface PreparedBulkDelete {
	leadIds: number[];
	timeout?: number;
}

const EMPTY_FIX =
	'Map the IDs of the leads to delete. PF Expert CRM deletes ALL leads when the list is empty, so the node never sends an empty list.';

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedBulkDelete {
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeout?: number };
	const leadIds = readIdList(this, itemIndex, 'Lead IDs', this.getNodeParameter('leadIds', itemIndex, ''));
	if (leadIds.length === 0) {
		throw fieldError(this, itemIndex, 'Lead IDs', 'is empty; nothing was deleted', EMPTY_FIX);
	}
	return { leadIds, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, prepared: PreparedBulkDelete, itemIndex: number) {
	// Checked again right before sending: this request must never go out without IDs.
	if (prepared.leadIds.length === 0) {
		throw fieldError(this, itemIndex, 'Lead IDs', 'is empty; nothing was deleted', EMPTY_FIX);
	}
	const { headers } = await expertRequest.call(
		this,
		{
			method: 'DELETE',
			path: '/leads',
			body: { leads: prepared.leadIds },
			timeout: prepared.timeout,
			idempotent: true,
		},
		itemIndex,
	);
	return withWarning(
		{ success: true, deleted: true, leadIds: prepared.leadIds, count: prepared.leadIds.length },
		apiWarning(headers),
	);
}

export const operation: ItemOperation<PreparedBulkDelete> = { prepare, send };
