import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { answerText, exchangeToken, withBearerToken, withDetail } from '../nodes/shared/token';
import { apiKeyField, apiSecretField, baseUrlField, bearerTokenFields, readTest } from '../nodes/shared/credentials';
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
		apiKeyField('The API key of the Enterprise API integration (from PF Expert)'),
		apiSecretField('The secret shown once when the API key was created'),
		baseUrlField(DEFAULT_BASE_URL),
		...bearerTokenFields,
	];

	/**
	 * Exchanges the key and secret for a 30-minute bearer token. n8n calls this only when the
	 * stored token is empty or a request answered 401, so the token endpoint (60 requests a
	 * minute) is hit about once per half hour whatever the number of items or pages.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
		return await exchangeToken(this, credentials, {
			request: {
				url: `${baseUrl}/v1/auth/token`,
				body: { apiKey: credentials.apiKey, apiSecret: credentials.apiSecret },
				headers: {
					Accept: 'application/json',
					'User-Agent': USER_AGENT,
					'X-PF-Error-Format': 'problem-json-v2',
				},
			},
			tokenKey: 'accessToken',
			ownerFields: TOKEN_OWNER_FIELDS,
			explain(failure, status, body) {
				const detail = problemText(body);
				const message = {
					refused: `${withDetail(`API key and secret refused by the token endpoint (HTTP ${status})`, detail)}. Check both in the "Property Finder API" credential.`,
					rateLimited: 'Too many token requests (the limit is 60 a minute); try again in a minute',
					noToken: 'The token endpoint answered without an access token',
					failed: withDetail(`The token request failed (HTTP ${status})`, detail),
				}[failure];
				const page = typeof body === 'string' && /^\s*</.test(body);
				return { message, data: page ? body : { type: 'AUTHENTICATION', detail: message } };
			},
		});
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerToken(credentials, requestOptions, TOKEN_OWNER_FIELDS, { 'User-Agent': USER_AGENT });
	}

	test = readTest(
		{ url: '/v1/leads', qs: { perPage: 1 }, headers: { 'User-Agent': USER_AGENT } },
		{
			forbidden: 'The API key works but lacks the leads:read scope. Create a key with leads:read in PF Expert.',
			refused: 'Property Finder did not accept the API key and secret',
		},
	);
}
