import { defineResource } from '../../../shared/registry';
import * as create from './create.operation';

export const lead = defineResource({ name: 'Lead', value: 'lead' }, 'create', [
	{
		name: 'Create',
		value: 'create',
		description: 'Create a lead, or queue it for review when its phone is already known',
		action: 'Create a lead',
		module: create,
	},
]);
