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

export class InfinityCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Infinity CRM',
		name: 'infinityCrm',
		documentationUrl: 'https://github.com/property-leads/n8n-nodes-property-leads#node-infinity-crm',
		icon: { light: 'file:infinityCrm.svg', dark: 'file:infinityCrm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create leads in Infinity CRM, with duplicates by phone queued for review',
		defaults: { name: 'Infinity CRM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${duplicateOutputs})($parameter)}}`,
		credentials: [{ name: 'infinityCrmApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, modules);
	}
}
