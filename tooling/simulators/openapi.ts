/**
 * The OpenAPI glue that lets a simulator hold itself to an API's published contract: it finds
 * the operation for a request (path templates), reads query parameters the OpenAPI way
 * (style form, explode true — `channel=call&channel=email`), resolves `$ref`s to components,
 * and hands the schemas to Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) to validate:
 *
 * - requests the simulator receives, as the server would: an undeclared path, method or query
 *   parameter, a value of the wrong type or outside its enum, a body that does not match —
 *   each is refused;
 * - responses and webhook deliveries the simulator sends, **closed-world**: every object that
 *   declares `properties` may hold only those (`unevaluatedProperties: false` is added where
 *   the document leaves it open), so a simulator can never answer with more than the document
 *   promises a client.
 *
 * Departures from a literal reading of the document are listed in `ERRATA` (each with its
 * reason) and in the simulators' README; the document itself is kept byte-for-byte.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type JsonSchema = Record<string, unknown>;
type Doc = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

export interface QueryParameter {
	name: string;
	required: boolean;
	schema: JsonSchema;
}

export interface Operation {
	method: string;
	/** The path template, e.g. `/v1/webhooks/{eventId}`. */
	template: string;
	operationId: string;
	query: Map<string, QueryParameter>;
	pathParameters: Map<string, JsonSchema>;
	requestBody?: { required: boolean; content: Record<string, JsonSchema | undefined> };
	responses: Record<string, { content?: Record<string, JsonSchema | undefined> }>;
}

export interface RequestLike {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	headers: Record<string, string>;
	body: unknown;
	bodyError: boolean;
	rawBody: string;
}

export type RequestVerdict =
	| { ok: true; operation: Operation }
	| { ok: false; operation?: Operation; status: 400 | 404 | 405; errors: Array<{ pointer: string; detail: string }> };

/** An edit of a copy of the document, with the reason it is needed. */
export interface Erratum {
	where: string;
	why: string;
	apply(doc: Doc): void;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON pointer (`#/components/schemas/Lead`) into the document. */
export function resolvePointer(doc: unknown, ref: string): unknown {
	if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
	let node: unknown = doc;
	for (const raw of ref.slice(2).split('/')) {
		const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
		if (!isObject(node) && !Array.isArray(node)) throw new Error(`Unresolvable $ref ${ref}`);
		node = (node as Record<string, unknown>)[key];
		if (node === undefined) throw new Error(`Unresolvable $ref ${ref}`);
	}
	return node;
}

/**
 * Inline every `$ref` (a `$ref` with sibling keywords becomes an `allOf` of the target and the
 * siblings, which is what 2020-12 means by it). A reference back into a schema being inlined
 * (a recursive schema) is replaced by `{}` — none of the operations the simulators serve uses
 * one. `nullable: true` (OpenAPI 3.0, still used by this 3.1 document) becomes `null` in `type`
 * (and in `enum`), and per-schema `$schema` declarations are dropped: the document's dialect is
 * 2020-12 throughout.
 */
export function inline(doc: unknown, node: unknown, stack: string[] = []): unknown {
	if (Array.isArray(node)) return node.map((entry) => inline(doc, entry, stack));
	if (!isObject(node)) return node;
	if (typeof node.$ref === 'string') {
		const ref = node.$ref;
		const siblings = Object.fromEntries(Object.entries(node).filter(([key]) => key !== '$ref'));
		const target = stack.includes(ref) ? {} : inline(doc, resolvePointer(doc, ref), [...stack, ref]);
		if (Object.keys(siblings).length === 0) return target;
		return inline(doc, { allOf: [target], ...siblings }, stack);
	}
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) {
		if (key === '$schema' || key === 'nullable') continue;
		// `properties` maps names to schemas: a property named like a keyword is still a schema.
		out[key] = key === 'properties' || key === '$defs' ? mapValues(value, (entry) => inline(doc, entry, stack)) : inline(doc, value, stack);
	}
	if (node.nullable === true) {
		if (typeof out.type === 'string') out.type = [out.type, 'null'];
		else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
		if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
		if (out.type === undefined) return { anyOf: [{ type: 'null' }, out] };
	}
	return out;
}

function mapValues(value: unknown, map: (entry: unknown) => unknown): unknown {
	if (!isObject(value)) return value;
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, map(entry)]));
}

/**
 * Close an inlined schema for what a server sends: an object schema that lists `properties`
 * (itself or through `allOf`/`anyOf`/`oneOf`) admits no other property. The keyword goes on the
 * outermost schema of a composition only — `unevaluatedProperties` sees through the
 * composition, a branch alone would refuse its siblings' properties.
 */
export function closeWorld(node: unknown, isBranch = false): unknown {
	if (Array.isArray(node)) return node.map((entry) => closeWorld(entry));
	if (!isObject(node)) return node;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) {
		if (key === 'properties' || key === 'patternProperties' || key === '$defs') {
			out[key] = mapValues(value, (entry) => closeWorld(entry));
		} else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
			out[key] = Array.isArray(value) ? value.map((entry) => closeWorld(entry, true)) : value;
		} else if (key === 'enum' || key === 'const' || key === 'example' || key === 'examples' || key === 'default' || key === 'required') {
			out[key] = value;
		} else {
			out[key] = closeWorld(value);
		}
	}
	const open = out.additionalProperties === undefined && out.unevaluatedProperties === undefined && out.patternProperties === undefined;
	if (!isBranch && open && declaresProperties(out)) out.unevaluatedProperties = false;
	return out;
}

function declaresProperties(node: Record<string, unknown>): boolean {
	if (isObject(node.properties)) return true;
	for (const key of ['allOf', 'anyOf', 'oneOf']) {
		const branches = node[key];
		if (Array.isArray(branches) && branches.some((branch) => isObject(branch) && declaresProperties(branch))) return true;
	}
	return false;
}

/** Turn a query value into the type its schema asks for; leave it as text when it is not one. */
function coerce(value: string, schema: JsonSchema): unknown {
	const types = new Set<string>(
		([] as unknown[]).concat(schema.type ?? [], ...((schema.allOf as JsonSchema[] | undefined) ?? []).map((s) => s.type ?? [])) as string[],
	);
	if ((types.has('integer') && /^-?\d+$/.test(value)) || (types.has('number') && /^-?\d+(\.\d+)?$/.test(value))) return Number(value);
	if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true';
	return value;
}

function isArraySchema(schema: JsonSchema): boolean {
	return schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));
}

function message(errors: ErrorObject[] | null | undefined, prefix: string): Array<{ pointer: string; detail: string }> {
	return (errors ?? []).map((error) => {
		const extra =
			error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties'
				? ` (${String((error.params as { unevaluatedProperty?: string; additionalProperty?: string }).unevaluatedProperty ?? (error.params as { additionalProperty?: string }).additionalProperty)})`
				: error.keyword === 'enum'
					? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
					: '';
		return { pointer: `${prefix}${error.instancePath}`, detail: `${error.message ?? error.keyword}${extra}` };
	});
}

export class OpenApiContract {
	readonly operations: Operation[] = [];

	private readonly doc: Doc;

	private readonly ajv: Ajv2020;

	private readonly compiled = new WeakMap<object, ValidateFunction>();

	private readonly matchers: Array<{ operation: Operation; pattern: RegExp; keys: string[] }> = [];

	constructor(document: unknown, readonly errata: Erratum[] = []) {
		this.doc = JSON.parse(JSON.stringify(document)) as Doc;
		for (const erratum of errata) erratum.apply(this.doc);
		this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
		addFormats(this.ajv);
		// OpenAPI's own formats (and the document's `format: "string"`): annotations, no check
		// beyond the type; integer ranges are the JSON-Schema bounds, where the document gives them.
		for (const format of ['int32', 'int64', 'float', 'double', 'string', '']) this.ajv.addFormat(format, true);
		this.ajv.addKeyword('example');
		this.ajv.addKeyword('xml');
		this.ajv.addKeyword('externalDocs');
		this.ajv.addKeyword('discriminator');
		for (const [template, item] of Object.entries(this.doc.paths)) {
			const shared = (item.parameters as unknown[] | undefined) ?? [];
			for (const method of HTTP_METHODS) {
				const raw = item[method];
				if (!isObject(raw)) continue;
				this.add(template, method, raw, shared);
			}
		}
	}

	private parameter(raw: unknown): { name: string; in: string; required: boolean; schema: JsonSchema } {
		let param = raw as Record<string, unknown>;
		if (typeof param.$ref === 'string') {
			// A Reference Object may only add summary/description in OpenAPI 3.1; this document also
			// narrows schemas that way (perPage max 50 on GET /v1/leads). The narrowing is what the
			// endpoint does (the leads guide says 50), so it is applied: the sibling schema is
			// combined with the referenced one.
			const { $ref, schema: narrowing, ...rest } = param;
			const target = resolvePointer(this.doc, $ref as string) as Record<string, unknown>;
			param = { ...target, ...rest };
			if (isObject(narrowing)) param.schema = { allOf: [target.schema ?? {}, narrowing] };
		}
		return {
			name: String(param.name),
			in: String(param.in),
			required: param.required === true || param.in === 'path',
			schema: inline(this.doc, param.schema ?? {}) as JsonSchema,
		};
	}

	private add(template: string, method: string, raw: Record<string, unknown>, shared: unknown[]) {
		const query = new Map<string, QueryParameter>();
		const pathParameters = new Map<string, JsonSchema>();
		for (const entry of [...shared, ...((raw.parameters as unknown[] | undefined) ?? [])]) {
			const param = this.parameter(entry);
			if (param.in === 'query') query.set(param.name, { name: param.name, required: param.required, schema: param.schema });
			if (param.in === 'path') pathParameters.set(param.name, param.schema);
		}
		let requestBody: Operation['requestBody'];
		if (raw.requestBody !== undefined) {
			const body = inline(this.doc, raw.requestBody) as { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
			requestBody = {
				required: body.required === true,
				content: Object.fromEntries(Object.entries(body.content ?? {}).map(([type, media]) => [type, media.schema])),
			};
		}
		const responses: Operation['responses'] = {};
		for (const [status, response] of Object.entries((raw.responses as Record<string, unknown>) ?? {})) {
			const resolved = inline(this.doc, response) as { content?: Record<string, { schema?: JsonSchema }> };
			responses[status] = {
				content: resolved.content
					? Object.fromEntries(
							Object.entries(resolved.content).map(([type, media]) => [type, media.schema ? (closeWorld(media.schema) as JsonSchema) : undefined]),
						)
					: undefined,
			};
		}
		const operation: Operation = {
			method: method.toUpperCase(),
			template,
			operationId: String(raw.operationId ?? `${method} ${template}`),
			query,
			pathParameters,
			requestBody,
			responses,
		};
		this.operations.push(operation);
		const keys: string[] = [];
		const pattern = new RegExp(
			'^' +
				template
					.split(/(\{[^}]+\})/)
					.map((part) => {
						const match = /^\{([^}]+)\}$/.exec(part);
						if (!match) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
						keys.push(match[1]);
						return '([^/]+)';
					})
					.join('') +
				'$',
		);
		this.matchers.push({ operation, pattern, keys });
	}

	/** The operation for a method and path, and the path parameters it names. */
	match(method: string, path: string): { operation?: Operation; params: Record<string, string>; pathKnown: boolean } {
		// Literal templates win over templated ones (`/v1/listing-verifications/eligibility-check`
		// before `/v1/listing-verifications/{submissionId}`…).
		const candidates = this.matchers
			.map((matcher) => ({ matcher, found: matcher.pattern.exec(path) }))
			.filter((entry) => entry.found)
			.sort((a, b) => a.matcher.keys.length - b.matcher.keys.length);
		const hit = candidates.find((entry) => entry.matcher.operation.method === method.toUpperCase());
		if (!hit) return { params: {}, pathKnown: candidates.length > 0 };
		const params: Record<string, string> = {};
		hit.matcher.keys.forEach((key, index) => (params[key] = decodeURIComponent(hit.found![index + 1])));
		return { operation: hit.matcher.operation, params, pathKnown: true };
	}

	validator(schema: JsonSchema): ValidateFunction {
		let validate = this.compiled.get(schema);
		if (!validate) {
			validate = this.ajv.compile(schema);
			this.compiled.set(schema, validate);
		}
		return validate;
	}

	/** Whether the server would accept this request; the problems, as JSON pointers, when not. */
	checkRequest(req: RequestLike): RequestVerdict {
		const { operation, params, pathKnown } = this.match(req.method, req.path);
		if (!operation) {
			return {
				ok: false,
				status: pathKnown ? 405 : 404,
				errors: [{ pointer: req.path, detail: pathKnown ? `${req.method} is not defined for ${req.path}` : `No operation for ${req.path}` }],
			};
		}
		const errors: Array<{ pointer: string; detail: string }> = [];
		for (const [name, schema] of operation.pathParameters) {
			const value = coerce(params[name] ?? '', schema);
			const validate = this.validator(schema);
			if (!validate(value)) errors.push(...message(validate.errors, `/${name}`));
		}
		for (const name of Object.keys(req.query)) {
			if (!operation.query.has(name)) errors.push({ pointer: `/${name}`, detail: `Unknown query parameter "${name}"` });
		}
		for (const param of operation.query.values()) {
			const raw = req.query[param.name];
			if (raw === undefined) {
				if (param.required) errors.push({ pointer: `/${param.name}`, detail: `${param.name} is required` });
				continue;
			}
			const values = Array.isArray(raw) ? raw : [raw];
			let value: unknown;
			if (isArraySchema(param.schema)) {
				const items = (param.schema.items as JsonSchema | undefined) ?? {};
				value = values.map((entry) => coerce(entry, items));
			} else if (values.length > 1) {
				errors.push({ pointer: `/${param.name}`, detail: `${param.name} takes one value, got ${values.length}` });
				continue;
			} else {
				value = coerce(values[0], param.schema);
			}
			const validate = this.validator(param.schema);
			if (!validate(value)) errors.push(...message(validate.errors, `/${param.name}`));
		}
		if (operation.requestBody) {
			const empty = req.rawBody.trim() === '';
			const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
			if (empty) {
				if (operation.requestBody.required || Object.keys(operation.requestBody.content).length > 0) {
					errors.push({ pointer: '/', detail: 'A request body is required' });
				}
			} else if (!(type in operation.requestBody.content)) {
				errors.push({ pointer: '/', detail: `Content-Type "${type}" is not one of ${Object.keys(operation.requestBody.content).join(', ')}` });
			} else if (req.bodyError) {
				errors.push({ pointer: '/', detail: 'The body is not valid JSON' });
			} else {
				const schema = operation.requestBody.content[type];
				if (schema) {
					const validate = this.validator(schema);
					if (!validate(req.body)) errors.push(...message(validate.errors, ''));
				}
			}
		} else if (req.rawBody.trim() !== '') {
			errors.push({ pointer: '/', detail: `${operation.method} ${operation.template} takes no body` });
		}
		return errors.length === 0 ? { ok: true, operation } : { ok: false, operation, status: 400, errors };
	}

	/**
	 * What is wrong with a response (none: it matches). A status the operation does not declare is
	 * wrong unless it is an error (≥ 400) and `undeclaredError` is given: the schema such an
	 * answer must match instead (the API's problem format).
	 */
	checkResponse(
		operation: Operation,
		status: number,
		contentType: string | undefined,
		body: unknown,
		undeclaredError?: JsonSchema,
	): string[] {
		const where = `${operation.method} ${operation.template} → ${status}`;
		const declared = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
		let content = declared?.content;
		if (!declared) {
			if (status < 400 || !undeclaredError) return [`${where}: status ${status} is not declared in the API description`];
			content = { 'application/problem+json': undeclaredError, 'application/json': undeclaredError };
		}
		if (!content || Object.keys(content).length === 0) {
			return body === undefined ? [] : [`${where}: the API description declares no body, the simulator sent one`];
		}
		const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
		if (!(type in content)) return [`${where}: Content-Type "${type}" is not one of ${Object.keys(content).join(', ')}`];
		const schema = content[type];
		if (!schema) return [];
		const validate = this.validator(schema);
		if (validate(body)) return [];
		return message(validate.errors, '').map((error) => `${where}: ${error.pointer || '/'} ${error.detail}`);
	}

	/** The closed-world schema of a webhook's request body (`webhooks.<name>.post`). */
	webhookSchema(name: string): JsonSchema | undefined {
		const webhooks = (this.doc.webhooks ?? {}) as Record<string, Record<string, unknown>>;
		const post = webhooks[name]?.post as { requestBody?: unknown } | undefined;
		if (!post?.requestBody) return undefined;
		const body = inline(this.doc, post.requestBody) as { content?: Record<string, { schema?: JsonSchema }> };
		const schema = body.content?.['application/json']?.schema;
		return schema ? (closeWorld(schema) as JsonSchema) : undefined;
	}

	private readonly webhookValidators = new Map<string, ValidateFunction | undefined>();

	/** What is wrong with a delivery of webhook `name` (none: it matches the document). */
	checkWebhook(name: string, body: unknown): string[] {
		if (!this.webhookValidators.has(name)) {
			const schema = this.webhookSchema(name);
			this.webhookValidators.set(name, schema ? this.ajv.compile(schema) : undefined);
		}
		const validate = this.webhookValidators.get(name);
		if (!validate) return [`webhook "${name}" is not declared in the API description`];
		if (validate(body)) return [];
		return message(validate.errors, '').map((error) => `webhook ${name}: ${error.pointer || '/'} ${error.detail}`);
	}

	/** A component schema, inlined and (for what a server sends) closed. */
	component(name: string, closed = true): JsonSchema {
		const schema = inline(this.doc, { $ref: `#/components/schemas/${name}` }) as JsonSchema;
		return closed ? (closeWorld(schema) as JsonSchema) : schema;
	}
}
