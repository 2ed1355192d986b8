import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
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
import {
	PF_DEFAULT_BASE_URL as DEFAULT_BASE_URL,
	PF_USER_AGENT as USER_AGENT,
	problemMessage,
} from '../nodes/PropertyFinder/transport/enterprise';

/** A cached token belongs to these values (see tokenOwner). */
const TOKEN_OWNER_FIELDS = ['apiKey', 'apiSecret', 'baseUrl'];

/** The token endpoint answers in the API's error formats, or with a firewall page. */
function problemText(body: unknown): string | undefined {
	if (typeof body === 'string' && !/^\s*</.test(body)) {
		try {
			return problemMessage(JSON.parse(body));
		} catch {
			// plain text
		}
	}
	if (typeof body === 'string') {
		return answerText(body, 'the answer was a web page (probably a firewall block)');
	}
	return problemMessage(body);
}

export class PropertyFinderApi implements ICredentialType {
	name = 'propertyFinderApi';

	displayName = 'Property Finder API';

	icon: Icon = {
		light: 'file:../nodes/PropertyFinder/propertyFinder.svg',
		dark: 'file:../nodes/PropertyFinder/propertyFinder.dark.svg',
	};

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-property-finder';

	properties: INodeProperties[] = [
		{
			displayName:
				'Property Finder API keys have fixed scopes. Reading leads needs <b>leads:read</b>; the trigger (webhooks) needs <b>webhooks:full_access</b>.',
			name: 'scopeNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API key of the Enterprise API integration (from PF Expert)',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The secret shown once when the API key was created',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: 'Change only for a staging server or the local sandbox',
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
	 * Exchanges the key and secret for a 30-minute bearer token. n8n calls this only when the
	 * stored token is empty or a request answered 401, so the token endpoint (60 requests a
	 * minute) is hit about once per half hour whatever the number of items or pages.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
		const answer = await requestToken(
			this,
			{
				url: `${baseUrl}/v1/auth/token`,
				body: { apiKey: credentials.apiKey, apiSecret: credentials.apiSecret },
				headers: {
					Accept: 'application/json',
					'User-Agent': USER_AGENT,
					'X-PF-Error-Format': 'problem-json-v2',
				},
			},
			'accessToken',
		);
		if (answer.token) return { accessToken: answer.token, tokenOwner: tokenOwner(credentials, TOKEN_OWNER_FIELDS) };

		// A token endpoint that echoes what it was sent must not put the key or secret into the
		// error n8n shows (credential test, node error, log).
		const secrets = credentialSecretValues(credentials);
		const status = answer.status;
		const body = redactDeep(answer.body, secrets);
		const detail = problemText(body);
		const message = {
			refused: `${withDetail(`API key and secret refused by the token endpoint (HTTP ${status})`, detail)}. Check both in the "Property Finder API" credential.`,
			rateLimited: 'Too many token requests (the limit is 60 a minute); try again in a minute',
			noToken: 'The token endpoint answered without an access token',
			failed: withDetail(`The token request failed (HTTP ${status})`, detail),
		}[tokenFailure(status)];
		throw tokenError(
			message,
			status,
			redactDeep(answer.headers, secrets),
			typeof body === 'string' && /^\s*</.test(body) ? body : { type: 'AUTHENTICATION', detail: message },
		);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerToken(credentials, requestOptions, TOKEN_OWNER_FIELDS, { 'User-Agent': USER_AGENT });
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/leads',
			method: 'GET',
			qs: { perPage: 1 },
			headers: { 'User-Agent': USER_AGENT },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The API key works but lacks the leads:read scope. Create a key with leads:read in PF Expert.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Property Finder did not accept the API key and secret',
				},
			},
		],
	};
}
