import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { route } from '../shared/execute';
import { duplicateOutputs } from '../shared/outputs';
import { nodeResources } from '../shared/registry';
import { lead } from './actions/lead';

const { modules, properties } = nodeResources('lead', [lead]);

export class ClosingDealz implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ClosingDealz',
		name: 'closingDealz',
		documentationUrl: 'https://github.com/property-leads/n8n-nodes-property-leads#node-closingdealz',
		icon: { light: 'file:closingDealz.svg', dark: 'file:closingDealz.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create leads in ClosingDealz CRM in batches, paced under its rate limit',
		defaults: { name: 'ClosingDealz' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${duplicateOutputs})($parameter)}}`,
		credentials: [{ name: 'closingDealzApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, modules);
	}
}
