import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, Icon } from 'n8n-workflow';

import { ALTERESTATE_DEFAULT_BASE_URL } from '../nodes/AlterEstate/transport';
import { apiKeyField, baseUrlField, optionalSecretField, refusedWriteTest } from '../nodes/shared/credentials';

/**
 * AlterEstate uses two tokens: the account API key (`Authorization: Token …`) for the one
 * write endpoint, POST /api/v1/leads/, and the public token (`aetoken` header) for the read
 * endpoints (agents, properties). Every read in this package is a GET and every write is not,
 * so the credential picks the header from the request method and each request carries only
 * the token it needs.
 */
export class AlterEstateApi implements ICredentialType {
	name = 'alterEstateApi';

	displayName = 'AlterEstate API';

	icon: Icon = {
		light: 'file:../nodes/AlterEstate/alterEstate.svg',
		dark: 'file:../nodes/AlterEstate/alterEstate.dark.svg',
	};

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-alterestate';

	properties = [
		apiKeyField(
			'The API key from your AlterEstate account, used to create leads (sent as "Authorization: Token …")',
		),
		optionalSecretField(
			'Public Token',
			'publicToken',
			'Optional. The public API token (aetoken) of your AlterEstate account. Needed to list agents and properties, and to pick the assigned agent from a list.',
		),
		baseUrlField(
			ALTERESTATE_DEFAULT_BASE_URL,
			'Change only for a staging server or the local sandbox. Paths under /api/v1 are added by the node.',
		),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		const method = String(requestOptions.method ?? 'GET').toUpperCase();
		if (method === 'GET') {
			// Reads: only the public token. Without one, nothing is added and AlterEstate answers
			// 401; the node checks for the token before it sends a read.
			if (credentials.publicToken) headers.aetoken = String(credentials.publicToken);
		} else {
			headers.Authorization = `Token ${String(credentials.apiKey ?? '')}`;
		}
		return { ...requestOptions, headers };
	}

	/**
	 * Proves the API key without creating a lead: a create with no fields at all. A valid key
	 * gets 400 {"status":"error","message":"Missing required field: full_name"} and nothing is
	 * stored; a wrong or missing key gets AlterEstate's authentication error (401
	 * {"detail":"Invalid token."} or {"detail":"Authentication credentials were not provided."}).
	 * The 400 is the expected answer, so HTTP errors are not failures here and the rules below
	 * fail the test on the authentication messages instead.
	 */
	test = refusedWriteTest(
		{
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "").replace(/\\/api\\/v1$/, "")}}',
			url: '/api/v1/leads/',
			body: {},
		},
		'detail',
		{
			'Invalid token.': 'AlterEstate refused the API key (Invalid token). Copy the API key again from AlterEstate.',
			'Authentication credentials were not provided.': 'AlterEstate received no API key: enter the API key',
		},
	);
}
