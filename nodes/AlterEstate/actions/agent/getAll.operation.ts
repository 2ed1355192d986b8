import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { getManyFields, optionsCollection, readLimit, readTimeout } from '../../../shared/fields';
import { AGENTS_PATH, agentList, alterEstateRead } from '../../transport';

export const description = getManyFields('agent', [optionsCollection()]);

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
