import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { fieldError } from '../../../shared/execute';
import { AGENTS_PATH, alterEstateRead } from '../../transport';
import { readOptions, returnAllAndLimit } from '../shared';

const properties: INodeProperties[] = [...returnAllAndLimit(), readOptions];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getAll'] } },
	properties,
);

interface AgentQuery {
	limit?: number;
	timeout?: number;
}

/** AlterEstate answers a plain list of active agents; a paginated `{results}` is read as well. */
export function agentList(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	if (body && typeof body === 'object' && Array.isArray((body as IDataObject).results)) {
		return (body as IDataObject).results as IDataObject[];
	}
	return [];
}

function prepare(this: IExecuteFunctions, itemIndex: number): AgentQuery {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (returnAll) return { timeout: options.timeout as number | undefined };
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw fieldError(this, itemIndex, 'Limit', `${limit} is not a positive whole number`, 'Enter 1 or more, or switch on Return All.');
	}
	return { limit, timeout: options.timeout as number | undefined };
}

async function send(this: IExecuteFunctions, query: AgentQuery, itemIndex: number) {
	const { body } = await alterEstateRead.call(this, { path: AGENTS_PATH, timeout: query.timeout }, itemIndex);
	const agents = agentList(body);
	return query.limit === undefined ? agents : agents.slice(0, query.limit);
}

export const operation: ItemOperation<AgentQuery> = { prepare, send };
