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
import { crmLead } from './actions/crmLead';
import { lead } from './actions/lead';
import { listing } from './actions/listing';
import { user } from './actions/user';
import { getAgents } from './shared/agents';

const { modules, properties } = nodeResources('lead', [lead, user, listing, crmLead]);

export class PropertyFinder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Property Finder',
		name: 'propertyFinder',
		documentationUrl: 'https://github.com/property-leads/n8n-nodes-property-leads#node-property-finder',
		icon: { light: 'file:propertyFinder.svg', dark: 'file:propertyFinder.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Read Property Finder leads, agents and listings, and manage leads in PF Expert CRM',
		defaults: { name: 'Property Finder' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// A second "Duplicate" output only when CRM Lead → Create routes duplicates there.
		outputs: `={{(${duplicateOutputs})($parameter)}}`,
		credentials: [
			{
				name: 'propertyFinderApi',
				required: true,
				displayOptions: { hide: { resource: ['crmLead'] } },
			},
			{
				name: 'propertyFinderExpertApi',
				required: true,
				displayOptions: { show: { resource: ['crmLead'] } },
			},
		],
		properties,
	};

	methods = {
		loadOptions: { getAgents },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, modules);
	}
}
