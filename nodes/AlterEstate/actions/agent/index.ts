import { defineResource } from '../../../shared/registry';
import * as getAll from './getAll.operation';

export const agent = defineResource({ name: 'Agent', value: 'agent' }, 'getAll', [
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'List the active agents of the account',
		action: 'Get many agents',
		module: getAll,
	},
]);
