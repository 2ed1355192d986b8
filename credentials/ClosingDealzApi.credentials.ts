import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CLOSINGDEALZ_DEFAULT_BASE_URL } from '../nodes/ClosingDealz/transport';

export class ClosingDealzApi implements ICredentialType {
	name = 'closingDealzApi';

	displayName = 'ClosingDealz API';

	icon: Icon = {
		light: 'file:../nodes/ClosingDealz/closingDealz.svg',
		dark: 'file:../nodes/ClosingDealz/closingDealz.dark.svg',
	};

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-closingdealz';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The workspace API key from ClosingDealz (sent as the X-API-Key header). The API needs a workspace on the Basic plan; the Free plan holds at most 5 leads.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: CLOSINGDEALZ_DEFAULT_BASE_URL,
			description: 'Change only for a staging server or the local sandbox',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-API-Key': '={{$credentials.apiKey}}' },
		},
	};

	/**
	 * ClosingDealz only has a create endpoint. The test posts an empty list of leads: nothing
	 * can be created from it, a valid key gets a 400 about the empty list and an invalid or
	 * missing key gets 401 "Invalid API key.".
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/leads',
			method: 'POST',
			body: [],
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'Invalid API key.',
					message: 'ClosingDealz refused the API key: Invalid API key.',
				},
			},
		],
	};
}
