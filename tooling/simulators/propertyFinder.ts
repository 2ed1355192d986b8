/**
 * Property Finder Enterprise API ("Atlas"), as API-NOTES §2 and the OpenAPI spec describe it:
 * key + secret → 30-minute bearer tokens (token endpoint limited to 60 a minute), leads with
 * every filter and pages of at most 50, users, listings (`results`, not `data`), both problem
 * formats (v2 when `X-PF-Error-Format: problem-json-v2` is sent), 429 RATE_LIMIT without
 * Retry-After, the 3-month `createdAtFrom` rule and a firewall that answers HTML 403.
 *
 * Every request is checked against the API description (spec/, see propertyFinderContract.ts)
 * and refused with a 400 problem when the description does not allow it; every answer is
 * checked too, and an answer outside the description fails the test (test/harness/contracts.ts).
 *
 * The clock is controllable: `sim.now` ticks with real time plus whatever `advance()` added,
 * and drives token expiry, rate windows and the 3-month rule.
 */
import { createHash } from 'node:crypto';

import type { Query, SimRequest, SimResponse } from './framework';
import { Simulator } from './framework';
import { checkPfRequest, pfContract } from './propertyFinderContract';

export interface PfContact {
	type: 'email' | 'phone';
	value: string;
}

export interface PfLead {
	id: string;
	entityType: 'listing' | 'project' | 'developer' | 'agent' | 'company';
	channel: 'whatsapp' | 'email' | 'call';
	status: 'sent' | 'delivered' | 'read' | 'replied';
	sender: { name: string; contacts: PfContact[] };
	publicProfile: { id: number };
	listing?: { id: string; reference: string };
	project?: { id: string };
	developer?: { id: string };
	call?: { talkTime: number; waitTime: number; recordFile: string };
	responseLink?: string | null;
	enrichment?: Record<string, string>;
	distributionType?: 'project_cta' | 'project_open_leads';
	tags: string[];
	createdAt: string;
}

export interface PfUser {
	id: number;
	firstName: string;
	lastName: string | null;
	email: string;
	mobile: string | null;
	status: 'active' | 'inactive';
	/** Deprecated by Property Finder: always null. */
	callTracking: null;
	role: { id: number; name: string; roleKey: string; baseRoleKey: string; isCustom: boolean };
	publicProfile: {
		id: number;
		name: string;
		email: string;
		phone: string;
		whatsappPhone: string;
		bio: { primary: string | null; secondary: string | null };
		position: { primary: string | null; secondary: string | null };
		imageVariants: null;
		verification: { status: 'pending' | 'verified' | 'unverified' | 'rejected'; requestDate: string | null } | null;
		compliances: [];
		isSuperAgent: boolean;
	} | null;
	createdAt: string;
}

export interface PfListing {
	id: string;
	reference: string;
	title: { en: string };
	category: 'residential' | 'commercial';
	type: string;
	bedrooms: string;
	bathrooms: string;
	size: number;
	price: { type: 'sale' | 'yearly'; amounts: Record<string, number> };
	location: { id: number };
	assignedTo: { id: number; name: string };
	state: { stage: 'draft' | 'live' | 'takendown' | 'archived'; type: string };
	createdAt: string;
	updatedAt: string;
}

const FIRST = ['Ahmed', 'Fatima', 'John', 'Priya', 'Omar', 'Sara', 'Ivan', 'Mei', 'Lucas', 'Aisha'];
const LAST = ['Khan', 'Al Mansoori', 'Smith', 'Sharma', 'Haddad', 'Novak', 'Chen', 'Silva', 'Rahman', 'Okafor'];
const CHANNELS: PfLead['channel'][] = ['whatsapp', 'email', 'call'];
const STATUSES: PfLead['status'][] = ['sent', 'delivered', 'read', 'replied'];
const ENTITY_TYPES: PfLead['entityType'][] = ['listing', 'project', 'developer', 'agent', 'company'];
const DAY = 24 * 60 * 60 * 1000;

type Problem = { status: number; type: string; title: string; detail: string; errors?: Array<{ detail: string; pointer?: string }> };

/**
 * The values of a list parameter: repeated keys (form/explode, the leads filters) or, where
 * the description says "comma separated" (users, listings), one comma-separated value.
 */
function list(query: Query, name: string, commaSeparated = false): string[] | undefined {
	const raw = query[name];
	if (raw === undefined) return undefined;
	const values = Array.isArray(raw) ? raw : [raw];
	if (!commaSeparated) return values;
	return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

function scalar(query: Query, name: string): string | undefined {
	const raw = query[name];
	if (raw === undefined) return undefined;
	return Array.isArray(raw) ? raw[0] : raw;
}

/**
 * A placeholder key pair shaped like the ones Property Finder issues (the token request's schema
 * wants a 40-character key and a 32-character secret), derived from `label`; never a real one.
 */
export function pfKeyPair(label: string): { apiKey: string; apiSecret: string } {
	const hex = (salt: string) => createHash('sha256').update(`${salt}:${label}`).digest('hex');
	return { apiKey: `${hex('key').slice(0, 5)}.${hex('key').slice(5, 39)}`, apiSecret: hex('secret').slice(0, 32) };
}

const DEFAULT_KEYS = pfKeyPair('pf-simulator');

export class PropertyFinderSimulator extends Simulator {
	readonly leads: PfLead[] = [];

	readonly users: PfUser[] = [];

	readonly listings: PfListing[] = [];

	/** Token requests answered (successful or not). */
	tokenCalls = 0;

	/** Lifetime of issued tokens, in seconds. */
	tokenTtlSec = 1800;

	/** Token requests allowed per minute. */
	tokenLimitPerMinute = 60;

	/** Data requests allowed per minute. */
	dataLimitPerMinute = 650;

	/** true: HTML 403 for requests without a User-Agent; 'always': HTML 403 for every request. */
	firewall: boolean | 'always' = false;

	/**
	 * A fault, off by default: lead filters (by query name) the server accepts but does not
	 * apply, as a server that silently ignores a filter would. Clients must not flood then.
	 */
	readonly ignoredLeadFilters = new Set<string>();

	/** Called after each page of GET /v1/leads was computed (before it is sent), with its leads. */
	onLeadsPage?: (page: number, leads: readonly PfLead[]) => void;

	/**
	 * Test switch, off by default: how `createdAt` is written in GET /v1/leads responses, while
	 * the filters and the order keep using the stored time. For tests of a server that writes a
	 * date the client cannot read, or one that disagrees with its own filter.
	 */
	writeCreatedAt?: (lead: PfLead) => string;

	readonly tokens = new Map<string, number>();

	private offset = 0;

	private seq = 0;

	private tokenSeq = 0;

	private traceSeq = 0;

	private readonly tokenWindow: number[] = [];

	private readonly dataWindow: number[] = [];

	constructor(
		readonly apiKey = DEFAULT_KEYS.apiKey,
		public apiSecret = DEFAULT_KEYS.apiSecret,
	) {
		super('Property Finder');
		if (apiKey.length !== 40 || apiSecret.length !== 32) {
			throw new Error('Property Finder issues 40-character API keys and 32-character secrets: use pfKeyPair()');
		}
		// Always on: no test talks to this simulator outside the API description.
		this.contract = pfContract;
		this.seed();
		this.route('POST', '/v1/auth/token', (req) => this.guard(req, () => this.token(req), false));
		this.route('GET', '/v1/leads', (req) => this.guard(req, () => this.listLeads(req)));
		this.route('GET', '/v1/users', (req) => this.guard(req, () => this.listUsers(req)));
		this.route('GET', '/v1/listings', (req) => this.guard(req, () => this.listListings(req)));
	}

	/** Milliseconds since the epoch on the simulator's clock. */
	get now(): number {
		return Date.now() + this.offset;
	}

	set now(value: number) {
		this.offset = value - Date.now();
	}

	/**
	 * The integration's secret regenerated in PF Expert: tokens are issued for the new one only
	 * (tokens already issued run out as usual).
	 */
	rotateSecret(apiSecret: string) {
		if (apiSecret.length !== 32) throw new Error('Property Finder issues 32-character secrets: use pfKeyPair()');
		this.apiSecret = apiSecret;
	}

	advance(ms: number) {
		this.offset += ms;
	}

	/** Scopes per issued token can be narrowed to test 403s; default: everything. */
	scopes = new Set(['leads:read', 'users:read', 'listings:read', 'webhooks:full_access']);

	private seed() {
		const agents: Array<[string, string]> = [
			['Sarah', 'Jones'],
			['Rami', 'Aziz'],
			['Nadia', 'Petrova'],
		];
		agents.forEach(([first, last], index) => {
			const profileId = 1001 + index;
			this.users.push({
				id: 50 + index,
				firstName: first,
				lastName: last,
				email: `${first.toLowerCase()}@agency.example`,
				mobile: `+97150000000${index}`,
				status: 'active',
				callTracking: null,
				role: { id: 3, name: 'Agent', roleKey: 'agent', baseRoleKey: 'agent', isCustom: false },
				publicProfile: {
					id: profileId,
					name: `${first} ${last}`,
					email: `${first.toLowerCase()}.pf@agency.example`,
					phone: `+97155000000${index}`,
					whatsappPhone: `+97156000000${index}`,
					bio: { primary: null, secondary: null },
					position: { primary: 'Property Consultant', secondary: null },
					imageVariants: null,
					verification: { status: 'verified', requestDate: '2025-01-10T08:00:00Z' },
					compliances: [],
					isSuperAgent: index === 0,
				},
				createdAt: '2024-06-01T08:00:00Z',
			});
		});
		this.users.push({
			id: 60,
			firstName: 'Old',
			lastName: 'Account',
			email: 'old@agency.example',
			mobile: null,
			status: 'inactive',
			callTracking: null,
			role: { id: 1, name: 'Admin', roleKey: 'admin', baseRoleKey: 'admin', isCustom: false },
			publicProfile: null,
			createdAt: '2023-02-01T08:00:00Z',
		});
		const states: Array<PfListing['state']> = [
			{ stage: 'live', type: 'live' },
			{ stage: 'live', type: 'live' },
			{ stage: 'live', type: 'live' },
			{ stage: 'draft', type: 'draft' },
			{ stage: 'archived', type: 'archived' },
		];
		states.forEach((state, index) => {
			const agent = this.users[index % 3].publicProfile!;
			const sale = index % 2 === 0;
			const created = new Date(Date.now() - (30 - index) * DAY).toISOString();
			this.listings.push({
				id: `01JLST${String(index).padStart(4, '0')}`,
				reference: `APT-${100 + index}`,
				title: { en: `${index + 1}BR apartment in Downtown` },
				category: index === 2 ? 'commercial' : 'residential',
				type: index === 2 ? 'office-space' : 'apartment',
				bedrooms: String(index + 1),
				bathrooms: String(index + 1),
				size: 800 + index * 250,
				price: sale ? { type: 'sale', amounts: { sale: 1_500_000 + index * 100_000 } } : { type: 'yearly', amounts: { yearly: 90_000 + index * 5_000 } },
				location: { id: 50 + index },
				assignedTo: { id: agent.id, name: agent.name },
				state,
				createdAt: created,
				updatedAt: created,
			});
		});
	}

	/** A realistic lead, stored and returned; `createdAt` defaults to the simulator's now. */
	addLead(partial: Partial<PfLead> = {}): PfLead {
		const n = ++this.seq;
		const channel = partial.channel ?? CHANNELS[n % CHANNELS.length];
		const first = FIRST[n % FIRST.length];
		const last = LAST[(n * 3) % LAST.length];
		// A valid UAE mobile (+971 50 …), distinct per lead: the CRM nodes refuse numbers that cannot exist.
		const phone = `+97150${String(1_000_000 + n * 7919).slice(-7)}`;
		const listing = this.listings[n % 3];
		// The description's contact types are email and phone only (a WhatsApp lead's number is its phone).
		const contacts: PfContact[] = [
			{ type: 'phone', value: phone },
			{ type: 'email', value: `${first.toLowerCase()}.${n}@mail.example` },
		];
		const lead: PfLead = {
			id: `${channel}_lead_${1990 + n}`,
			entityType: 'listing',
			channel,
			status: STATUSES[n % STATUSES.length],
			sender: { name: `${first} ${last}`, contacts },
			publicProfile: { id: listing.assignedTo.id },
			listing: { id: listing.id, reference: listing.reference },
			responseLink: channel === 'whatsapp' ? `https://wa.propertyfinder.ae/r/${n}` : null,
			tags: n % 4 === 0 ? ['hot'] : [],
			createdAt: new Date(this.now).toISOString(),
			...(channel === 'call'
				? { call: { talkTime: 30 + n, waitTime: 5, recordFile: `https://recordings.propertyfinder.ae/${n}.mp3` } }
				: {}),
			...partial,
		};
		this.leads.push(lead);
		this.order.set(lead.id, n);
		return lead;
	}

	private readonly order = new Map<string, number>();

	// ---------------------------------------------------------------- plumbing

	private problem(req: SimRequest, problem: Problem): SimResponse {
		const v2 = (req.headers['x-pf-error-format'] ?? '').toLowerCase() === 'problem-json-v2';
		const body = v2
			? {
					type: problem.type,
					code: problem.type,
					title: problem.title,
					detail: problem.detail,
					status: problem.status,
					attributes: { trace_id: `trace-${++this.traceSeq}` },
					errors: problem.errors ?? [],
				}
			: { type: problem.type, title: problem.title, detail: problem.detail, errors: problem.errors ?? [] };
		return { status: problem.status, body, headers: { 'Content-Type': 'application/problem+json' } };
	}

	private withinRate(window: number[], limit: number): boolean {
		const now = this.now;
		while (window.length > 0 && window[0] <= now - 60_000) window.shift();
		if (window.length >= limit) return false;
		window.push(now);
		return true;
	}

	/** Firewall, rate limit and (for data endpoints) the bearer token, then the handler. */
	private guard(req: SimRequest, handler: () => SimResponse, authenticated = true): SimResponse {
		if (this.firewall === 'always' || (this.firewall && !req.headers['user-agent'])) {
			return {
				status: 403,
				raw: '<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>',
				// Switched on by a test (`firewall`): the WAF in front of the API, not the API.
				injectedFault: 'firewall',
			};
		}
		if (!authenticated) return this.checked(req, handler);
		if (!this.withinRate(this.dataWindow, this.dataLimitPerMinute)) {
			return this.problem(req, { status: 429, type: 'RATE_LIMIT', title: 'Too Many Requests', detail: 'Rate limit exceeded' });
		}
		const header = req.headers.authorization ?? '';
		const match = /^Bearer\s+(.+)$/i.exec(header);
		if (!match) {
			return this.problem(req, { status: 401, type: 'AUTHENTICATION', title: 'Unauthorized', detail: 'Missing bearer token' });
		}
		const expires = this.tokens.get(match[1]);
		if (expires === undefined || expires <= this.now) {
			return this.problem(req, {
				status: 401,
				type: 'AUTHENTICATION',
				title: 'Unauthorized',
				detail: expires === undefined ? 'Invalid token' : 'Token expired',
			});
		}
		const scope = req.path.startsWith('/v1/leads')
			? 'leads:read'
			: req.path.startsWith('/v1/users')
				? 'users:read'
				: req.path.startsWith('/v1/listings')
					? 'listings:read'
					: 'webhooks:full_access';
		if (!this.scopes.has(scope)) {
			return this.problem(req, { status: 403, type: 'AUTHORIZATION', title: 'Forbidden', detail: 'Insufficient permissions' });
		}
		return this.checked(req, handler);
	}

	/** Refuse what the API description does not allow, as Property Finder does (400 SCHEMA_VALIDATION). */
	private checked(req: SimRequest, handler: () => SimResponse): SimResponse {
		const verdict = checkPfRequest(req);
		if (verdict.ok) return handler();
		return this.problem(req, {
			status: 400,
			type: 'SCHEMA_VALIDATION',
			title: 'Bad Request',
			detail: '',
			errors: verdict.errors,
		});
	}

	/** True when the request carries a token that is valid now (for routes added from outside). */
	isAuthorized(req: SimRequest): boolean {
		const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
		const expires = match ? this.tokens.get(match[1]) : undefined;
		return expires !== undefined && expires > this.now;
	}

	/** Run a handler behind the same firewall, rate limit, token and scope checks as the built-in routes. */
	protect(req: SimRequest, handler: () => SimResponse): SimResponse {
		return this.guard(req, handler);
	}

	/** A problem body in the format the request asked for. */
	problemResponse(req: SimRequest, problem: Problem): SimResponse {
		return this.problem(req, problem);
	}

	private token(req: SimRequest): SimResponse {
		this.tokenCalls++;
		if (!this.withinRate(this.tokenWindow, this.tokenLimitPerMinute)) {
			return this.problem(req, { status: 429, type: 'RATE_LIMIT', title: 'Too Many Requests', detail: 'Rate limit exceeded' });
		}
		const body = req.body as Record<string, unknown> | undefined;
		if (req.bodyError || !body || typeof body !== 'object') {
			return this.problem(req, { status: 400, type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: 'Invalid JSON body' });
		}
		const missing = ['apiKey', 'apiSecret'].filter((name) => typeof body[name] !== 'string' || body[name] === '');
		if (missing.length > 0) {
			return this.problem(req, {
				status: 400,
				type: 'SCHEMA_VALIDATION',
				title: 'Bad Request',
				detail: '',
				errors: missing.map((name) => ({ detail: `${name} is required`, pointer: `/${name}` })),
			});
		}
		if (body.apiKey !== this.apiKey || body.apiSecret !== this.apiSecret) {
			return this.problem(req, { status: 401, type: 'AUTHENTICATION', title: 'Unauthorized', detail: 'Invalid API key or secret' });
		}
		const token = `pf-token-${++this.tokenSeq}-${Math.random().toString(36).slice(2, 10)}`;
		this.tokens.set(token, this.now + this.tokenTtlSec * 1000);
		return { status: 200, body: { accessToken: token, tokenType: 'Bearer', expiresIn: this.tokenTtlSec } };
	}

	private pageOf<T>(req: SimRequest, items: T[], maxPerPage: number): SimResponse | { page: number; perPage: number; slice: T[]; pagination: Record<string, number | null> } {
		const page = Number(scalar(req.query, 'page') ?? 1);
		const perPage = Number(scalar(req.query, 'perPage') ?? Math.min(50, maxPerPage));
		if (!Number.isInteger(page) || page < 1) {
			return this.problem(req, { status: 400, type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: '', errors: [{ detail: 'page must be >= 1', pointer: '/page' }] });
		}
		if (!Number.isInteger(perPage) || perPage < 1 || perPage > maxPerPage) {
			return this.problem(req, {
				status: 400,
				type: 'SCHEMA_VALIDATION',
				title: 'Bad Request',
				detail: '',
				errors: [{ detail: `perPage must be between 1 and ${maxPerPage}`, pointer: '/perPage' }],
			});
		}
		const total = items.length;
		const totalPages = Math.ceil(total / perPage);
		return {
			page,
			perPage,
			slice: items.slice((page - 1) * perPage, page * perPage),
			pagination: {
				page,
				perPage,
				total,
				totalPages,
				nextPage: page < totalPages ? page + 1 : null,
				prevPage: page > 1 ? page - 1 : null,
			},
		};
	}

	// ---------------------------------------------------------------- leads

	private listLeads(req: SimRequest): SimResponse {
		const q = req.query;
		const bad = (pointer: string, detail: string) =>
			this.problem(req, { status: 400, type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: '', errors: [{ detail, pointer }] });
		const enumCheck = (name: string, allowed: readonly string[]) => {
			const values = list(q, name);
			const wrong = values?.find((value) => !allowed.includes(value));
			return wrong === undefined ? undefined : bad(`/${name}`, `${name} must be one of ${allowed.join(', ')}; got "${wrong}"`);
		};
		for (const [name, allowed] of [
			['channel', CHANNELS],
			['status', STATUSES],
			['entityType', ENTITY_TYPES],
			['listingCategory', ['commercial', 'residential']],
			['listingOffering', ['sale', 'rent']],
		] as const) {
			const error = enumCheck(name, allowed);
			if (error) return error;
		}
		const orderDirection = scalar(q, 'orderDirection') ?? 'desc';
		if (!['asc', 'desc'].includes(orderDirection)) return bad('/orderDirection', 'orderDirection must be asc or desc');
		const orderBy = scalar(q, 'orderBy') ?? 'createdAt';
		if (!['createdAt', 'id', 'status', 'channel'].includes(orderBy)) return bad('/orderBy', `cannot order by ${orderBy}`);

		const dates: Record<string, number> = {};
		for (const name of ['createdAtFrom', 'createdAtTo']) {
			const raw = scalar(q, name);
			if (raw === undefined) continue;
			// RFC 3339 only; an unencoded "+04:00" arrives as " 04:00" and is rejected.
			if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
				return bad(`/${name}`, `${name} must be an RFC 3339 date-time`);
			}
			dates[name] = Date.parse(raw);
		}
		if (dates.createdAtFrom !== undefined && dates.createdAtFrom < this.now - 90 * DAY) {
			return this.problem(req, {
				status: 400,
				type: 'BUSINESS_VALIDATION',
				title: 'Bad Request',
				detail: 'createdAtFrom must not be older than 3 months',
				errors: [{ detail: 'The date must not be older than 3 months from the current date', pointer: '/createdAtFrom' }],
			});
		}

		const filters: Array<[string, (lead: PfLead) => string[]]> = [
			['id', (lead) => [lead.id]],
			['channel', (lead) => [lead.channel]],
			['status', (lead) => [lead.status]],
			['entityType', (lead) => [lead.entityType]],
			['publicProfileId', (lead) => [String(lead.publicProfile.id)]],
			['listingId', (lead) => (lead.listing ? [lead.listing.id] : [])],
			['listingReference', (lead) => (lead.listing ? [lead.listing.reference] : [])],
			['projectId', (lead) => (lead.project ? [lead.project.id] : [])],
			['developerId', (lead) => (lead.developer ? [lead.developer.id] : [])],
			['senderName', (lead) => [lead.sender.name]],
			['senderPhone', (lead) => lead.sender.contacts.filter((c) => c.type !== 'email').map((c) => c.value)],
			['senderEmail', (lead) => lead.sender.contacts.filter((c) => c.type === 'email').map((c) => c.value.toLowerCase())],
			['tag', (lead) => lead.tags],
			['listingCategory', (lead) => [this.listingOf(lead)?.category ?? '']],
			['listingOffering', (lead) => [this.listingOf(lead)?.price.type === 'sale' ? 'sale' : this.listingOf(lead) ? 'rent' : '']],
		];
		let leads = this.leads.slice();
		for (const [name, values] of filters) {
			const wanted = list(q, name);
			if (!wanted || this.ignoredLeadFilters.has(name)) continue;
			leads = leads.filter((lead) => values(lead).some((value) => wanted.includes(value)));
		}
		const excluded = list(q, 'excludeTag');
		if (excluded && !this.ignoredLeadFilters.has('excludeTag')) leads = leads.filter((lead) => !lead.tags.some((tag) => excluded.includes(tag)));
		const search = scalar(q, 'search')?.toLowerCase();
		if (search) {
			leads = leads.filter((lead) =>
				[lead.id, lead.sender.name, ...lead.sender.contacts.map((c) => c.value)].some((text) =>
					text.toLowerCase().includes(search),
				),
			);
		}
		if (dates.createdAtFrom !== undefined) leads = leads.filter((lead) => Date.parse(lead.createdAt) >= dates.createdAtFrom);
		if (dates.createdAtTo !== undefined) leads = leads.filter((lead) => Date.parse(lead.createdAt) <= dates.createdAtTo);

		const sign = orderDirection === 'asc' ? 1 : -1;
		leads.sort((a, b) => {
			const key = (lead: PfLead) => (orderBy === 'createdAt' ? Date.parse(lead.createdAt) : String(lead[orderBy as keyof PfLead]));
			const ka = key(a);
			const kb = key(b);
			const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
			return sign * (primary || (this.order.get(a.id) ?? 0) - (this.order.get(b.id) ?? 0));
		});

		const paged = this.pageOf(req, leads, 50);
		if ('status' in paged) return paged;
		const written = this.writeCreatedAt;
		const data = written ? paged.slice.map((lead) => ({ ...lead, createdAt: written(lead) })) : paged.slice;
		const response: SimResponse = { status: 200, body: { data, pagination: paged.pagination } };
		this.onLeadsPage?.(paged.page, paged.slice);
		return response;
	}

	private listingOf(lead: PfLead): PfListing | undefined {
		return lead.listing ? this.listings.find((listing) => listing.id === lead.listing!.id) : undefined;
	}

	// ---------------------------------------------------------------- users

	private listUsers(req: SimRequest): SimResponse {
		const q = req.query;
		let users = this.users.slice();
		const ids = list(q, 'id', true);
		if (ids) users = users.filter((user) => ids.includes(String(user.id)));
		const profiles = list(q, 'publicProfileId', true);
		if (profiles) users = users.filter((user) => user.publicProfile && profiles.includes(String(user.publicProfile.id)));
		const emails = list(q, 'email', true)?.map((email) => email.toLowerCase());
		if (emails) users = users.filter((user) => emails.includes(user.email.toLowerCase()));
		const status = scalar(q, 'status');
		if (status !== undefined) {
			if (!['active', 'inactive'].includes(status)) {
				return this.problem(req, { status: 400, type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: '', errors: [{ detail: 'status must be active or inactive', pointer: '/status' }] });
			}
			users = users.filter((user) => user.status === status);
		}
		const roleId = scalar(q, 'roleId');
		if (roleId) users = users.filter((user) => String(user.role.id) === roleId);
		const search = scalar(q, 'search')?.toLowerCase();
		if (search) users = users.filter((user) => `${user.firstName} ${user.lastName ?? ''} ${user.email}`.toLowerCase().includes(search));
		const paged = this.pageOf(req, users, 100);
		if ('status' in paged) return paged;
		return { status: 200, body: { data: paged.slice, pagination: paged.pagination } };
	}

	// ---------------------------------------------------------------- listings

	private listListings(req: SimRequest): SimResponse {
		const q = req.query;
		const draft = scalar(q, 'draft') === 'true';
		const archived = scalar(q, 'archived') === 'true';
		let listings = this.listings.filter((listing) =>
			archived ? listing.state.stage === 'archived' : draft ? listing.state.stage !== 'live' && listing.state.stage !== 'archived' : listing.state.stage === 'live',
		);
		const state = scalar(q, 'filter[state]');
		if (state) listings = listings.filter((listing) => listing.state.type === state || listing.state.stage === state);
		const ids = list(q, 'filter[ids]', true);
		if (ids) listings = listings.filter((listing) => ids.includes(listing.id));
		const reference = scalar(q, 'filter[reference]');
		if (reference) listings = listings.filter((listing) => listing.reference === reference);
		const category = scalar(q, 'filter[category]');
		if (category) listings = listings.filter((listing) => listing.category === category);
		const offering = scalar(q, 'filter[offeringType]');
		if (offering) listings = listings.filter((listing) => (listing.price.type === 'sale' ? 'sale' : 'rent') === offering);
		const assigned = list(q, 'filter[assignedToId]', true);
		if (assigned) listings = listings.filter((listing) => assigned.includes(String(listing.assignedTo.id)));
		const type = scalar(q, 'filter[type]');
		if (type) listings = listings.filter((listing) => listing.type === type);
		const bedrooms = list(q, 'filter[bedrooms]', true);
		if (bedrooms) listings = listings.filter((listing) => bedrooms.includes(listing.bedrooms));
		const locations = list(q, 'filter[locationId]', true);
		if (locations) listings = listings.filter((listing) => locations.includes(String(listing.location.id)));
		const paged = this.pageOf(req, listings, 100);
		if ('status' in paged) return paged;
		return { status: 200, body: { results: paged.slice, pagination: paged.pagination } };
	}
}
