import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
} from 'n8n-workflow';

import { answerText, exchangeToken, withBearerToken, withDetail } from '../nodes/shared/token';
import {
	apiKeyField,
	apiSecretField,
	baseUrlField,
	bearerTokenFields,
	readTest,
	urlField,
} from '../nodes/shared/credentials';
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

	properties = [
		apiKeyField('The client ID of the PF Expert CRM (myCRM v2) API user'),
		apiSecretField('The client secret of the PF Expert CRM API user'),
		baseUrlField(EXPERT_DEFAULT_BASE_URL),
		urlField(
			'Token URL',
			'tokenUrl',
			DEFAULT_TOKEN_URL,
			'Where the key and secret are exchanged for an access token. Change only for a staging server or the local sandbox.',
		),
		...bearerTokenFields,
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
		return await exchangeToken(this, credentials, {
			request: {
				url: tokenUrl,
				body: { scope: 'openid', grant_type: 'client_credentials' },
				headers: {
					Accept: 'application/json',
					'Content-Type': 'application/json',
					Authorization: `Basic ${basic}`,
				},
			},
			tokenKey: 'access_token',
			ownerFields: TOKEN_OWNER_FIELDS,
			explain(failure, status, body) {
				const detail = tokenProblem(body);
				const reason = {
					refused: `${withDetail(`the API key and secret were refused (HTTP ${status})`, detail)}. Check both in the PF Expert CRM API credential`,
					rateLimited: 'token requests are being rate limited (HTTP 429); try again in a minute',
					noToken: 'the token answer held no access token; check the token URL in the credential',
					failed: withDetail(`the token request failed (HTTP ${status})`, detail),
				}[failure];
				return { message: `PF Expert CRM: ${reason}`, data: { message: reason } };
			},
		});
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerToken(credentials, requestOptions, TOKEN_OWNER_FIELDS);
	}

	test = readTest(
		{ url: '/leads', qs: { per_page: 1 } },
		{
			forbidden: 'The API user works but lacks the lead.read right in PF Expert CRM',
			refused: 'PF Expert CRM did not accept the API key and secret',
		},
	);
}
