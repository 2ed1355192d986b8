import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { optionsCollection, readLimit, readTimeout, returnAllAndLimit } from '../../../shared/fields';
import { readDigitsList, readEmailList } from '../../../shared/validate';
import { pfPaginate } from '../../transport/enterprise';

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Emails',
				name: 'email',
				type: 'string',
				default: '',
				placeholder: 'e.g. name@email.com',
				description: 'Comma-separated login e-mails of the users',
			},
			{
				displayName: 'Public Profile IDs',
				name: 'publicProfileId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1001, 1002',
				description: 'Comma-separated public profile IDs (a lead\'s agent is its public profile ID)',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Free-text search on name and e-mail',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'active',
				options: [
					{ name: 'Active', value: 'active' },
					{ name: 'Inactive', value: 'inactive' },
				],
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['getAll'] } },
	properties,
);

interface UserSearch {
	qs: IDataObject;
	limit?: number;
	timeout?: number;
}

function prepare(this: IExecuteFunctions, itemIndex: number): UserSearch {
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	const profiles = readDigitsList(this, itemIndex, 'Public Profile IDs', filters.publicProfileId, 'a public profile ID', 'Use whole numbers such as 1001, separated by commas.');
	if (profiles.length > 0) qs.publicProfileId = profiles.join(',');
	const emails = readEmailList(this, itemIndex, 'Emails', filters.email, 'Use the form name@example.com; separate several with commas.');
	if (emails.length > 0) qs.email = emails.join(',');
	if (typeof filters.status === 'string' && filters.status !== '') qs.status = filters.status;
	if (typeof filters.search === 'string' && filters.search.trim() !== '') qs.search = filters.search.trim();
	return { qs, limit, timeout: readTimeout(options) };
}

async function send(this: IExecuteFunctions, search: UserSearch, itemIndex: number): Promise<IDataObject[]> {
	return await pfPaginate.call(this, '/v1/users', search.qs, {
		limit: search.limit,
		itemIndex,
		timeout: search.timeout,
	});
}

export const operation: ItemOperation<UserSearch> = { prepare, send };
