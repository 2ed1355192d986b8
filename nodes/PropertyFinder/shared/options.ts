import type { INodeProperties } from 'n8n-workflow';

/**
 * The request timeout of the Enterprise API operations: unlike the shared one it names
 * Property Finder and accepts any positive number of milliseconds.
 */
export const requestTimeoutOption: INodeProperties = {
	displayName: 'Timeout (Ms)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30000,
	description: 'How long to wait for each answer from Property Finder before giving up on a request',
};
