import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readLimit, readTimeout, returnAllAndLimit } from '../../../shared/fields';
import { AGENTS_PATH, agentList, alterEstateRead } from '../../transport';

const properties: INodeProperties[] = [...returnAllAndLimit, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getAll'] } },
	properties,
);

interface AgentQuery {
	limit?: number;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): AgentQuery {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { limit: readLimit(this, itemIndex), timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, query: AgentQuery, itemIndex: number) {
	const { body } = await alterEstateRead.call(this, { path: AGENTS_PATH, timeout: query.timeout }, itemIndex);
	const agents = agentList(body);
	return query.limit === undefined ? agents : agents.slice(0, query.limit);
}

export const operation: ItemOperation<AgentQuery> = { prepare, send };
