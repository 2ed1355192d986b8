import { defineResource } from '../../../shared/registry';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const property = defineResource({ name: 'Property', value: 'property' }, 'getAll', [
	{
		name: 'Get',
		value: 'get',
		description: 'Get the full details of a property by its slug',
		action: 'Get a property',
		module: get,
	},
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'Search the properties of the account with filters',
		action: 'Get many properties',
		module: getAll,
	},
]);
