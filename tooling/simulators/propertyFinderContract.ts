/**
 * Property Finder's Enterprise API description (spec/property-finder-enterprise-openapi.json,
 * OpenAPI 3.1) as the contract of the Property Finder simulator and its webhook driver:
 * requests it receives are refused with a 400 problem the way the API does when the document
 * does not allow them, and every answer and delivery it sends must match the document
 * (closed-world: nothing the document does not declare).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Contract, SimRequest, SimResponse } from './framework';
import type { Erratum, JsonSchema, RequestVerdict } from './openapi';
import { OpenApiContract, closeWorld } from './openapi';

export const PF_SPEC_PATH = join(__dirname, 'spec', 'property-finder-enterprise-openapi.json');

/** Where the document says something the API cannot mean; applied to a copy, reasons kept. */
export const PF_ERRATA: Erratum[] = [
	{
		where: '#/components/schemas/User/required',
		why: '"agent" is required but is not a property of User (the profile is `publicProfile`); no client could ever see it.',
		apply(doc) {
			const user = (doc.components as Record<string, Record<string, Record<string, unknown>>>).schemas.User;
			user.required = (user.required as string[]).filter((name) => name !== 'agent');
		},
	},
];

let shared: OpenApiContract | undefined;

/** The parsed document (one per test file: compiling schemas is the slow part). */
export function pfOpenApi(): OpenApiContract {
	shared ??= new OpenApiContract(JSON.parse(readFileSync(PF_SPEC_PATH, 'utf8')), PF_ERRATA);
	return shared;
}

const problemSchemas = new Map<'v1' | 'v2', JsonSchema>();

/**
 * The problem body an error answer must be: the document's `Error`; with the request header
 * `X-PF-Error-Format: problem-json-v2` (API-NOTES §2, from Property Finder's error guide, not in
 * the document) the v2 format, which adds `code`, `status` and `attributes.trace_id`.
 */
export function pfProblemSchema(v2: boolean): JsonSchema {
	const key = v2 ? 'v2' : 'v1';
	let schema = problemSchemas.get(key);
	if (!schema) {
		const base = pfOpenApi().component('Error', false);
		schema = closeWorld(
			v2
				? {
						allOf: [
							base,
							{
								type: 'object',
								required: ['type', 'code', 'title', 'detail', 'status', 'attributes', 'errors'],
								properties: {
									code: { type: 'string' },
									status: { type: 'integer', minimum: 400, maximum: 599 },
									attributes: { type: 'object', required: ['trace_id'], properties: { trace_id: { type: 'string' } } },
								},
							},
						],
					}
				: { allOf: [base, { type: 'object', required: ['type', 'title'] }] },
		) as JsonSchema;
		problemSchemas.set(key, schema);
	}
	return schema;
}

export function wantsProblemV2(req: Pick<SimRequest, 'headers'>): boolean {
	return (req.headers['x-pf-error-format'] ?? '').toLowerCase() === 'problem-json-v2';
}

function contentTypeOf(res: SimResponse): string | undefined {
	const header = Object.entries(res.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
	if (header) return header;
	if (res.raw !== undefined) return 'text/html';
	return res.body === undefined ? undefined : 'application/json';
}

/** Whether Property Finder would accept this request (path, method, query, body). */
export function checkPfRequest(req: SimRequest): RequestVerdict {
	return pfOpenApi().checkRequest(req);
}

/**
 * Errors (≥ 400) must be problem documents whatever their status: the document lists only
 * some statuses per operation, while the API also answers 404 (unknown subscription) and 409
 * (subscription exists; API-NOTES §2).
 */
export const pfContract: Contract = {
	checkResponse(req, res) {
		const api = pfOpenApi();
		const { operation } = api.match(req.method, req.path);
		const where = `${req.method} ${req.path} → ${res.status}`;
		const body = res.raw !== undefined ? res.raw : res.body;
		if (res.status >= 400) {
			const type = (contentTypeOf(res) ?? '').split(';')[0].trim();
			if (type !== 'application/problem+json') return [`${where}: an error must be application/problem+json, got "${type}"`];
			const validate = api.validator(pfProblemSchema(wantsProblemV2(req)));
			if (validate(body)) return [];
			return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`);
		}
		if (!operation) return [`${where}: no operation in the API description`];
		return api.checkResponse(operation, res.status, contentTypeOf(res), body);
	},
	unrouted(req) {
		return [`${req.method} ${req.path}: the simulator has no route for it (add one, or the request is wrong)`];
	},
};

/** What is wrong with a webhook delivery (none: it is exactly what the document describes). */
export function checkPfDelivery(event: unknown): string[] {
	const type = event && typeof event === 'object' ? (event as { type?: unknown }).type : undefined;
	if (typeof type !== 'string') return ['a delivery must have a string "type"'];
	return pfOpenApi().checkWebhook(type, event);
}
