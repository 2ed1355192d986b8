import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	answerText,
	requestToken,
	tokenError,
	tokenFailure,
	tokenOwner,
	tokenOwnerProperty,
	withBearerToken,
	withDetail,
} from '../nodes/shared/token';
import { credentialSecretValues, redactDeep } from '../nodes/shared/redact';
import { EXPERT_DEFAULT_BASE_URL } from '../nodes/PropertyFinder/transport/expert';

const DEFAULT_TOKEN_URL = 'https://auth.propertyfinder.com/auth/oauth/v1/token';

/** A cached token belongs to these values (see tokenOwner). */
const TOKEN_OWNER_FIELDS = ['apiKey', 'apiSecret', 'baseUrl', 'tokenUrl'];

function tokenProblem(body: unknown): string | undefined {
	if (typeof body === 'string') return answerText(body, 'the answer was a web page, not a token (check the token URL)');
	if (!body || typeof body !== 'object') return undefined;
	const problem = body as IDataObject;
	for (const key of ['error_description', 'message', 'error', 'title']) {
		const value = problem[key];
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return undefined;
}

export class PropertyFinderExpertApi implements ICredentialType {
	name = 'propertyFinderExpertApi';

	displayName = 'PF Expert CRM API';

	icon: Icon = {
		light: 'file:../nodes/PropertyFinder/propertyFinder.svg',
		dark: 'file:../nodes/PropertyFinder/propertyFinder.dark.svg',
	};

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-pf-expert-crm';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The client ID of the PF Expert CRM (myCRM v2) API user',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The client secret of the PF Expert CRM API user',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: EXPERT_DEFAULT_BASE_URL,
			description: 'Change only for a staging server or the local sandbox',
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: DEFAULT_TOKEN_URL,
			description: 'Where the key and secret are exchanged for an access token. Change only for a staging server or the local sandbox.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		tokenOwnerProperty,
	];

	/**
	 * OAuth client credentials: the key and secret as HTTP Basic auth, answered with a bearer
	 * token valid for 30 minutes. n8n calls this only when the stored token is empty or a
	 * request answered 401, so one token serves every item and page of a run.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const tokenUrl = String(credentials.tokenUrl || DEFAULT_TOKEN_URL).trim();
		const basic = Buffer.from(`${String(credentials.apiKey ?? '')}:${String(credentials.apiSecret ?? '')}`).toString(
			'base64',
		);
		const answer = await requestToken(
			this,
			{
				url: tokenUrl,
				body: { scope: 'openid', grant_type: 'client_credentials' },
				headers: {
					Accept: 'application/json',
					'Content-Type': 'application/json',
					Authorization: `Basic ${basic}`,
				},
			},
			'access_token',
		);
		if (answer.token) return { accessToken: answer.token, tokenOwner: tokenOwner(credentials, TOKEN_OWNER_FIELDS) };

		// A token endpoint that echoes the Basic header must not put it into the error.
		const secrets = credentialSecretValues(credentials);
		const { status } = answer;
		const detail = tokenProblem(redactDeep(answer.body, secrets));
		const reason = {
			refused: `${withDetail(`the API key and secret were refused (HTTP ${status})`, detail)}. Check both in the PF Expert CRM API credential`,
			rateLimited: 'token requests are being rate limited (HTTP 429); try again in a minute',
			noToken: 'the token answer held no access token; check the token URL in the credential',
			failed: withDetail(`the token request failed (HTTP ${status})`, detail),
		}[tokenFailure(status)];
		throw tokenError(`PF Expert CRM: ${reason}`, status, redactDeep(answer.headers, secrets), { message: reason });
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerToken(credentials, requestOptions, TOKEN_OWNER_FIELDS);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/leads',
			method: 'GET',
			qs: { per_page: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The API user works but lacks the lead.read right in PF Expert CRM',
				},
			},
			{
				type: 'responseCode',
				properties: { value: 401, message: 'PF Expert CRM did not accept the API key and secret' },
			},
		],
	};
}
