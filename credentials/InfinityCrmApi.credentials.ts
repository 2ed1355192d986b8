import type { ICredentialType, Icon } from 'n8n-workflow';

import { INFINITY_DEFAULT_BASE_URL } from '../nodes/InfinityCrm/transport';
import { apiKeyField, apiKeyHeader, baseUrlField, refusedWriteTest } from '../nodes/shared/credentials';

export class InfinityCrmApi implements ICredentialType {
	name = 'infinityCrmApi';

	displayName = 'Infinity CRM API';

	icon: Icon = { light: 'file:../nodes/InfinityCrm/infinityCrm.svg', dark: 'file:../nodes/InfinityCrm/infinityCrm.dark.svg' };

	documentationUrl = 'https://github.com/property-leads/n8n-nodes-property-leads#credential-infinity-crm';

	properties = [
		apiKeyField('The External Lead API key from Infinity CRM (sent as the x-api-key header)'),
		baseUrlField(INFINITY_DEFAULT_BASE_URL),
	];

	authenticate = apiKeyHeader('x-api-key');

	/**
	 * Infinity CRM has no read endpoint. The test posts an empty lead: a valid key gets
	 * 400 "name is required" (nothing is created), a missing or wrong key gets 401.
	 */
	test = refusedWriteTest({ url: '/api/crm/external/leads', body: {} }, 'error', {
		'Invalid API key': 'Infinity CRM refused the API key: Invalid API key',
		'Missing x-api-key header': 'Infinity CRM received no API key: enter the key',
	});
}
