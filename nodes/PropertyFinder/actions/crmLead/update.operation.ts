import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import type { PhoneOptions } from '../../../shared/leads';
import { readTimeout, timeoutOption } from '../../../shared/fields';
import { leadOptionsCollection } from '../../../shared/leads';
import { apiWarning, expertRequest, unwrapLead, withWarning } from '../../transport/expert';
import { buildLeadBody } from './body';
import { bodyFromLead, mergeLeadBody, missingMandatory } from './update.body';
import { expandDataOption, leadIdProperty, mainLeadFields, optionalLeadFields } from './fields';
import { fieldError, readId } from '../../../shared/validate';

const properties: INodeProperties[] = [
	leadIdProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; the rest of the lead is kept as it is',
		options: [...mainLeadFields(false), ...optionalLeadFields].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
	leadOptionsCollection(undefined, [expandDataOption, timeoutOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['crmLead'], operation: ['update'] } },
	properties,
);

interface UpdateOptions extends PhoneOptions {
	expandData?: boolean;
}

interface PreparedUpdate {
	leadId: number;
	changes: IDataObject;
	options: UpdateOptions;
}

const label = (name: string) => `Update Fields › ${name}`;

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedUpdate {
	const options = this.getNodeParameter('options', itemIndex, {}) as UpdateOptions;
	const leadId = readId(this, itemIndex, 'Lead ID', this.getNodeParameter('leadId', itemIndex));
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const changes = buildLeadBody(this, itemIndex, fields, options, false, label);
	if (Object.keys(changes).length === 0) {
		throw fieldError(this, itemIndex, 'Update Fields', 'no field to change', 'Add at least one field under "Update Fields".');
	}
	return { leadId, changes, options };
}

/**
 * PUT replaces the lead and wants the same mandatory fields as a create, so the current lead
 * is read first and the changes are laid over it: fields the user did not touch keep their
 * values.
 */
async function send(this: IExecuteFunctions, prepared: PreparedUpdate, itemIndex: number) {
	const path = `/leads/${prepared.leadId}`;
	const current = await expertRequest.call(
		this,
		{ method: 'GET', path, expand: true, timeout: readTimeout(prepared.options), idempotent: true },
		itemIndex,
	);
	const body = mergeLeadBody(bodyFromLead(unwrapLead(current.body)), prepared.changes);
	const missing = missingMandatory(body);
	if (missing) {
		throw fieldError(
			this,
			itemIndex,
			label(missing),
			`lead ${prepared.leadId} has no value and PF Expert CRM requires one to save the lead`,
			`Add "${missing}" under "Update Fields".`,
		);
	}
	const { headers, body: answer } = await expertRequest.call(
		this,
		{
			method: 'PUT',
			path,
			body: { lead: body },
			expand: prepared.options.expandData,
			timeout: readTimeout(prepared.options),
			// A PUT sends the whole lead: repeating it leaves the same lead.
			idempotent: true,
		},
		itemIndex,
	);
	return withWarning(unwrapLead(answer), apiWarning(headers) ?? apiWarning(current.headers));
}

export const operation: ItemOperation<PreparedUpdate> = { prepare, send };
