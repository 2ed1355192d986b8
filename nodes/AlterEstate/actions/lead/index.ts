import { defineResource } from '../../../shared/registry';
import * as create from './create.operation';

export const lead = defineResource({ name: 'Lead', value: 'lead' }, 'create', [
	{
		name: 'Create',
		value: 'create',
		description: 'Create a lead (contact and deal), or report the existing contact when duplicates are disallowed',
		action: 'Create a lead',
		module: create,
	},
]);
