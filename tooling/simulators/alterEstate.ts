/**
 * AlterEstate, as API-NOTES §4 and the leads seed describe it: POST /api/v1/leads/ with
 * `Authorization: Token <api key>`, reads with an `aetoken` header, trailing slashes on every
 * path. Create answers 201 {status:201, data, log_id, deal_id}; a known phone or email answers
 * 200 {status:200, message, log_id} when the company disallows duplicates; validation errors are
 * 400 {status:"error", message}. Authentication errors use Django REST framework's bodies.
 */
import type { SimRequest, SimResponse } from './framework';
import { Simulator } from './framework';

export interface AlterEstateAgent {
	id: number;
	full_name: string;
	email: string;
	phone: string;
	active: boolean;
}

export interface AlterEstateContact {
	id: number;
	uid: string;
	full_name: string;
	email: string;
	phone: string;
	via: number;
	/** Email of the agent the lead went to (related, round robin or the default logic). */
	assigned_to: string | null;
	round_robin?: string;
	deal_id: number;
	body: Record<string, unknown>;
}

export interface AlterEstateProperty {
	cid: number;
	uid: string;
	slug: string;
	name: string;
	short_description: string;
	category: { id: number; name: string };
	listing_type: Array<{ id: number; listing: string }>;
	sale_price: number | null;
	rent_price: number | null;
	currency_sale: string;
	city: string;
	sector: string;
	room: number;
	bathroom: number;
	property_area: number;
	agents: number[];
}

export const REQUIRED_FIELDS = ['full_name', 'phone', 'email'] as const;

const UNAUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const INVALID_TOKEN = { detail: 'Invalid token.' };

const DEFAULT_AGENTS: AlterEstateAgent[] = [
	{ id: 134, full_name: 'Maria Santos', email: 'maria@agency.example', phone: '+18095550101', active: true },
	{ id: 135, full_name: 'Omar Haddad', email: 'omar@agency.example', phone: '+971501110000', active: true },
	{ id: 136, full_name: 'Former Agent', email: 'former@agency.example', phone: '+18095550199', active: false },
];

function makeProperties(): AlterEstateProperty[] {
	const cities = ['Punta Cana', 'Santo Domingo', 'Dubai'];
	const sectors = ['Bávaro', 'Piantini', 'Marina'];
	return Array.from({ length: 45 }, (_, i) => {
		const rent = i % 3 === 0;
		const cityIndex = i % cities.length;
		return {
			cid: 5000 + i,
			uid: `PU${String(i).padStart(6, '0')}`,
			slug: `property-${i}-${cities[cityIndex].toLowerCase().replace(/\s+/g, '-')}`,
			name: `${rent ? 'Rental' : 'Sale'} home ${i}${i % 5 === 0 ? ' ocean view' : ''}`,
			short_description: i % 5 === 0 ? 'Wide ocean view from every room' : 'Close to shops and schools',
			category: i % 2 === 0 ? { id: 1, name: 'Apartment' } : { id: 2, name: 'House' },
			listing_type: rent ? [{ id: 2, listing: 'Rent' }] : [{ id: 1, listing: 'Sale' }],
			sale_price: rent ? null : 100_000 + i * 25_000,
			rent_price: rent ? 1_000 + i * 50 : null,
			currency_sale: 'USD',
			city: cities[cityIndex],
			sector: sectors[cityIndex],
			room: 1 + (i % 4),
			bathroom: 1 + (i % 3),
			property_area: 60 + i * 5,
			agents: [i % 2 === 0 ? 134 : 135],
		};
	});
}

export class AlterEstateSimulator extends Simulator {
	apiKey: string;

	publicToken: string;

	/** The company setting: when false, a known phone or email answers 200 "already exists". */
	allowDuplicates = false;

	agents: AlterEstateAgent[] = DEFAULT_AGENTS.map((agent) => ({ ...agent }));

	/** Round robin rule UIDs → the agents they cycle through. */
	roundRobins: Record<string, string[]> = { rr_main: ['maria@agency.example', 'omar@agency.example'] };

	readonly contacts: AlterEstateContact[] = [];

	/** Log entries written for duplicates (the agent owning the contact is notified). */
	readonly duplicateLogs: Array<{ log_id: string; contact_id: number; body: Record<string, unknown> }> = [];

	properties: AlterEstateProperty[] = makeProperties();

	/** DRF PageNumberPagination page size of the filter endpoint. */
	pageSize = 20;

	private nextContact = 1238837;

	private nextDeal = 640682;

	private nextLog = 453995;

	private rrPosition = 0;

	constructor(apiKey = 'sandbox-alterestate-key', publicToken = 'sandbox-alterestate-aetoken') {
		super('AlterEstate');
		this.apiKey = apiKey;
		this.publicToken = publicToken;
		this.route('POST', '/api/v1/leads/', (req) => this.createLead(req));
		this.route('GET', '/api/v1/agents/', (req) => this.read(req, () => this.listAgents()));
		this.route('GET', '/api/v1/properties/filter/', (req) => this.read(req, () => this.filterProperties(req)));
		this.route('GET', '/api/v1/properties/view/:slug/', (req) => this.read(req, () => this.viewProperty(req)));
	}

	reset() {
		this.resetLog();
		this.clearFaults();
		this.contacts.length = 0;
		this.duplicateLogs.length = 0;
		this.allowDuplicates = false;
		this.agents = DEFAULT_AGENTS.map((agent) => ({ ...agent }));
		this.properties = makeProperties();
		this.pageSize = 20;
		this.latencyMs = 0;
	}

	/** Routes are registered with their trailing slash: a path without it gets a 404, as in production. */
	private read(req: SimRequest, handler: () => SimResponse): SimResponse {
		const token = req.headers.aetoken;
		if (!token) return { status: 401, body: UNAUTHENTICATED };
		if (token !== this.publicToken) return { status: 401, body: INVALID_TOKEN };
		return handler();
	}

	private createLead(req: SimRequest): SimResponse {
		const authorization = req.headers.authorization;
		if (!authorization) return { status: 401, body: UNAUTHENTICATED };
		const match = /^Token\s+(.+)$/.exec(authorization);
		if (!match || match[1] !== this.apiKey) return { status: 401, body: INVALID_TOKEN };
		if (req.bodyError || !req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
			if (req.body === undefined && !req.bodyError) {
				return { status: 400, body: { status: 'error', message: 'Missing required field: full_name' } };
			}
			return { status: 400, body: { status: 'error', message: 'JSON parse error' } };
		}
		const body = req.body as Record<string, unknown>;
		for (const field of REQUIRED_FIELDS) {
			if (typeof body[field] !== 'string' || (body[field] as string).trim() === '') {
				return { status: 400, body: { status: 'error', message: `Missing required field: ${field}` } };
			}
		}
		if (body.via !== undefined && !(typeof body.via === 'number' && Number.isInteger(body.via))) {
			return { status: 400, body: { status: 'error', message: 'Field via must be a channel id (number)' } };
		}

		// round_robin beats related; an unknown related email fails the whole lead, as the
		// production lookup of the user by email does.
		let assigned: string | null = null;
		const roundRobin = typeof body.round_robin === 'string' ? body.round_robin : undefined;
		if (roundRobin !== undefined) {
			const rule = this.roundRobins[roundRobin];
			if (!rule) return { status: 400, body: { status: 'error', message: 'Round robin matching query does not exist.' } };
			assigned = rule[this.rrPosition++ % rule.length];
		} else if (body.related !== undefined) {
			const agent = this.agents.find((candidate) => candidate.email === body.related);
			if (!agent) return { status: 400, body: { status: 'error', message: 'User matching query does not exist.' } };
			assigned = agent.email;
		}

		const phone = body.phone as string;
		const email = (body.email as string).toLowerCase();
		if (!this.allowDuplicates) {
			const existing = this.contacts.find(
				(contact) => contact.phone === phone || contact.email.toLowerCase() === email,
			);
			if (existing) {
				const log_id = `LOG${this.nextLog++}`;
				this.duplicateLogs.push({ log_id, contact_id: existing.id, body });
				return {
					status: 200,
					body: { status: 200, message: 'This contact already exists. No new deal was created.', log_id },
				};
			}
		}

		const contact: AlterEstateContact = {
			id: this.nextContact++,
			uid: `C${(this.nextContact * 7919).toString(36).toUpperCase()}`,
			full_name: body.full_name as string,
			email: body.email as string,
			phone,
			via: typeof body.via === 'number' ? body.via : 104,
			assigned_to: assigned,
			round_robin: roundRobin,
			deal_id: this.nextDeal++,
			body,
		};
		this.contacts.push(contact);
		const notes = typeof body.notes === 'string' ? body.notes : 'No hay ninguna nota.';
		return {
			status: 201,
			body: {
				status: 201,
				data: {
					id: contact.id,
					company: 0,
					uid: contact.uid,
					full_name: contact.full_name,
					email: contact.email,
					description: `Creado a través de la API de Leads.<br/><strong>Via o Canal:</strong> Sin Vía<br/><strong>Notas:</strong>${notes}`,
					via: contact.via,
					phone: contact.phone,
					distinct_id: null,
					ctype: 37,
					related_contacts: [],
				},
				log_id: this.nextLog++,
				deal_id: contact.deal_id,
			},
		};
	}

	private listAgents(): SimResponse {
		return {
			status: 200,
			body: this.agents
				.filter((agent) => agent.active)
				.map(({ id, full_name, email, phone, active }) => ({ id, full_name, email, phone, active })),
		};
	}

	private filterProperties(req: SimRequest): SimResponse {
		const q = (name: string) => {
			const value = req.query[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const num = (name: string) => (q(name) === undefined ? undefined : Number(q(name)));
		let list = this.properties;
		const search = q('search')?.toLowerCase();
		if (search) {
			list = list.filter((p) =>
				[p.name, p.short_description, p.city, p.sector].some((text) => text.toLowerCase().includes(search)),
			);
		}
		const listingType = num('listing_type');
		if (listingType !== undefined) list = list.filter((p) => p.listing_type.some((t) => t.id === listingType));
		const category = num('category');
		if (category !== undefined) list = list.filter((p) => p.category.id === category);
		const cityName = q('city_name')?.toLowerCase();
		if (cityName) list = list.filter((p) => p.city.toLowerCase().includes(cityName));
		const sector = q('sector')?.toLowerCase();
		if (sector) list = list.filter((p) => p.sector.toLowerCase().includes(sector));
		const price = (p: AlterEstateProperty) => p.sale_price ?? p.rent_price ?? 0;
		const valueMin = num('value_min');
		if (valueMin !== undefined) list = list.filter((p) => price(p) >= valueMin);
		const valueMax = num('value_max');
		if (valueMax !== undefined) list = list.filter((p) => price(p) <= valueMax);
		const roomsMin = num('rooms_min');
		if (roomsMin !== undefined) list = list.filter((p) => p.room >= roomsMin);
		const roomsMax = num('rooms_max');
		if (roomsMax !== undefined) list = list.filter((p) => p.room <= roomsMax);
		const bathMin = num('bath_min');
		if (bathMin !== undefined) list = list.filter((p) => p.bathroom >= bathMin);
		const areaMin = num('area_min');
		if (areaMin !== undefined) list = list.filter((p) => p.property_area >= areaMin);
		const areaMax = num('area_max');
		if (areaMax !== undefined) list = list.filter((p) => p.property_area <= areaMax);
		const agent = num('agent');
		if (agent !== undefined) list = list.filter((p) => p.agents.includes(agent));

		const page = q('page') === undefined ? 1 : Number(q('page'));
		const pages = Math.max(1, Math.ceil(list.length / this.pageSize));
		if (!Number.isInteger(page) || page < 1 || page > pages) {
			return { status: 404, body: { detail: 'Invalid page.' } };
		}
		const link = (target: number) => {
			const params = new URLSearchParams();
			for (const [key, value] of Object.entries(req.query)) {
				if (key !== 'page') params.set(key, Array.isArray(value) ? value[0] : value);
			}
			params.set('page', String(target));
			return `${this.url}/api/v1/properties/filter/?${params.toString()}`;
		};
		const results = list
			.slice((page - 1) * this.pageSize, page * this.pageSize)
			// The list view leaves out the agents, as the public list does.
			.map((property) => {
				const listed: Partial<AlterEstateProperty> = { ...property };
				delete listed.agents;
				return listed;
			});
		return {
			status: 200,
			body: {
				count: list.length,
				next: page < pages ? link(page + 1) : null,
				previous: page > 1 ? link(page - 1) : null,
				results,
			},
		};
	}

	private viewProperty(req: SimRequest): SimResponse {
		const property = this.properties.find((p) => p.slug === req.params.slug);
		if (!property) return { status: 404, body: { detail: 'Not found.' } };
		const agents = this.agents
			.filter((agent) => property.agents.includes(agent.id))
			.map(({ id, full_name, email, phone }) => ({ id, full_name, email, phone }));
		const rest: Partial<AlterEstateProperty> = { ...property };
		delete rest.agents;
		return {
			status: 200,
			body: { ...rest, description: `${property.short_description}. Full description.`, agents, gallery_images: [] },
		};
	}
}
