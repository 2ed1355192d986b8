/**
 * Workflow JSON for the benchmark: every workflow is built here so that our node and the HTTP
 * Request node it is compared with get exactly the same input items and differ only in the
 * node that talks to the API.
 */
import { randomUUID } from 'node:crypto';

import type { CredentialRef, WorkflowJson } from '../tooling/n8n/index.cjs';

export const PACKAGE = 'n8n-nodes-property-leads';

/** HTTP Request node version the editor places today in n8n 2.41. */
export const HTTP_REQUEST_VERSION = 4.5;

export interface NodeJson {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, CredentialRef>;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	webhookId?: string;
}

export function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<NodeJson> = {},
): NodeJson {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

/** A workflow whose nodes are connected one after the other. */
export function chain(name: string, nodes: NodeJson[]): WorkflowJson {
	const connections: Record<string, unknown> = {};
	nodes.forEach((entry, index) => {
		entry.position = [index * 240, 0];
		const next = nodes[index + 1];
		if (next) connections[entry.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

export const manualTrigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, {});

/**
 * A Code node that generates `count` distinct leads (`name`, `phone`, `email`, `company`),
 * numbered from `offset` so that no two scenarios share a phone or an e-mail. With `groupSize`
 * it emits one item per group instead, holding the group's leads shaped for ClosingDealz
 * (`leads: [{company, contactPerson, email, phoneNumber}]`): the aggregate step a careful
 * user adds in front of the HTTP Request node to send arrays.
 */
export function leadsCode(
	count: number,
	offset: number,
	groupSize?: number,
	shape: 'plain' | 'closingDealzColumns' | 'fullNameColumn' = 'plain',
): NodeJson {
	// The same leads under spreadsheet headers named after a node's fields, what "Map
	// Automatically" reads without expressions: ClosingDealz's "Contact Person" and "Phone
	// Number", AlterEstate's "Full Name".
	const lead =
		shape === 'closingDealzColumns'
			? "{ company: 'Company ' + k, 'Contact Person': 'Lead ' + k, email: 'lead' + k + '@example.com', 'Phone Number': phoneOf(k) }"
			: shape === 'fullNameColumn'
				? "{ 'Full Name': 'Lead ' + k, phone: phoneOf(k), email: 'lead' + k + '@example.com', company: 'Company ' + k }"
				: "{ name: 'Lead ' + k, phone: phoneOf(k), email: 'lead' + k + '@example.com', company: 'Company ' + k }";
	const jsCode = [
		// A distinct, valid UAE mobile per lead (+971 5x and 7 digits; the prefix changes every
		// ten million leads so the variants' offsets never reuse a number).
		"const phoneOf = (k) => '+971' + ['50', '52', '54', '55', '56', '58'][Math.floor(k / 1e7) % 6] + String(k % 1e7).padStart(7, '0');",
		`const count = ${count};`,
		`const offset = ${offset};`,
		'const leads = [];',
		'for (let i = 0; i < count; i++) {',
		'  const k = offset + i;',
		`  leads.push(${lead});`,
		'}',
		groupSize
			? [
					'const out = [];',
					`for (let i = 0; i < leads.length; i += ${groupSize}) {`,
					`  out.push({ json: { leads: leads.slice(i, i + ${groupSize}).map((l) => ({ company: l.company, contactPerson: l.name, email: l.email, phoneNumber: l.phone })) } });`,
					'}',
					'return out;',
				].join('\n')
			: 'return leads.map((json) => ({ json }));',
	].join('\n');
	return node(groupSize ? 'Leads in groups' : 'Leads', 'n8n-nodes-base.code', 2, { jsCode });
}

export interface Batching {
	/** HTTP Request node option "Items per Batch". */
	size: number;
	/** HTTP Request node option "Batch Interval (ms)". */
	intervalMs: number;
}

/** An HTTP Request node POSTing a JSON body built by an expression, with a Header Auth credential. */
export function httpPost(
	name: string,
	url: string,
	jsonBody: string,
	credential: CredentialRef,
	opts: { batching?: Batching; continueOnFail?: boolean } = {},
): NodeJson {
	const options: Record<string, unknown> = {};
	if (opts.batching) {
		options.batching = {
			batch: { batchSize: opts.batching.size, batchInterval: opts.batching.intervalMs },
		};
	}
	return node(
		name,
		'n8n-nodes-base.httpRequest',
		HTTP_REQUEST_VERSION,
		{
			method: 'POST',
			url,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody,
			options,
		},
		{
			credentials: { httpHeaderAuth: credential },
			...(opts.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	);
}

// ---------------------------------------------------------------------------- our nodes

/** Our ClosingDealz node: the four fields mapped by expressions, or "Map Automatically". */
export function closingDealzNode(credential: CredentialRef, fieldMapping: 'manual' | 'auto' = 'manual'): NodeJson {
	const fields =
		fieldMapping === 'auto'
			? { fieldMapping: 'auto' }
			: {
					additionalFields: {
						company: '={{ $json.company }}',
						contactPerson: '={{ $json.name }}',
						email: '={{ $json.email }}',
						phoneNumber: '={{ $json.phone }}',
					},
				};
	return node(
		'ClosingDealz',
		`${PACKAGE}.closingDealz`,
		1,
		{
			resource: 'lead',
			operation: 'create',
			...fields,
			options: {},
		},
		{ credentials: { closingDealzApi: credential } },
	);
}

export function infinityNode(
	credential: CredentialRef,
	concurrency?: number,
	fieldMapping: 'manual' | 'auto' = 'manual',
): NodeJson {
	const fields =
		fieldMapping === 'auto'
			? { fieldMapping: 'auto' }
			: {
					name: '={{ $json.name }}',
					additionalFields: { phone: '={{ $json.phone }}', email: '={{ $json.email }}' },
				};
	return node(
		'Infinity CRM',
		`${PACKAGE}.infinityCrm`,
		1,
		{
			resource: 'lead',
			operation: 'create',
			...fields,
			options: concurrency ? { concurrency } : {},
		},
		{ credentials: { infinityCrmApi: credential } },
	);
}

export function alterEstateNode(
	credential: CredentialRef,
	concurrency?: number,
	fieldMapping: 'manual' | 'auto' = 'manual',
): NodeJson {
	const fields =
		fieldMapping === 'auto'
			? { fieldMapping: 'auto' }
			: {
					fullName: '={{ $json.name }}',
					phone: '={{ $json.phone }}',
					email: '={{ $json.email }}',
					additionalFields: {},
				};
	return node(
		'AlterEstate',
		`${PACKAGE}.alterEstate`,
		1,
		{
			resource: 'lead',
			operation: 'create',
			...fields,
			options: concurrency ? { concurrency } : {},
		},
		{ credentials: { alterEstateApi: credential } },
	);
}

/** The Property Finder node reading every lead since a date (Lead → Get Many, Return All). */
export function propertyFinderGetAllNode(credential: CredentialRef, sinceIso: string): NodeJson {
	return node(
		'Property Finder',
		`${PACKAGE}.propertyFinder`,
		1,
		{
			resource: 'lead',
			operation: 'getAll',
			returnAll: true,
			filters: { createdAtFrom: sinceIso, orderBy: 'createdAt', orderDirection: 'asc' },
			simplify: true,
		},
		{ credentials: { propertyFinderApi: credential } },
	);
}

/** Poll schedule that never fires during a run: the only poll is the one at activation. */
const NO_SCHEDULED_POLL = { item: [{ mode: 'custom', cronExpression: '0 0 0 1 1 *' }] };

export function pollingTriggerNode(credential: CredentialRef, sinceIso: string): NodeJson {
	return node(
		'Property Finder Polling Trigger',
		`${PACKAGE}.propertyFinderPollingTrigger`,
		1,
		{ pollTimes: NO_SCHEDULED_POLL, filters: {}, simplify: true, options: { since: sinceIso } },
		{ credentials: { propertyFinderApi: credential } },
	);
}

/** Our trigger; version 2 is what the editor adds (version 1: workflows saved before it). */
export function webhookTriggerNode(credential: CredentialRef, version = 2): NodeJson {
	return node(
		'Property Finder Trigger',
		`${PACKAGE}.propertyFinderTrigger`,
		version,
		{ events: ['lead.created'], simplify: true, options: { allowHttpCallback: true } },
		{ credentials: { propertyFinderApi: credential }, webhookId: randomUUID() },
	);
}

/** n8n's own Webhook node, answering as soon as the request arrived (its default). */
export function plainWebhookNode(path: string): NodeJson {
	return node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		{ webhookId: randomUUID() },
	);
}

/** Edit Fields (Set) with the same four mappings our ClosingDealz node is given: n8n's own per-item cost. */
export function editFieldsNode(): NodeJson {
	const field = (name: string, value: string) => ({
		id: randomUUID(),
		name,
		value,
		type: 'string',
	});
	return node('Edit Fields', 'n8n-nodes-base.set', 3.4, {
		assignments: {
			assignments: [
				field('company', '={{ $json.company }}'),
				field('contactPerson', '={{ $json.name }}'),
				field('email', '={{ $json.email }}'),
				field('phoneNumber', '={{ $json.phone }}'),
			],
		},
		options: {},
	});
}

export const noOp = (name = 'Done') => node(name, 'n8n-nodes-base.noOp', 1, {});

// ---------------------------------------------------------------------------- PF baseline

/**
 * Property Finder with the HTTP Request node: a token request, then GET /v1/leads with the
 * node's pagination (page = $pageCount + 1 until `pagination.nextPage` is null), then Split
 * Out to get one item per lead.
 */
export function pfHttpNodes(baseUrl: string, apiKey: string, apiSecret: string, sinceIso: string) {
	const token = node('Get token', 'n8n-nodes-base.httpRequest', HTTP_REQUEST_VERSION, {
		method: 'POST',
		url: `${baseUrl}/v1/auth/token`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: JSON.stringify({ apiKey, apiSecret }),
		options: {},
	});
	const leads = node('Get leads', 'n8n-nodes-base.httpRequest', HTTP_REQUEST_VERSION, {
		method: 'GET',
		url: `${baseUrl}/v1/leads`,
		sendQuery: true,
		queryParameters: {
			parameters: [
				{ name: 'perPage', value: '50' },
				{ name: 'orderBy', value: 'createdAt' },
				{ name: 'orderDirection', value: 'asc' },
				{ name: 'createdAtFrom', value: sinceIso },
			],
		},
		sendHeaders: true,
		headerParameters: {
			parameters: [
				{ name: 'Authorization', value: "=Bearer {{ $('Get token').item.json.accessToken }}" },
				{ name: 'User-Agent', value: 'n8n-http-request' },
			],
		},
		options: {
			pagination: {
				pagination: {
					paginationMode: 'updateAParameterInEachRequest',
					parameters: {
						parameters: [{ type: 'qs', name: 'page', value: '={{ $pageCount + 1 }}' }],
					},
					paginationCompleteWhen: 'other',
					completeExpression: '={{ $response.body.pagination.nextPage === null }}',
				},
			},
		},
	});
	const split = node('Split Out', 'n8n-nodes-base.splitOut', 1, {
		fieldToSplitOut: 'data',
		options: {},
	});
	return [token, leads, split];
}
