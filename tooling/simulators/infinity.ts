/**
 * Infinity CRM External Lead API, as API-NOTES §1 describes it: POST-only, x-api-key,
 * 201 created with a round-robin assignee (or null: the unassigned pool), 200 queued_duplicate
 * when the phone is already known, 400/401/500 with `{error}`.
 */
import type { SimRequest, SimResponse } from './framework';
import { Simulator } from './framework';

export interface InfinityLead {
	lead_id: number;
	name: string;
	phone?: string;
	assigned_to: number | null;
	lead_source: string;
	status: 'intake';
	body: Record<string, unknown>;
}

export interface InfinityDuplicate {
	existing_lead_id: number;
	body: Record<string, unknown>;
}

const CATEGORIES = ['apartment', 'townhouse', 'villa'];

export class InfinitySimulator extends Simulator {
	apiKey: string;

	/** Agents with auto-assign on; empty means every lead goes to the unassigned pool. */
	agents: number[] = [5, 7, 9];

	readonly leads: InfinityLead[] = [];

	readonly duplicates: InfinityDuplicate[] = [];

	/** When set, every create answers 500 {error: "Failed to create lead"}. */
	failCreates = false;

	private nextId = 1000;

	private nextAgent = 0;

	constructor(apiKey = 'sandbox-infinity-key') {
		super('Infinity CRM');
		this.apiKey = apiKey;
		this.route('POST', '/api/crm/external/leads', (req) => this.create(req));
	}

	private create(req: SimRequest): SimResponse {
		const key = req.headers['x-api-key'];
		if (!key) return { status: 401, body: { error: 'Missing x-api-key header' } };
		if (key !== this.apiKey) return { status: 401, body: { error: 'Invalid API key' } };
		if (req.bodyError || (req.body !== undefined && (typeof req.body !== 'object' || Array.isArray(req.body)))) {
			return { status: 400, body: { error: 'Invalid JSON body' } };
		}
		const body = (req.body ?? {}) as Record<string, unknown>;
		if (typeof body.name !== 'string' || body.name.trim() === '') {
			return { status: 400, body: { error: 'name is required' } };
		}
		if (body.category !== undefined && !CATEGORIES.includes(String(body.category))) {
			return { status: 400, body: { error: 'Invalid category. Must be one of: apartment, townhouse, villa' } };
		}
		for (const field of ['budget_min', 'budget_max']) {
			if (body[field] !== undefined && typeof body[field] !== 'number') {
				return { status: 400, body: { error: `${field} must be a number` } };
			}
		}
		if (this.failCreates) return { status: 500, body: { error: 'Failed to create lead' } };

		const phone = typeof body.phone === 'string' && body.phone !== '' ? body.phone : undefined;
		const existing = phone ? this.leads.find((lead) => lead.phone === phone) : undefined;
		if (existing) {
			this.duplicates.push({ existing_lead_id: existing.lead_id, body });
			return {
				status: 200,
				body: {
					success: true,
					action: 'queued_duplicate',
					existing_lead_id: existing.lead_id,
					recommended_action: 'merge',
					message: 'A lead with this phone number already exists. Queued for admin review.',
				},
			};
		}
		const assigned = this.agents.length > 0 ? this.agents[this.nextAgent++ % this.agents.length] : null;
		const lead: InfinityLead = {
			lead_id: this.nextId++,
			name: body.name,
			phone,
			assigned_to: assigned,
			lead_source: typeof body.lead_source === 'string' ? body.lead_source : 'api',
			status: 'intake',
			body,
		};
		this.leads.push(lead);
		return {
			status: 201,
			body: {
				success: true,
				action: 'created',
				lead_id: lead.lead_id,
				assigned_to: lead.assigned_to,
				lead_source: lead.lead_source,
			},
		};
	}
}
