import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { fieldError } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { requireText } from '../../../shared/validate';
import { addAgentsToEntries, resolveAgentOption } from '../../shared/agents';
import { simplifyLead, simplifyProperty } from '../../shared/lead';
import { requestTimeoutOption } from '../../shared/options';
import { pfRequest } from '../../transport/enterprise';

const properties: INodeProperties[] = [
	{
		displayName: 'Lead ID',
		name: 'leadId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. call_lead_1992',
		description: 'The Property Finder lead ID',
	},
	simplifyProperty,
	optionsCollection([resolveAgentOption('per execution')], requestTimeoutOption),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['lead'], operation: ['get'] } },
	properties,
);

interface LeadLookup {
	leadId: string;
	simplify: boolean;
	resolveAgent: boolean;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): LeadLookup {
	const leadId = requireText(this, itemIndex, 'Lead ID', this.getNodeParameter('leadId', itemIndex));
	if (/[\s,]/.test(leadId)) {
		throw fieldError(this, itemIndex, 'Lead ID', `"${leadId}" contains spaces or commas`, 'Enter one lead ID such as call_lead_1992.');
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		leadId,
		simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
		resolveAgent: options.resolveAgent === true,
		timeout: readTimeout(options),
	};
}

async function send(this: IExecuteFunctions, lookup: LeadLookup, itemIndex: number): Promise<IDataObject> {
	// There is no GET /v1/leads/{id}: one lead is the list filtered by id.
	const { body } = await pfRequest.call(
		this,
		{
			method: 'GET',
			path: '/v1/leads',
			qs: { id: [lookup.leadId], perPage: 1 },
			idempotent: true,
			timeout: lookup.timeout,
		},
		itemIndex,
	);
	const lead = (Array.isArray(body?.data) ? (body.data as IDataObject[]) : []).find(
		(entry) => String(entry.id) === lookup.leadId,
	);
	if (!lead) {
		throw fieldError(
			this,
			itemIndex,
			'Lead ID',
			`Property Finder has no lead "${lookup.leadId}"`,
			'Check the ID (e.g. call_lead_1992). Property Finder only returns leads from the last 3 months, and only those the API key may see.',
		);
	}
	return lookup.simplify ? simplifyLead(lead) : lead;
}

export const operation: ItemOperation<LeadLookup> = { prepare, send, finish: addAgentsToEntries };
