import type { ICredentialType, Icon } from 'n8n-workflow';

import { CLOSINGDEALZ_DEFAULT_BASE_URL } from '../nodes/ClosingDealz/transport';
import { apiKeyField, apiKeyHeader, baseUrlField, refusedWriteTest } from '../nodes/shared/credentials';

export class ClosingDealzApi implements ICredentialType {
	name = 'closingDealzApi';

	displayName = 'ClosingDealz API';

	icon: Icon = {
		light: 'file:../nodes/ClosingDealz/closingDealz.svg',
		dark: 'file:../nodes/ClosingDealz/closingDealz.dark.svg',
	};

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-closingdealz';

	properties = [
		apiKeyField(
			'The workspace API key from ClosingDealz (sent as the X-API-Key header). The API needs a workspace on the Basic plan; the Free plan holds at most 5 leads.',
		),
		baseUrlField(CLOSINGDEALZ_DEFAULT_BASE_URL),
	];

	authenticate = apiKeyHeader('X-API-Key');

	/**
	 * ClosingDealz only has a create endpoint. The test posts an empty list of leads: nothing
	 * can be created from it, a valid key gets a 400 about the empty list and an invalid or
	 * missing key gets 401 "Invalid API key.".
	 */
	test = refusedWriteTest({ url: '/api/v1/leads', body: [] }, 'message', {
		'Invalid API key.': 'ClosingDealz refused the API key: Invalid API key.',
	});
}
