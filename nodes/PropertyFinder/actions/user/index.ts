import { defineResource } from '../../../shared/registry';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const user = defineResource({ name: 'User (Agent)', value: 'user' }, 'getAll', [
	{
		name: 'Get',
		value: 'get',
		description: 'Get a user (agent) by ID',
		action: 'Get a user',
		module: get,
	},
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'Get users, e.g. the agent behind a public profile ID',
		action: 'Get many users',
		module: getAll,
	},
]);
