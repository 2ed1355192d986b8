import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { INFINITY_DEFAULT_BASE_URL } from '../nodes/InfinityCrm/transport';

export class InfinityCrmApi implements ICredentialType {
	name = 'infinityCrmApi';

	displayName = 'Infinity CRM API';

	icon: Icon = { light: 'file:../nodes/InfinityCrm/infinityCrm.svg', dark: 'file:../nodes/InfinityCrm/infinityCrm.dark.svg' };

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-infinity-crm';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The External Lead API key from Infinity CRM (sent as the x-api-key header)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: INFINITY_DEFAULT_BASE_URL,
			description: 'Change only for a staging server or the local sandbox',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'x-api-key': '={{$credentials.apiKey}}' },
		},
	};

	/**
	 * Infinity CRM has no read endpoint. The test posts an empty lead: a valid key gets
	 * 400 "name is required" (nothing is created), a missing or wrong key gets 401.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/crm/external/leads',
			method: 'POST',
			body: {},
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'error', value: 'Invalid API key', message: 'Infinity CRM refused the API key: Invalid API key' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'error', value: 'Missing x-api-key header', message: 'Infinity CRM received no API key: enter the key' },
			},
		],
	};
}
