import { defineResource } from '../../../shared/registry';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const listing = defineResource({ name: 'Listing', value: 'listing' }, 'get', [
	{
		name: 'Get',
		value: 'get',
		description: 'Get a listing by its reference',
		action: 'Get a listing',
		module: get,
	},
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'Get listings by state, agent, category and more',
		action: 'Get many listings',
		module: getAll,
	},
]);
