import type { INodeProperties } from 'n8n-workflow';

import { LEAD_CHANNEL_OPTIONS, LEAD_ENTITY_TYPE_OPTIONS, simplifyProperty } from '../PropertyFinder/shared/lead';
import { resolveAgentOption } from '../PropertyFinder/shared/agents';
import { MORE_TRIGGER_FILTER_PROPERTIES } from '../PropertyFinder/shared/filters';
import { filtersCollection, optionsCollection } from '../shared/fields';

/** The polling trigger's parameters (the node's `properties`): filters, simplify, options. */

/** The filters in the editor's order: alphabetical, as n8n lists its own. */
function byDisplayName(properties: INodeProperties[]): INodeProperties[] {
	return [...properties].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export const pollingTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Each new lead starts the workflow once, also when Property Finder lists it up to "Overlap" minutes late. The first activation starts from now (nothing old is sent) unless "Since" is set in Options; editing the filters later sends no lead twice. The API key needs the <b>leads:read</b> scope.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
	},
	filtersCollection(
		byDisplayName([
			...MORE_TRIGGER_FILTER_PROPERTIES,
			{
				displayName: 'Agent Names or IDs',
				name: 'publicProfileId',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAgents' },
				default: [],
				description:
					'Only leads for these agents (public profiles). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'multiOptions',
				default: [],
				description: 'Only leads that came in through these channels',
				options: LEAD_CHANNEL_OPTIONS,
			},
			{
				displayName: 'Entity Type',
				name: 'entityType',
				type: 'multiOptions',
				default: [],
				description: 'Only leads about these kinds of entity (Project = Primary Plus leads)',
				options: LEAD_ENTITY_TYPE_OPTIONS,
			},
			{
				displayName: 'Listing Reference',
				name: 'listingReference',
				type: 'string',
				default: '',
				placeholder: 'e.g. APT-101, APT-102',
				description: 'Only leads for these listing references (comma-separated)',
			},
		]),
	),
	simplifyProperty,
	optionsCollection(
		[
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1440 },
				default: 10,
				description:
					'Lateness window: a lead that Property Finder lists at most this many minutes after its creation time is still sent, once. Each check looks back this far; leads already sent are never sent again. A larger value takes effect as new leads come in.',
			},
			resolveAgentOption('per poll'),
			{
				displayName: 'Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description:
					'On the first activation only, also send the leads created since this date (at most 88 days back: Property Finder keeps 3 months). Changing it later has no effect. Empty: start from the activation.',
			},
		],
		null,
	),
];
