import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	AGENTS_PATH,
	agentList,
	MISSING_PUBLIC_TOKEN,
	MISSING_PUBLIC_TOKEN_FIX,
	alterEstateRead,
} from '../transport';

/** Active agents for "Related Agent": the value is the agent's email, which AlterEstate expects. */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const credentials = await this.getCredentials('alterEstateApi');
	if (!String(credentials.publicToken ?? '').trim()) {
		throw new NodeOperationError(
			this.getNode(),
			`${MISSING_PUBLIC_TOKEN}. ${MISSING_PUBLIC_TOKEN_FIX} Or switch the field to an expression and enter the agent's email.`,
		);
	}
	const { body } = await alterEstateRead.call(this, { path: AGENTS_PATH });
	return agentList(body)
		.filter((agent: IDataObject) => typeof agent.email === 'string' && agent.email !== '')
		.map((agent: IDataObject) => ({
			name: String(agent.full_name || agent.email),
			value: String(agent.email),
			description: String(agent.email),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
