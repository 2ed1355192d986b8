import { defineResource } from '../../../shared/registry';
import * as create from './create.operation';

export const lead = defineResource({ name: 'Lead', value: 'lead' }, 'create', [
	{
		name: 'Create',
		value: 'create',
		description: 'Create leads, sent in batches of up to 100',
		action: 'Create leads',
		module: create,
	},
]);
