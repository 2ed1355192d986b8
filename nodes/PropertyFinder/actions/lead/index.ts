import { defineResource } from '../../../shared/registry';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const lead = defineResource({ name: 'Lead', value: 'lead' }, 'getAll', [
	{
		name: 'Get',
		value: 'get',
		description: 'Get a lead by its ID',
		action: 'Get a lead',
		module: get,
	},
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'Get leads, filtered by date, channel, status, listing or agent',
		action: 'Get many leads',
		module: getAll,
	},
]);
