/**
 * A small framework for API simulators: real HTTP servers on 127.0.0.1 (random port by
 * default) with routing, an in-memory state owned by each simulator, a request log tests can
 * assert on, a fixed latency, and switchable faults — one-shot queues for exact scenarios and
 * seeded random rates for fault-injection runs.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Query = Record<string, string | string[]>;

export interface SimRequest {
	method: string;
	path: string;
	query: Query;
	/** Lower-cased header names. */
	headers: Record<string, string>;
	rawBody: string;
	/** Parsed JSON body; undefined when empty; `bodyError` when it was not JSON. */
	body: unknown;
	bodyError: boolean;
	params: Record<string, string>;
}

export interface SimResponse {
	status: number;
	/** Serialised as JSON unless `raw` is given. */
	body?: unknown;
	raw?: string;
	headers?: Record<string, string>;
	/**
	 * Marks a deliberately wrong answer (a garbled body, a firewall page, a bare 5xx…) that the
	 * contract does not judge. Only fault injection sets it.
	 */
	injectedFault?: string;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/**
 * A simulator's published contract. Each answer the simulator sends (but for faults injected on
 * purpose) is checked against it; what does not match is recorded in `violations`, which fail
 * the test that caused them (jest `afterEach`, test/harness/contracts.ts) and make `stop()`
 * throw — a simulator cannot drift from its API description unnoticed.
 */
export interface Contract {
	/** What is wrong with this answer to this request (empty: nothing). */
	checkResponse(req: SimRequest, res: SimResponse): string[];
	/** A request to a path/method the simulator has no route for (the contract decides what that means). */
	unrouted?(req: SimRequest): string[];
}

/** Simulators started and not yet stopped, for the jest hook that reports contract violations. */
export const liveSimulators = new Set<Simulator>();

export type Fault =
	/**
	 * Answer with this status (429, 500, 503…). By default without acting on the request;
	 * `acted: true` carries it out first (a proxy answering 503 after the server created the
	 * record).
	 */
	| { kind: 'status'; status: number; body?: unknown; retryAfter?: string; acted?: boolean }
	/** Answer late (the request is handled normally). */
	| { kind: 'slow'; delayMs: number }
	/** Never answer; `acted` decides whether the request was carried out first. */
	| { kind: 'hang'; acted?: boolean }
	/** Drop the connection; `acted` as above. */
	| { kind: 'reset'; acted?: boolean }
	/** Act, then answer 2xx with a body that is not JSON. */
	| { kind: 'malformed'; acted?: boolean }
	/** Answer with an HTML page, as a firewall or proxy does. */
	| { kind: 'html'; status?: number };

export interface FaultRule {
	fault: Fault;
	/** How many requests it applies to (default 1). */
	times?: number;
	match?: (req: SimRequest) => boolean;
}

export interface FaultRates {
	/** Probabilities per request, each 0..1. */
	rateLimited?: number;
	serverError?: number;
	unavailable?: number;
	/** 503 without Retry-After after the request was carried out (stored, then 503). */
	unavailableAfterActing?: number;
	timeout?: number;
	reset?: number;
	malformed?: number;
	/** Only requests matching this are eligible. */
	match?: (req: SimRequest) => boolean;
	/** For hang/reset/malformed: chance the request was carried out before it failed. */
	actedRatio?: number;
	retryAfter?: string;
}

/**
 * A server that can only take so much: beyond `maxInFlight` requests being handled at once, or
 * beyond `perSecond` accepted requests in the last second, a request is refused at once with
 * `status` (503 by default, or 429) and not acted on, as a load-shedding server or gateway does.
 */
export interface Capacity {
	maxInFlight?: number;
	perSecond?: number;
	status?: 429 | 503;
	/** Retry-After header sent with a refusal. */
	retryAfter?: string;
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: Query;
	headers: Record<string, string>;
	body: unknown;
	rawBody: string;
	status: number | 'hang' | 'reset';
	fault?: Fault['kind'] | 'capacity';
	at: number;
}

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
}

/** Mulberry32: a tiny seeded PRNG so fault runs can be repeated. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function parseQuery(search: URLSearchParams): Query {
	const query: Query = {};
	for (const key of new Set(search.keys())) {
		const values = search.getAll(key);
		query[key] = values.length > 1 || key.endsWith('[]') ? values : values[0];
	}
	return query;
}

export function sleep(ms: number) {
	return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

const ECHOED_HEADERS = ['authorization', 'x-api-key', 'aetoken'];
const MESSAGE_FIELDS = ['message', 'error', 'detail', 'error_description'];

/** The answer with the credentials of the request echoed into it (see `echoSecrets`). */
function echo(response: SimResponse, headers: Record<string, string>, rawBody: string): SimResponse {
	const received: Record<string, string> = {};
	for (const name of ECHOED_HEADERS) if (headers[name]) received[name] = headers[name];
	// A token request carries the key and secret in its body (Property Finder's token endpoint).
	if (/apiKey|apiSecret/.test(rawBody)) received.body = rawBody;
	const quoted = Object.entries(received)
		.map(([name, value]) => `${name}=${value}`)
		.join(' ');
	const body = response.body;
	if (!quoted || !body || typeof body !== 'object' || Array.isArray(body)) return response;
	const echoed: Record<string, unknown> = { ...(body as Record<string, unknown>), received };
	// Echoed in every spelling a real API has been seen to use: as sent, URL-encoded, upper case.
	echoed.receivedEncoded = encodeURIComponent(quoted);
	echoed.receivedUpper = quoted.toUpperCase();
	for (const field of MESSAGE_FIELDS) {
		if (typeof echoed[field] === 'string') echoed[field] = `${echoed[field] as string} (request had ${quoted})`;
	}
	return { ...response, body: echoed };
}

export class Simulator {
	readonly requests: LoggedRequest[] = [];

	/** Added before every answer (ms). */
	latencyMs = 0;

	/**
	 * An API that echoes what it was sent: every JSON object answer carries the credential
	 * headers it received (`received`), and its message (`message`, `error`, `detail`,
	 * `error_description`) quotes them. Off by default: real APIs should not do this, but some
	 * do, and nothing they echo may reach an output, an error or a log.
	 */
	echoSecrets = false;

	/** Requests being handled right now, and the most seen at once. */
	inFlight = 0;

	peakInFlight = 0;

	/** Capacity mode (see Capacity); undefined: no limit. */
	capacity?: Capacity;

	/** Requests refused by the capacity mode since the last resetLog(). */
	refused = 0;

	/** Peak of requests being handled (not refused) at once. */
	peakAccepted = 0;

	private accepted = 0;

	private readonly acceptedAt: number[] = [];

	private readonly routes: Route[] = [];

	private readonly queue: FaultRule[] = [];

	private rates?: FaultRates;

	private random: () => number = Math.random;

	private server?: http.Server;

	private readonly sockets = new Set<import('node:net').Socket>();

	private hanging: Array<() => void> = [];

	/** The API description answers are checked against (see `Contract`). */
	contract?: Contract;

	/** Contract violations not yet reported. */
	readonly violations: string[] = [];

	/** Take the violations recorded so far (they count as reported). */
	drainViolations(): string[] {
		return this.violations.splice(0, this.violations.length);
	}

	constructor(readonly name: string) {}

	route(method: string, path: string, handler: Handler) {
		const keys: string[] = [];
		const pattern = new RegExp(
			'^' +
				path.replace(/\/:(\w+)/g, (_, key: string) => {
					keys.push(key);
					return '/([^/]+)';
				}) +
				'/?$',
		);
		this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
		return this;
	}

	/** Queue a fault for the next matching request(s). */
	fault(fault: Fault, options: { times?: number; match?: (req: SimRequest) => boolean } = {}) {
		this.queue.push({ fault, times: options.times ?? 1, match: options.match });
		return this;
	}

	/** Inject faults at random with the given rates (seeded); `undefined` switches them off. */
	faultRates(rates: FaultRates | undefined, seed = 42) {
		this.rates = rates;
		this.random = seededRandom(seed);
		return this;
	}

	clearFaults() {
		this.queue.length = 0;
		this.rates = undefined;
	}

	resetLog() {
		this.requests.length = 0;
		this.peakInFlight = 0;
		this.refused = 0;
		this.peakAccepted = 0;
		this.acceptedAt.length = 0;
	}

	/** Switch the capacity mode on (or off with undefined). */
	limitCapacity(capacity: Capacity | undefined) {
		this.capacity = capacity;
		this.acceptedAt.length = 0;
		return this;
	}

	/** True when the capacity mode refuses this request; otherwise it is counted as accepted. */
	private overCapacity(): boolean {
		const capacity = this.capacity;
		if (!capacity) return false;
		const now = Date.now();
		while (this.acceptedAt.length > 0 && this.acceptedAt[0] <= now - 1000) this.acceptedAt.shift();
		const full =
			(capacity.maxInFlight !== undefined && this.accepted >= capacity.maxInFlight) ||
			(capacity.perSecond !== undefined && this.acceptedAt.length >= capacity.perSecond);
		if (!full) this.acceptedAt.push(now);
		return full;
	}

	get url(): string {
		const address = this.server?.address() as AddressInfo | undefined;
		if (!address) throw new Error(`${this.name} simulator is not running`);
		return `http://127.0.0.1:${address.port}`;
	}

	async start(port = 0): Promise<string> {
		this.server = http.createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		liveSimulators.add(this);
		return this.url;
	}

	async stop(): Promise<void> {
		for (const release of this.hanging) release();
		this.hanging = [];
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
		this.server = undefined;
		liveSimulators.delete(this);
		const violations = this.drainViolations();
		if (violations.length > 0) {
			throw new Error(`${this.name} simulator broke its API description:\n- ${violations.join('\n- ')}`);
		}
	}

	/** Requests whose path matches, for assertions. */
	calls(method: string, path: string | RegExp): LoggedRequest[] {
		return this.requests.filter(
			(request) =>
				request.method === method.toUpperCase() &&
				(typeof path === 'string' ? request.path === path : path.test(request.path)),
		);
	}

	private pickFault(req: SimRequest): Fault | undefined {
		const index = this.queue.findIndex((rule) => !rule.match || rule.match(req));
		if (index >= 0) {
			const rule = this.queue[index];
			rule.times = (rule.times ?? 1) - 1;
			if (rule.times <= 0) this.queue.splice(index, 1);
			return rule.fault;
		}
		const rates = this.rates;
		if (!rates || (rates.match && !rates.match(req))) return undefined;
		const acted = () => this.random() < (rates.actedRatio ?? 0.5);
		let roll = this.random();
		const pick: Array<[number | undefined, () => Fault]> = [
			[rates.rateLimited, () => ({ kind: 'status', status: 429, retryAfter: rates.retryAfter })],
			[rates.unavailable, () => ({ kind: 'status', status: 503 })],
			[rates.unavailableAfterActing, () => ({ kind: 'status', status: 503, acted: true })],
			[rates.serverError, () => ({ kind: 'status', status: 500 })],
			[rates.timeout, () => ({ kind: 'hang', acted: acted() })],
			[rates.reset, () => ({ kind: 'reset', acted: acted() })],
			[rates.malformed, () => ({ kind: 'malformed', acted: acted() })],
		];
		for (const [rate, make] of pick) {
			if (!rate) continue;
			if (roll < rate) return make();
			roll -= rate;
		}
		return undefined;
	}

	private async dispatch(req: SimRequest): Promise<SimResponse> {
		for (const route of this.routes) {
			if (route.method !== req.method) continue;
			const match = route.pattern.exec(req.path);
			if (!match) continue;
			route.keys.forEach((key, i) => (req.params[key] = decodeURIComponent(match[i + 1])));
			return await route.handler(req);
		}
		if (this.contract?.unrouted) this.violations.push(...this.contract.unrouted(req));
		return { status: 404, body: { error: `No route ${req.method} ${req.path}` }, injectedFault: 'no route' };
	}

	private async handle(incoming: http.IncomingMessage, res: http.ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of incoming) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
		let body: unknown;
		let bodyError = false;
		if (rawBody.trim() !== '') {
			try {
				body = JSON.parse(rawBody);
			} catch {
				bodyError = true;
			}
		}
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(incoming.headers)) {
			headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value ?? '');
		}
		const req: SimRequest = {
			method: (incoming.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			query: parseQuery(url.searchParams),
			headers,
			rawBody,
			body,
			bodyError,
			params: {},
		};
		const log: LoggedRequest = {
			method: req.method,
			path: req.path,
			query: req.query,
			headers,
			body,
			rawBody,
			status: 0,
			at: Date.now(),
		};
		this.requests.push(log);
		this.inFlight++;
		this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
		res.on('close', () => this.inFlight--);

		if (this.overCapacity()) {
			const status = this.capacity?.status ?? 503;
			this.refused++;
			log.fault = 'capacity';
			log.status = status;
			res.writeHead(status, {
				'Content-Type': 'application/json',
				...(this.capacity?.retryAfter !== undefined ? { 'Retry-After': this.capacity.retryAfter } : {}),
			});
			res.end(JSON.stringify({ error: http.STATUS_CODES[status] }));
			return;
		}
		if (this.capacity) {
			this.accepted++;
			this.peakAccepted = Math.max(this.peakAccepted, this.accepted);
			res.on('close', () => this.accepted--);
		}

		if (this.latencyMs > 0) await sleep(this.latencyMs);
		const fault = this.pickFault(req);
		log.fault = fault?.kind;

		const send = (response: SimResponse, injected?: string) => {
			// Echoing what the client sent is a fault injected on purpose (an API that leaks keys).
			if (this.echoSecrets) {
				response = echo(response, headers, rawBody);
				injected ??= 'echoSecrets';
			}
			log.status = response.status;
			if (this.contract && !injected && !response.injectedFault) {
				this.violations.push(...this.contract.checkResponse(req, response));
			}
			const payload = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
			const contentType = response.raw !== undefined ? 'text/html; charset=utf-8' : 'application/json';
			res.writeHead(response.status, {
				...(payload ? { 'Content-Type': contentType } : {}),
				...response.headers,
			});
			res.end(payload);
		};

		switch (fault?.kind) {
			case 'status':
				if (fault.acted) await this.dispatch(req);
				send({
					status: fault.status,
					body: fault.body ?? { error: http.STATUS_CODES[fault.status] },
					headers: fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : undefined,
				}, 'status');
				return;
			case 'html':
				send({
					status: fault.status ?? 403,
					raw: '<!DOCTYPE html><html><head><title>Access denied</title></head><body><h1>Request blocked</h1></body></html>',
				}, 'html');
				return;
			case 'slow':
				await sleep(fault.delayMs);
				send(await this.dispatch(req));
				return;
			case 'hang':
				if (fault.acted) await this.dispatch(req);
				log.status = 'hang';
				// Keep the socket open until the client gives up (or the simulator stops).
				await new Promise<void>((resolve) => {
					this.hanging.push(resolve);
					incoming.socket.on('close', resolve);
				});
				return;
			case 'reset':
				if (fault.acted) await this.dispatch(req);
				log.status = 'reset';
				incoming.socket.destroy();
				return;
			case 'malformed': {
				const response = fault.acted === false ? { status: 200 } : await this.dispatch(req);
				log.status = response.status;
				res.writeHead(response.status, { 'Content-Type': 'application/json' });
				res.end('{"success": tru');
				return;
			}
			default:
				send(await this.dispatch(req));
		}
	}
}
