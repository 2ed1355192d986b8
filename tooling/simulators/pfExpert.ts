/**
 * PF Expert CRM API v2 ("myCRM"), as API-NOTES §3 and the seed describe it: an OAuth
 * client-credentials token endpoint (Basic key:secret, tokens expiring on a controllable
 * clock), leads wrapped as `{lead}` / listed as `{count, page, per_page, leads}`, `filters[…]`
 * query filters, sorting, PATCH operations (single and bulk), and bulk DELETE — which, as
 * documented, deletes EVERY lead when the list is empty (so tests can prove it is never sent).
 */
import { randomBytes } from 'node:crypto';

import type { Query, SimRequest, SimResponse } from './framework';
import { Simulator } from './framework';

export const EXPERT_TOKEN_PATH = '/auth/oauth/v1/token';

export const STATUSES = [
	'notYetContacted',
	'calledNoReply',
	'prospect',
	'qualified',
	'viewingsInProgress',
	'contractSent',
	'contractSigned',
	'notReady',
	'notInterested',
];
export const SOURCES = ['propertyfinder', 'portal', 'socialMedia', 'online', 'offline', 'other'];
/** Channels by source; "other" takes any custom channel. */
export const CHANNELS: Record<string, string[]> = {
	propertyfinder: ['callTracking', 'sms', 'email'],
	portal: ['bayut', 'dubizzle', 'gulfNews', 'justProperty', 'justRentals', 'otherPortal'],
	socialMedia: ['facebook', 'twitter', 'google', 'linkedIn', 'otherSocialMedia'],
	online: ['ourWebsite', 'emailMarketing', 'onlineMarketing', 'otherOnline'],
	offline: ['phone', 'print', 'outdoor', 'expo', 'walkIn', 'referral', 'otherOffline'],
};
const TITLES = ['mr', 'ms', 'miss', 'mrs'];
const QUALITIES = ['spam', 'poor', 'average', 'good', 'excellent', 'hot'];
const FINANCIALS = ['other', 'cash', 'mortgage'];
const MORTGAGE = ['pre-approved', 'in-process', 'not-pre-approved'];
const CATEGORIES = ['residential', 'commercial'];
const MAX_PER_PAGE = 100;

export interface ExpertUser {
	id: number;
	first_name: string;
	last_name: string;
	email: string;
}

export interface ExpertPreference {
	id: string;
	types: Array<{ id: number; name: string; category: string }>;
	locations: Array<{ id: string; city: string; community: string }>;
	from_price: number;
	to_price: number;
	from_size?: number;
	to_size?: number;
	from_bathroom?: number;
	to_bathroom?: number;
	from_bedroom?: number;
	to_bedroom?: number;
	offering_type: string;
	amenities: Array<{ id: number; name: string }>;
}

export interface ExpertLead {
	id: number;
	user: { id: number } | null;
	title: string;
	first_name: string;
	middle_name: string | null;
	last_name: string;
	email: string | null;
	mobile: string;
	address: string | null;
	pobox: string | null;
	city: string | null;
	country: string;
	status: string;
	quality: string | null;
	financial: string | null;
	mortgage_status: string | null;
	source: string | null;
	channel: string | null;
	category: string;
	preferences: ExpertPreference[];
	notes: Array<{ id: number; body: string }>;
	properties: number[];
	fields: Record<string, unknown>;
	time_frame: string;
	created_at: string;
	updated_at: string;
}

const FIRST = ['Johnny', 'Aisha', 'Omar', 'Priya', 'James', 'Fatima', 'Ivan', 'Mei'];
const LAST = ['Trump', 'Khan', 'Al Mansoori', 'Sharma', 'Smith', 'Haddad', 'Petrov', 'Chen'];
const TYPE_NAMES: Record<number, string> = { 1: 'Villa', 2: 'Apartment', 3: 'Townhouse', 4: 'Office' };

function iso(ms: number) {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function bad(message: string, errors?: Array<{ field: string; message: string }>): SimResponse {
	return { status: 400, body: { code: 400, message, ...(errors ? { errors } : {}) } };
}

function notFound(id: unknown): SimResponse {
	return { status: 404, body: { code: 404, message: `Lead ${String(id)} not found` } };
}

function isBlank(value: unknown) {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export class PfExpertSimulator extends Simulator {
	/** The simulator's clock (ms); token expiry uses it. Move it with `advance`. */
	now = Date.now();

	tokenTtlSec = 1800;

	tokenCalls = 0;

	readonly tokens = new Map<string, number>();

	readonly leads: ExpertLead[] = [];

	readonly users: ExpertUser[] = [
		{ id: 1, first_name: 'Jean', last_name: 'Pac', email: 'jean.pac@agency.example' },
		{ id: 2, first_name: 'Sara', last_name: 'Nasser', email: 'sara.nasser@agency.example' },
		{ id: 3, first_name: 'Ravi', last_name: 'Menon', email: 'ravi.menon@agency.example' },
	];

	/** When set, every API answer carries `X-MyCRM-API-Warning` with this text. */
	warning?: string;

	/**
	 * What a list answer carries besides `leads`: `full` = `{count, page, per_page, leads}` (seen
	 * in public integration code); `noPerPage` leaves out `per_page`; `leadsOnly` is the seed's
	 * own example, `{leads}` and nothing else.
	 */
	listEnvelope: 'full' | 'noPerPage' | 'leadsOnly' = 'full';

	/** How many times a bulk DELETE removed every lead (an empty or missing list). */
	deleteAllCount = 0;

	private nextId = 35000;

	private nextNote = 900;

	constructor(
		readonly apiKey = 'pfx-key',
		readonly apiSecret = 'pfx-secret',
	) {
		super('PF Expert CRM');
		this.route('POST', EXPERT_TOKEN_PATH, (req) => this.token(req));
		this.route('GET', '/leads', (req) => this.api(req, () => this.list(req)));
		this.route('POST', '/leads', (req) => this.api(req, () => this.create(req)));
		this.route('PATCH', '/leads', (req) => this.api(req, () => this.bulkPatch(req)));
		this.route('DELETE', '/leads', (req) => this.api(req, () => this.bulkDelete(req)));
		this.route('GET', '/leads/:id', (req) => this.api(req, () => this.getOne(req)));
		this.route('PUT', '/leads/:id', (req) => this.api(req, () => this.update(req)));
		this.route('PATCH', '/leads/:id', (req) => this.api(req, () => this.patch(req)));
		this.route('DELETE', '/leads/:id', (req) => this.api(req, () => this.deleteOne(req)));
	}

	advance(ms: number) {
		this.now += ms;
	}

	/** A realistic lead; `created_at` defaults to the simulator's clock. */
	addLead(partial: Partial<ExpertLead> = {}): ExpertLead {
		const id = partial.id ?? this.nextId++;
		const n = id % FIRST.length;
		const created = iso(this.now);
		const lead: ExpertLead = {
			id,
			user: { id: this.users[id % this.users.length].id },
			title: 'mr',
			first_name: FIRST[n],
			middle_name: null,
			last_name: LAST[n],
			email: `${FIRST[n].toLowerCase()}.${id}@mail.example`,
			mobile: `+97150${String(1000000 + id).slice(-7)}`,
			address: 'Dubai Marina',
			pobox: '15109',
			city: 'Dubai',
			country: 'AE',
			status: 'notYetContacted',
			quality: 'good',
			financial: 'cash',
			mortgage_status: null,
			source: 'propertyfinder',
			channel: 'email',
			category: 'residential',
			preferences: [
				{
					id: String(id),
					types: [{ id: 2, name: 'Apartment', category: 'residential' }],
					locations: [{ id: 'are.3.1200', city: 'Dubai', community: 'Jumeirah Lake Towers' }],
					from_price: 1200000,
					to_price: 1500000,
					from_bedroom: 2,
					to_bedroom: 3,
					offering_type: 'sale',
					amenities: [{ id: 1, name: 'swimming pool' }],
				},
			],
			notes: [],
			properties: [],
			fields: {},
			time_frame: '0',
			created_at: created,
			updated_at: created,
			...partial,
		};
		if (id >= this.nextId) this.nextId = id + 1;
		this.leads.push(lead);
		return lead;
	}

	lead(id: number) {
		return this.leads.find((lead) => lead.id === id);
	}

	// -- auth ---------------------------------------------------------------------------------

	private token(req: SimRequest): SimResponse {
		const header = req.headers.authorization ?? '';
		const match = /^Basic\s+(.+)$/i.exec(header);
		const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
		if (decoded !== `${this.apiKey}:${this.apiSecret}`) {
			return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		}
		const body = (req.body ?? {}) as Record<string, unknown>;
		if (req.bodyError || body.grant_type !== 'client_credentials') {
			return {
				status: 400,
				body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' },
			};
		}
		if (body.scope !== 'openid') {
			return { status: 400, body: { error: 'invalid_scope', error_description: 'scope must be openid' } };
		}
		this.tokenCalls++;
		const token = `pfx_${randomBytes(16).toString('hex')}`;
		this.tokens.set(token, this.now + this.tokenTtlSec * 1000);
		return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.tokenTtlSec, scope: 'openid' } };
	}

	private async api(req: SimRequest, handler: () => SimResponse): Promise<SimResponse> {
		const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
		const expires = match ? this.tokens.get(match[1]) : undefined;
		if (!match || expires === undefined) {
			return { status: 401, body: { error: 'invalid_token', error_description: 'The access token provided is invalid.' } };
		}
		if (expires <= this.now) {
			return { status: 401, body: { error: 'invalid_token', error_description: 'The access token provided has expired.' } };
		}
		if (req.bodyError) return bad('Invalid JSON body');
		const response = handler();
		if (this.warning) response.headers = { ...response.headers, 'X-MyCRM-API-Warning': this.warning };
		return response;
	}

	// -- representation -----------------------------------------------------------------------

	private view(lead: ExpertLead, expand: boolean): Record<string, unknown> {
		const rest: Partial<ExpertLead> = { ...lead };
		// Leads are answered without their category (it lives on the preference types).
		delete rest.category;
		delete rest.notes;
		const notes = lead.notes;
		const user = lead.user ? this.users.find((u) => u.id === lead.user!.id) : undefined;
		return {
			...rest,
			user: lead.user ? (expand && user ? { ...user } : { id: lead.user.id }) : null,
			amenities: lead.preferences[0]?.amenities ?? [],
			matching: { count: 0, inventory_count: 0, mls_count: 0 },
			...(expand ? { notes } : {}),
		};
	}

	private expand(req: SimRequest) {
		return String(req.headers['x-mycrm-expand-data'] ?? '').toLowerCase() === 'true';
	}

	// -- routes -------------------------------------------------------------------------------

	private list(req: SimRequest): SimResponse {
		const q = req.query;
		const one = (key: string) => {
			const value = q[key];
			return Array.isArray(value) ? value[0] : value;
		};
		const page = one('page') === undefined ? 1 : Number(one('page'));
		const perPage = one('per_page') === undefined ? 20 : Number(one('per_page'));
		if (!Number.isInteger(page) || page < 1) return bad('page must be a positive integer');
		if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
			return bad(`per_page must be between 1 and ${MAX_PER_PAGE}`);
		}
		let leads = this.leads.filter((lead) => this.matches(lead, q));
		const sort = one('sort') ?? 'id';
		const order = one('sort_order') ?? 'ASC';
		if (order !== 'ASC' && order !== 'DESC') return bad('sort_order must be ASC or DESC');
		const keyOf: Record<string, (lead: ExpertLead) => string | number> = {
			id: (l) => l.id,
			last_name: (l) => l.last_name,
			email: (l) => l.email ?? '',
			mobile: (l) => l.mobile,
			user: (l) => l.user?.id ?? 0,
			status: (l) => l.status,
			created: (l) => l.created_at,
			price: (l) => l.preferences[0]?.from_price ?? 0,
			size: (l) => l.preferences[0]?.from_size ?? 0,
			type: (l) => l.preferences[0]?.types[0]?.id ?? 0,
			time_frame: (l) => l.time_frame,
		};
		const key = keyOf[sort];
		if (!key) return bad(`Unknown sort "${sort}"`);
		leads = [...leads].sort((a, b) => {
			const x = key(a);
			const y = key(b);
			const cmp = x < y ? -1 : x > y ? 1 : a.id - b.id;
			return order === 'DESC' ? -cmp : cmp;
		});
		const slice = leads.slice((page - 1) * perPage, page * perPage);
		const expand = this.expand(req);
		return {
			status: 200,
			body: {
				...(this.listEnvelope === 'leadsOnly' ? {} : { count: leads.length, page }),
				...(this.listEnvelope === 'full' ? { per_page: perPage } : {}),
				leads: slice.map((lead) => this.view(lead, expand)),
			},
		};
	}

	private matches(lead: ExpertLead, q: Query): boolean {
		const get = (key: string) => {
			const value = q[`filters[${key}]`];
			return Array.isArray(value) ? value[0] : value;
		};
		const contains = (haystack: string | null | undefined, needle: string) =>
			(haystack ?? '').toLowerCase().includes(needle.toLowerCase());
		const query = get('query');
		if (
			query !== undefined &&
			!(
				String(lead.id) === query ||
				contains(`${lead.first_name} ${lead.last_name}`, query) ||
				contains(lead.mobile, query) ||
				contains(lead.email, query)
			)
		) {
			return false;
		}
		const name = get('name');
		if (name !== undefined && !contains(`${lead.first_name} ${lead.last_name}`, name)) return false;
		const mobile = get('mobile');
		if (mobile !== undefined && !contains(lead.mobile, mobile)) return false;
		const exact: Array<[string, unknown]> = [
			['status', lead.status],
			['source', lead.source],
			['channel', lead.channel],
			['quality', lead.quality],
			['financial', lead.financial],
			['mortgage_status', lead.mortgage_status],
			['id', lead.id],
		];
		for (const [key, value] of exact) {
			const wanted = get(key);
			if (wanted !== undefined && String(value) !== wanted) return false;
		}
		const user = get('user');
		if (user !== undefined && String(lead.user?.id) !== user) return false;
		const excluded = get('excluded_user');
		if (excluded !== undefined && String(lead.user?.id) === excluded) return false;
		for (const key of ['address', 'city', 'pobox']) {
			const wanted = get(key);
			if (wanted !== undefined && !contains(lead[key as 'address'], wanted)) return false;
		}
		const country = get('country');
		if (country !== undefined && lead.country.toUpperCase() !== country.toUpperCase()) return false;
		for (const [key, field] of [
			['created', 'created_at'],
			['updated', 'updated_at'],
		] as const) {
			const day = lead[field].slice(0, 10);
			const from = get(`${key}][from`);
			const to = get(`${key}][to`);
			if (from !== undefined && day < from) return false;
			if (to !== undefined && day > to) return false;
		}
		const pref = lead.preferences[0];
		const category = get('wishlist][category');
		if (category !== undefined && lead.category !== category) return false;
		const locations = q['filters[wishlist][locations][]'];
		if (locations !== undefined) {
			const wanted = Array.isArray(locations) ? locations : [locations];
			if (!pref || !pref.locations.some((location) => wanted.includes(location.id))) return false;
		}
		const minPrice = get('wishlist][from_price');
		if (minPrice !== undefined && (!pref || pref.to_price < Number(minPrice))) return false;
		const maxPrice = get('wishlist][to_price');
		if (maxPrice !== undefined && (!pref || pref.from_price > Number(maxPrice))) return false;
		const minBed = get('wishlist][from_bedroom');
		if (minBed !== undefined && (!pref || (pref.to_bedroom ?? 0) < Number(minBed))) return false;
		const maxBed = get('wishlist][to_bedroom');
		if (maxBed !== undefined && (!pref || (pref.from_bedroom ?? 0) > Number(maxBed))) return false;
		return true;
	}

	private getOne(req: SimRequest): SimResponse {
		const lead = this.lead(Number(req.params.id));
		if (!lead) return notFound(req.params.id);
		return { status: 200, body: { lead: this.view(lead, this.expand(req)) } };
	}

	/** Validate a `{lead: {…}}` body the way create and update (PUT) do. */
	private validate(body: unknown): { lead?: Record<string, unknown>; error?: SimResponse } {
		if (!body || typeof body !== 'object' || !('lead' in body)) {
			return { error: bad('The request body must be {"lead": {…}}') };
		}
		const lead = (body as { lead: Record<string, unknown> }).lead;
		if (!lead || typeof lead !== 'object') return { error: bad('The request body must be {"lead": {…}}') };
		const errors: Array<{ field: string; message: string }> = [];
		const blank = (field: string) => errors.push({ field, message: 'This value should not be blank.' });
		const choice = (field: string, allowed: string[], mandatory: boolean) => {
			const value = lead[field];
			if (isBlank(value)) {
				if (mandatory) blank(field);
			} else if (!allowed.includes(String(value))) {
				errors.push({ field, message: 'The value you selected is not a valid choice.' });
			}
		};
		choice('title', TITLES, true);
		for (const field of ['first_name', 'last_name', 'mobile', 'country', 'source_channel']) {
			if (isBlank(lead[field])) blank(field);
		}
		choice('category', CATEGORIES, true);
		choice('status', STATUSES, true);
		choice('source', SOURCES, true);
		choice('financial', FINANCIALS, true);
		choice('quality', QUALITIES, false);
		choice('mortgage_status', MORTGAGE, false);
		const source = String(lead.source ?? '');
		if (!isBlank(lead.source_channel) && CHANNELS[source] && !CHANNELS[source].includes(String(lead.source_channel))) {
			errors.push({ field: 'source_channel', message: `The channel must belong to the source "${source}".` });
		}
		if (lead.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(lead.email))) {
			errors.push({ field: 'email', message: 'This value is not a valid email address.' });
		}
		if (lead.user !== undefined && !this.users.some((user) => user.id === Number(lead.user))) {
			errors.push({ field: 'user', message: 'This user does not exist.' });
		}
		const pref = lead.preference as Record<string, unknown> | undefined;
		if (!pref || typeof pref !== 'object') {
			blank('preference');
		} else {
			for (const field of ['types', 'locations']) {
				if (!Array.isArray(pref[field]) || (pref[field] as unknown[]).length === 0) blank(`preference.${field}`);
			}
			if (!Array.isArray(pref.amenities)) blank('preference.amenities');
			for (const field of ['from_price', 'to_price']) {
				if (typeof pref[field] !== 'number') blank(`preference.${field}`);
			}
			if (isBlank(pref.offering_type ?? lead.offering_type)) blank('preference.offering_type');
		}
		if (errors.length > 0) {
			return { error: { status: 400, body: { code: 400, message: 'Validation Failed', errors } } };
		}
		return { lead };
	}

	private apply(target: ExpertLead, input: Record<string, unknown>) {
		const pref = input.preference as Record<string, unknown>;
		const str = (value: unknown) => (isBlank(value) ? null : String(value));
		const category = String(input.category);
		Object.assign(target, {
			title: String(input.title),
			first_name: String(input.first_name),
			middle_name: str(input.middle_name),
			last_name: String(input.last_name),
			email: str(input.email),
			mobile: String(input.mobile),
			address: str(input.address),
			pobox: str(input.pobox),
			city: str(input.city),
			country: String(input.country),
			status: String(input.status),
			quality: str(input.quality),
			financial: str(input.financial),
			mortgage_status: str(input.mortgage_status),
			source: str(input.source),
			channel: str(input.source_channel),
			category,
			user: input.user !== undefined ? { id: Number(input.user) } : target.user,
			fields: (input.fields as Record<string, unknown>) ?? target.fields,
			properties: Array.isArray(input.properties) ? (input.properties as number[]) : target.properties,
			updated_at: iso(this.now),
		});
		const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
		target.preferences = [
			{
				id: String(target.id),
				types: (pref.types as number[]).map((id) => ({ id: Number(id), name: TYPE_NAMES[Number(id)] ?? 'Other', category })),
				locations: (pref.locations as string[]).map((id) => ({ id: String(id), city: 'Dubai', community: 'Community' })),
				from_price: pref.from_price as number,
				to_price: pref.to_price as number,
				from_size: number(pref.from_size),
				to_size: number(pref.to_size),
				from_bathroom: number(pref.from_bathroom),
				to_bathroom: number(pref.to_bathroom),
				from_bedroom: number(pref.from_bedroom),
				to_bedroom: number(pref.to_bedroom),
				offering_type: String(pref.offering_type ?? input.offering_type),
				amenities: (pref.amenities as number[]).map((id) => ({ id: Number(id), name: `amenity ${String(id)}` })),
			},
		];
		if (Array.isArray(input.notes)) {
			for (const note of input.notes as Array<{ body?: unknown }>) {
				target.notes.push({ id: this.nextNote++, body: String(note?.body ?? '') });
			}
		}
	}

	private create(req: SimRequest): SimResponse {
		const { lead: input, error } = this.validate(req.body);
		if (error) return error;
		const lead = this.addLead({ notes: [], user: null });
		this.apply(lead, input!);
		return { status: 201, body: { lead: this.view(lead, this.expand(req)) } };
	}

	private update(req: SimRequest): SimResponse {
		const lead = this.lead(Number(req.params.id));
		if (!lead) return notFound(req.params.id);
		const { lead: input, error } = this.validate(req.body);
		if (error) return error;
		this.apply(lead, input!);
		return { status: 200, body: { lead: this.view(lead, this.expand(req)) } };
	}

	private deleteOne(req: SimRequest): SimResponse {
		const index = this.leads.findIndex((lead) => lead.id === Number(req.params.id));
		if (index < 0) return notFound(req.params.id);
		this.leads.splice(index, 1);
		return { status: 204 };
	}

	/** Apply one operation; `id` is the lead's id. Returns an error response or undefined. */
	private operate(lead: ExpertLead, field: string, op: Record<string, unknown>): SimResponse | undefined {
		if (op.op !== 'replace' && op.op !== 'add' && op.op !== 'remove') return bad(`Unknown operation "${String(op.op)}"`);
		if (field === 'status') {
			if (op.op !== 'replace' || !STATUSES.includes(String(op.value))) return bad(`Invalid status "${String(op.value)}"`);
			lead.status = String(op.value);
		} else if (field === 'assignment/user') {
			const user = this.users.find((u) => u.id === Number(op.value));
			if (op.op !== 'replace' || !user) return bad(`User ${String(op.value)} does not exist`);
			lead.user = { id: user.id };
		} else if (field === 'assignment/property' || field === 'assignment/mls') {
			// accepted, not modelled
		} else {
			return bad(`Unknown path "/${field}"`);
		}
		lead.updated_at = iso(this.now);
		return undefined;
	}

	private operations(req: SimRequest): Array<Record<string, unknown>> | SimResponse {
		const ops = (req.body as { operations?: unknown })?.operations;
		if (!Array.isArray(ops) || ops.length === 0) return bad('operations must be a non-empty list');
		return ops as Array<Record<string, unknown>>;
	}

	private patch(req: SimRequest): SimResponse {
		const lead = this.lead(Number(req.params.id));
		if (!lead) return notFound(req.params.id);
		const ops = this.operations(req);
		if (!Array.isArray(ops)) return ops;
		for (const op of ops) {
			// The seed's table writes "/id/status" (id an integer), its example "/status": both are
			// taken, and an id in the path must be this lead's.
			const path = String(op.path ?? '');
			const withId = /^\/(\d+)\/(.+)$/.exec(path);
			if (withId && Number(withId[1]) !== lead.id) return bad(`Path "${path}" names another lead than /leads/${lead.id}`);
			const error = this.operate(lead, withId ? withId[2] : path.replace(/^\//, ''), op);
			if (error) return error;
		}
		return { status: 204 };
	}

	private bulkPatch(req: SimRequest): SimResponse {
		const ops = this.operations(req);
		if (!Array.isArray(ops)) return ops;
		// Check every target first so a bad id changes nothing.
		const plan: Array<[ExpertLead[], string, Record<string, unknown>]> = [];
		for (const op of ops) {
			const match = /^\/([^/]+)\/(.+)$/.exec(String(op.path ?? ''));
			if (!match) return bad(`Invalid path "${String(op.path)}"`);
			const [, id, field] = match;
			if (id === '*') {
				plan.push([[...this.leads], field, op]);
				continue;
			}
			const lead = this.lead(Number(id));
			if (!lead) return notFound(id);
			plan.push([[lead], field, op]);
		}
		for (const [leads, field, op] of plan) {
			for (const lead of leads) {
				const error = this.operate(lead, field, op);
				if (error) return error;
			}
		}
		return { status: 204 };
	}

	private bulkDelete(req: SimRequest): SimResponse {
		const ids = (req.body as { leads?: unknown } | undefined)?.leads;
		if (ids === undefined || (Array.isArray(ids) && ids.length === 0)) {
			// As documented: no ID means every lead is deleted.
			this.deleteAllCount++;
			this.leads.length = 0;
			return { status: 204 };
		}
		if (!Array.isArray(ids)) return bad('leads must be a list of lead IDs');
		const wanted = new Set(ids.map(Number));
		for (let i = this.leads.length - 1; i >= 0; i--) if (wanted.has(this.leads[i].id)) this.leads.splice(i, 1);
		return { status: 204 };
	}
}
