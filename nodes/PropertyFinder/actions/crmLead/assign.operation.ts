import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { apiWarning, expertRequest, withWarning } from '../../transport/expert';
import { leadIdProperty } from './fields';
import { readId } from '../../../shared/validate';

const properties: INodeProperties[] = [
	leadIdProperty,
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '12',
		description: 'ID of the agent (PF Expert CRM user) to assign the lead to',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['assign'] } },
	properties,
);

interface PreparedAssign {
	leadId: number;
	userId: number;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedAssign {
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeout?: number };
	return {
		leadId: readId(this, itemIndex, 'Lead ID', this.getNodeParameter('leadId', itemIndex)),
		userId: readId(this, itemIndex, 'User ID', this.getNodeParameter('userId', itemIndex)),
		timeout: readTimeout(options),
	};
}

async function send(this: IExecuteFunctions, prepared: PreparedAssign, itemIndex: number) {
	const { headers } = await expertRequest.call(
		this,
		{
			method: 'PATCH',
			path: `/leads/${prepared.leadId}`,
			// "/id/assignment/user", as the seed's table and bulk form have it (see Update Status).
			body: { operations: [{ op: 'replace', path: `/${prepared.leadId}/assignment/user`, value: prepared.userId }] },
			timeout: prepared.timeout,
			idempotent: true,
		},
		itemIndex,
	);
	return withWarning({ success: true, leadId: prepared.leadId, userId: prepared.userId }, apiWarning(headers));
}

export const operation: ItemOperation<PreparedAssign> = { prepare, send };
