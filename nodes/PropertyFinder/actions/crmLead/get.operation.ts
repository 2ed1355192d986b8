import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { apiWarning, expertRequest, unwrapLead, withWarning } from '../../transport/expert';
import { expandDataOption, leadIdProperty } from './fields';
import { readId } from '../../../shared/validate';

const properties: INodeProperties[] = [leadIdProperty, optionsCollection([expandDataOption])];

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['get'] } },
	properties,
);

interface PreparedGet {
	leadId: number;
	expand: boolean;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedGet {
	const options = this.getNodeParameter('options', itemIndex, {}) as { expandData?: boolean; timeout?: number };
	return {
		leadId: readId(this, itemIndex, 'Lead ID', this.getNodeParameter('leadId', itemIndex)),
		expand: options.expandData === true,
		timeout: readTimeout(options),
	};
}

async function send(this: IExecuteFunctions, prepared: PreparedGet, itemIndex: number) {
	const { body, headers } = await expertRequest.call(
		this,
		{
			method: 'GET',
			path: `/leads/${prepared.leadId}`,
			expand: prepared.expand,
			timeout: prepared.timeout,
			idempotent: true,
		},
		itemIndex,
	);
	return withWarning(unwrapLead(body), apiWarning(headers));
}

export const operation: ItemOperation<PreparedGet> = { prepare, send };
