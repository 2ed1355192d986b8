import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readTimeout } from '../../../shared/fields';
import { fieldError, isDigits, readText } from '../../../shared/validate';
import { pfRequest } from '../../transport/enterprise';

const properties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1234',
		description:
			'The Property Finder user ID (a number). To find the agent of a lead, use Get Many with the lead\'s public profile ID.',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['get'] } },
	properties,
);

interface UserLookup {
	userId: string;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): UserLookup {
	const userId = readText(this, itemIndex, 'User ID', this.getNodeParameter('userId', itemIndex));
	if (!isDigits(userId)) {
		throw fieldError(this, itemIndex, 'User ID', `"${userId}" is not a user ID`, 'Enter the user ID as a whole number such as 1234, or map it from the input.');
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { userId, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, lookup: UserLookup, itemIndex: number): Promise<IDataObject> {
	// The API has no GET /v1/users/{id}; the list filtered by id returns the one user.
	const { body } = await pfRequest.call(
		this,
		{ method: 'GET', path: '/v1/users', qs: { id: lookup.userId }, idempotent: true, timeout: lookup.timeout },
		itemIndex,
	);
	const user = (Array.isArray(body?.data) ? (body.data as IDataObject[]) : []).find(
		(entry) => String(entry.id) === lookup.userId,
	);
	if (!user) {
		throw fieldError(this, itemIndex, 'User ID', `Property Finder has no user ${lookup.userId}`, 'Check the ID, or list users with Get Many.');
	}
	return user;
}

export const operation: ItemOperation<UserLookup> = { prepare, send };
