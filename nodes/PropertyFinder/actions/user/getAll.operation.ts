import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemOperation } from '../../../shared/execute';
import { filtersCollection, getManyFields, optionsCollection, readListParameters } from '../../../shared/fields';
import type { ListRequest } from '../../../shared/paging';
import { pagingOf } from '../../../shared/paging';
import { readDigitsList, readEmailList } from '../../../shared/validate';
import { pfPaginate } from '../../transport/enterprise';

export const description = getManyFields('user', [
	filtersCollection([
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
	]),
	optionsCollection(),
]);

function prepare(this: IExecuteFunctions, itemIndex: number): ListRequest {
	const { limit, timeout, filters } = readListParameters(this, itemIndex);
	const qs: IDataObject = {};
	const profiles = readDigitsList(this, itemIndex, 'Public Profile IDs', filters.publicProfileId, 'a public profile ID', 'Use whole numbers such as 1001, separated by commas.');
	if (profiles.length > 0) qs.publicProfileId = profiles.join(',');
	const emails = readEmailList(this, itemIndex, 'Emails', filters.email, 'Use the form name@example.com; separate several with commas.');
	if (emails.length > 0) qs.email = emails.join(',');
	if (typeof filters.status === 'string' && filters.status !== '') qs.status = filters.status;
	if (typeof filters.search === 'string' && filters.search.trim() !== '') qs.search = filters.search.trim();
	return { qs, limit, timeout };
}

async function send(this: IExecuteFunctions, request: ListRequest, itemIndex: number): Promise<IDataObject[]> {
	return await pfPaginate.call(this, '/v1/users', request.qs, pagingOf(request, itemIndex));
}

export const operation: ItemOperation<ListRequest> = { prepare, send };
