import type { IDataObject } from 'n8n-workflow';

import type { ServiceSpec } from '../../shared/transport';
import { requestFor } from '../../shared/transport';

export const INFINITY_DEFAULT_BASE_URL = 'https://erp.infinityrealty.ae';
export const INFINITY_LEADS_PATH = '/api/crm/external/leads';

export const infinityService: ServiceSpec = {
	name: 'Infinity CRM',
	credentialType: 'infinityCrmApi',
	defaultBaseUrl: INFINITY_DEFAULT_BASE_URL,
	errorMessage(body) {
		if (body && typeof body === 'object' && typeof (body as IDataObject).error === 'string') {
			return (body as IDataObject).error as string;
		}
		return undefined;
	},
	advice(statusCode, apiMessage) {
		if (statusCode === 401) {
			return 'Infinity CRM did not accept the API key. Copy the key again from Infinity CRM into the "Infinity CRM API" credential.';
		}
		if (statusCode === 400 && apiMessage && /category/i.test(apiMessage)) {
			return 'Choose Apartment, Townhouse or Villa as the category, or leave it empty.';
		}
		return undefined;
	},
};

export const infinityRequest = requestFor(infinityService);
