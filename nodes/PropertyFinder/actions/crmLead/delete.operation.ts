import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { transportContext } from '../../../shared/transport';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { apiWarning, expertRequest, withWarning } from '../../transport/expert';
import { leadIdProperty } from './fields';
import { readId } from '../../../shared/validate';

const properties: INodeProperties[] = [leadIdProperty, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['delete'] } },
	properties,
);

interface PreparedDelete {
	leadId: number;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedDelete {
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeout?: number };
	return {
		leadId: readId(this, itemIndex, 'Lead ID', this.getNodeParameter('leadId', itemIndex)),
		timeout: readTimeout(options),
	};
}

async function send(this: IExecuteFunctions, prepared: PreparedDelete, itemIndex: number) {
	let headers: Record<string, string>;
	try {
		({ headers } = await expertRequest.call(
			this,
			{
				method: 'DELETE',
				path: `/leads/${prepared.leadId}`,
				timeout: prepared.timeout,
				idempotent: true,
			},
			itemIndex,
		));
	} catch (error) {
		const context = transportContext(error);
		// A repeat after a timeout finds the lead already gone: the first attempt deleted it.
		if (context?.statusCode === 404 && context.attempts > 1) {
			return { success: true, deleted: true, leadId: prepared.leadId, repeatedAfterTimeout: true };
		}
		const failure = error as NodeApiError;
		throw failure;
	}
	return withWarning({ success: true, deleted: true, leadId: prepared.leadId }, apiWarning(headers));
}

export const operation: ItemOperation<PreparedDelete> = { prepare, send };
