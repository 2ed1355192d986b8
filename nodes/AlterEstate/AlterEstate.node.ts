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
import { agent } from './actions/agent';
import { lead } from './actions/lead';
import { property } from './actions/property';
import { loadOptions } from './methods';

const { modules, properties } = nodeResources('lead', [lead, agent, property]);

export class AlterEstate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AlterEstate',
		name: 'alterEstate',
		documentationUrl: 'https://github.com/property-leads/n8n-nodes-property-leads#node-alterestate',
		icon: { light: 'file:alterEstate.svg', dark: 'file:alterEstate.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create leads in AlterEstate with duplicates reported, and read its agents and properties',
		defaults: { name: 'AlterEstate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${duplicateOutputs})($parameter)}}`,
		credentials: [{ name: 'alterEstateApi', required: true }],
		properties,
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, modules);
	}
}
