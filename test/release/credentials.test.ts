/**
 * The credential types as a workflow and a user see them: the public contract's `name`s and
 * fields (saved in every workflow, never renamed), the production hosts as defaults, and every
 * secret password-typed. The credential files build their fields with the helpers of
 * nodes/shared/credentials.ts, which n8n's lint rule on password fields cannot look into; this
 * test checks what that rule would, on the loaded types.
 */
import type { INodeProperties } from 'n8n-workflow';

import { credentialTypesByName } from '../harness/registry';

/** The public contract (docs: "Credentials"): fields in order, secrets, production defaults. */
const CONTRACT: Record<string, { fields: string[]; secrets: string[]; defaults: Record<string, string> }> = {
	infinityCrmApi: {
		fields: ['apiKey', 'baseUrl'],
		secrets: ['apiKey'],
		defaults: { baseUrl: 'https://erp.infinityrealty.ae' },
	},
	propertyFinderApi: {
		fields: ['apiKey', 'apiSecret', 'baseUrl', 'accessToken', 'tokenOwner'],
		secrets: ['apiKey', 'apiSecret', 'accessToken'],
		defaults: { baseUrl: 'https://atlas.propertyfinder.com' },
	},
	propertyFinderExpertApi: {
		fields: ['apiKey', 'apiSecret', 'baseUrl', 'tokenUrl', 'accessToken', 'tokenOwner'],
		secrets: ['apiKey', 'apiSecret', 'accessToken'],
		defaults: {
			baseUrl: 'https://api-v2.mycrm.com',
			tokenUrl: 'https://auth.propertyfinder.com/auth/oauth/v1/token',
		},
	},
	alterEstateApi: {
		fields: ['apiKey', 'publicToken', 'baseUrl'],
		secrets: ['apiKey', 'publicToken'],
		defaults: { baseUrl: 'https://secure.alterestate.com' },
	},
	closingDealzApi: {
		fields: ['apiKey', 'baseUrl'],
		secrets: ['apiKey'],
		defaults: { baseUrl: 'https://app.closingdealz.io' },
	},
};

const types = credentialTypesByName();

/** The fields a user can fill in or n8n stores (a notice is text, not a field). */
function fields(properties: INodeProperties[]): INodeProperties[] {
	return properties.filter((p) => p.type !== 'notice');
}

describe('credential types', () => {
	test('exactly the credentials of the contract are registered', () => {
		expect(Object.keys(types).sort()).toEqual(Object.keys(CONTRACT).sort());
	});

	describe.each(Object.entries(CONTRACT))('%s', (name, contract) => {
		const type = types[name];

		test('has the contract fields, each once', () => {
			expect(fields(type.properties).map((p) => p.name)).toEqual(contract.fields);
		});

		test('its secrets, and only they, are password-typed; the key (and secret) are required', () => {
			for (const property of fields(type.properties)) {
				const masked = property.typeOptions?.password === true;
				expect({ field: property.name, masked }).toEqual({
					field: property.name,
					masked: contract.secrets.includes(property.name),
				});
			}
			// The key is what every request needs; the Property Finder secrets too.
			expect(type.properties.find((p) => p.name === 'apiKey')?.required).toBe(true);
			const secret = type.properties.find((p) => p.name === 'apiSecret');
			if (secret) expect(secret.required).toBe(true);
		});

		test('defaults to the production hosts', () => {
			for (const [field, url] of Object.entries(contract.defaults)) {
				expect({ field, default: type.properties.find((p) => p.name === field)?.default }).toEqual({
					field,
					default: url,
				});
			}
		});

		test('has a test request against its own base URL', () => {
			expect(type.test?.request.baseURL).toMatch(/^=\{\{\$credentials\.baseUrl\b/);
			expect(type.test?.request.url).toMatch(/^\//);
			expect(type.test?.rules?.length).toBeGreaterThan(0);
		});
	});
});
