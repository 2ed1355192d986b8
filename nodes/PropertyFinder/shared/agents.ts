import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RequestContext } from '../../shared/transport';
import { transportContext } from '../../shared/transport';
import { pfPaginate, pfRequest } from '../transport/enterprise';

/**
 * The one agent resolver of the package: the Property Finder node's lead Get and Get Many,
 * the Property Finder Trigger and the Polling Trigger all add the lead's agent through it.
 *
 * - One `GET /v1/users?publicProfileId=a,b,c&perPage=100` for every agent a run needs: the
 *   API takes a comma-separated list of public profile ids and pages of at most 100 users,
 *   so up to 100 distinct agents cost one request whatever the number of leads. Only a run
 *   whose leads name more than 100 distinct agents needs one more request per further 100.
 * - Cached per run: the context object n8n hands to one execution, one poll or one webhook
 *   delivery is the key. A failed lookup is cached too, so it is not repeated in that run.
 * - A lookup that fails never loses a lead: the agent fields are null and `agentNotice` says
 *   why (a key without `users:read` gets exactly that advice).
 */

/**
 * What a lead gains when its agent is resolved. `name`, `email` and `phone` are the user's own
 * (the login e-mail is what a CRM knows the agent by), falling back to the public profile's;
 * the public profile's contact details are kept beside them.
 */
export interface Agent {
	userId: number | null;
	publicProfileId: number;
	name: string | null;
	email: string | null;
	phone: string | null;
	profileEmail: string | null;
	profilePhone: string | null;
	whatsappPhone: string | null;
}

/** The agents of one run, and why they are missing when the lookup failed. */
export interface ResolvedAgents {
	/** The agent of a public profile id; null when Property Finder has no such (active) agent. */
	agentOf(profileId: unknown): Agent | null;
	/** Set when the lookup failed: the agent fields are null for that reason. */
	notice: string | null;
}

interface RunCache {
	agents: Map<string, Agent | null>;
	notice: string | null;
}

const cache = new WeakMap<object, RunCache>();

/** The largest page GET /v1/users serves (the API description: "max 100 allowed"). */
export const PF_USERS_PER_PAGE = 100;

/** The users lookup of a webhook delivery must leave room for Property Finder's 5 s answer. */
export const WEBHOOK_AGENT_BUDGET_MS = 1500;

export const SCOPE_NOTICE =
	'Agent not added: the key lacks the users:read scope; turn Resolve Agent off or add the scope to the Property Finder API key.';

export interface AgentLookupOptions {
	itemIndex?: number;
	/** Milliseconds per users request. */
	timeout?: number;
	/**
	 * A hard bound on the whole lookup, token included. When it runs out the agents are
	 * null and the notice says so; the request is not repeated.
	 */
	budgetMs?: number;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function agentFrom(user: IDataObject, profileId: string): Agent | null {
	// A deactivated user cannot take a lead: treat it as no agent.
	if (user.status === 'inactive') return null;
	const profile = (user.publicProfile ?? {}) as IDataObject;
	const fullName = [user.firstName, user.lastName].filter((part) => typeof part === 'string' && part !== '').join(' ');
	const id = typeof user.id === 'number' ? user.id : Number(user.id);
	return {
		userId: Number.isFinite(id) ? id : null,
		publicProfileId: Number(profileId),
		name: text(fullName) ?? text(profile.name),
		email: text(user.email) ?? text(profile.email),
		phone: text(user.mobile) ?? text(profile.phone),
		profileEmail: text(profile.email),
		profilePhone: text(profile.phone),
		whatsappPhone: text(profile.whatsappPhone),
	};
}

/** The public profile id of a lead, raw (`publicProfile.id`) or flat (`agentPublicProfileId`). */
export function profileIdOf(lead: IDataObject): string | undefined {
	const raw = lead.publicProfile && typeof lead.publicProfile === 'object' ? (lead.publicProfile as IDataObject).id : undefined;
	const id = raw ?? lead.agentPublicProfileId;
	if (id === undefined || id === null || id === '') return undefined;
	const value = String(id).trim();
	// Only numeric ids can be asked for; anything else has no agent.
	return /^\d+$/.test(value) ? value : undefined;
}

function noticeFor(error: unknown): string {
	const context = transportContext(error);
	if (context?.statusCode === 403) return SCOPE_NOTICE;
	const message = error instanceof Error ? error.message : String(error);
	return `Agent not added: Property Finder's users lookup failed (${message}). The lead is complete otherwise; the agent fields are empty.`;
}

const OUT_OF_TIME: unique symbol = Symbol('out of time');

const BUDGET_STEP_MS = 25;

/**
 * The lookup's result, or OUT_OF_TIME once `budgetMs` has passed; a late answer (or failure)
 * is dropped. Checked in short steps rather than one long timer, so nothing keeps waiting
 * once the lookup is done (n8n's `sleep` cannot be cancelled).
 */
async function withinBudget<T>(lookup: Promise<T>, budgetMs: number): Promise<T | typeof OUT_OF_TIME> {
	let settled = false;
	lookup.then(
		() => (settled = true),
		() => (settled = true),
	);
	const deadline = Date.now() + budgetMs;
	while (!settled && Date.now() < deadline) await sleep(Math.min(BUDGET_STEP_MS, Math.max(1, deadline - Date.now())));
	return settled ? await lookup : OUT_OF_TIME;
}

async function fetchUsers(
	ctx: RequestContext,
	profileIds: string[],
	options: AgentLookupOptions,
): Promise<Map<string, Agent | null>> {
	const found = new Map<string, Agent | null>();
	for (let start = 0; start < profileIds.length; start += PF_USERS_PER_PAGE) {
		const chunk = profileIds.slice(start, start + PF_USERS_PER_PAGE);
		const { body } = await pfRequest.call(
			ctx,
			{
				method: 'GET',
				path: '/v1/users',
				qs: { publicProfileId: chunk.join(','), perPage: PF_USERS_PER_PAGE },
				idempotent: true,
				// Under a hard bound a timed-out read is not sent again: the bound decides.
				once: options.budgetMs !== undefined,
				timeout: options.budgetMs ?? options.timeout,
			},
			options.itemIndex,
		);
		const users = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
		for (const id of chunk) {
			const user = users.find((entry) => String((entry.publicProfile as IDataObject | null)?.id) === id);
			found.set(id, user ? agentFrom(user, id) : null);
		}
	}
	return found;
}

/**
 * The agents behind the public profile ids of a run's leads. Never throws for a failed
 * lookup: the result then has no agents and a notice.
 */
export async function resolveAgents(
	this: RequestContext,
	profileIds: Array<string | undefined>,
	options: AgentLookupOptions = {},
): Promise<ResolvedAgents> {
	let run = cache.get(this);
	if (!run) {
		run = { agents: new Map(), notice: null };
		cache.set(this, run);
	}
	const state = run;
	const missing = [...new Set(profileIds.filter((id): id is string => id !== undefined))].filter(
		(id) => !state.agents.has(id),
	);
	if (missing.length > 0 && state.notice === null) {
		const lookup = fetchUsers(this, missing, options);
		let outcome: Map<string, Agent | null> | typeof OUT_OF_TIME;
		try {
			if (options.budgetMs === undefined) {
				outcome = await lookup;
			} else {
				outcome = await withinBudget(lookup, options.budgetMs);
			}
			if (outcome === OUT_OF_TIME) {
				state.notice = `Agent not added: Property Finder's users lookup did not answer within ${options.budgetMs} ms. The lead is complete otherwise; the agent fields are empty.`;
			} else {
				for (const [id, agent] of outcome) state.agents.set(id, agent);
			}
		} catch (error) {
			state.notice = noticeFor(error);
		}
		if (state.notice !== null) this.logger.warn(`Property Finder: ${state.notice}`);
	}
	return {
		agentOf: (profileId: unknown) => {
			const id = profileId === undefined || profileId === null ? undefined : String(profileId);
			return id === undefined ? null : (state.agents.get(id) ?? null);
		},
		notice: state.notice,
	};
}

/**
 * Add the lead's agent to an output object: the flat lead gets `agentUserId`, `agentName`,
 * `agentEmail`, `agentPhone` (null when unknown); the raw lead gets `agent` (the object or
 * null). Both get `agentNotice` when the lookup failed.
 */
export function withAgent(
	json: IDataObject,
	resolved: ResolvedAgents,
	simplified: boolean,
	profileId: string | undefined = profileIdOf(json),
): IDataObject {
	const agent = resolved.agentOf(profileId);
	const out: IDataObject = simplified
		? {
				...json,
				agentUserId: agent?.userId ?? null,
				agentName: agent?.name ?? null,
				agentEmail: agent?.email ?? null,
				agentPhone: agent?.phone ?? null,
			}
		: { ...json, agent: agent ? { ...agent } : null };
	if (resolved.notice !== null) out.agentNotice = resolved.notice;
	return out;
}

/** The entries of the node's lead operations that asked for their agent. */
export interface AgentEntry {
	prepared: { resolveAgent: boolean; simplify: boolean; timeout?: number };
	itemIndex: number;
	json: IDataObject[];
}

/**
 * After every item of an execution was fetched: one lookup for the agents of all of them,
 * written into the items' output objects in place.
 */
export async function addAgentsToEntries(this: IExecuteFunctions, entries: AgentEntry[]): Promise<void> {
	const wanted = entries.filter((entry) => entry.prepared.resolveAgent);
	if (wanted.length === 0) return;
	const timeouts = wanted.map((entry) => entry.prepared.timeout).filter((t): t is number => t !== undefined);
	const resolved = await resolveAgents.call(
		this,
		wanted.flatMap((entry) => entry.json.map(profileIdOf)),
		{ itemIndex: wanted[0].itemIndex, timeout: timeouts.length > 0 ? Math.max(...timeouts) : undefined },
	);
	for (const entry of wanted) {
		entry.json.splice(
			0,
			entry.json.length,
			...entry.json.map((json) => withAgent(json, resolved, entry.prepared.simplify)),
		);
	}
	if (resolved.notice !== null) this.addExecutionHints({ message: resolved.notice, location: 'outputPane' });
}

/** The Resolve Agent option, the same in every node that offers it. */
export function resolveAgentOption(where: string): INodeProperties {
	return {
		displayName: 'Resolve Agent',
		name: 'resolveAgent',
		type: 'boolean',
		default: false,
		description: `Whether to add the agent's user ID, name, email and phone to each lead (agentUserId, agentName, agentEmail, agentPhone; empty when Property Finder has no such active agent). One users request ${where}, whatever the number of leads. The key needs the users:read scope.`,
	};
}

/** Agents (public profiles) for dropdowns: "Name (email)" → public profile id. */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const users = await pfPaginate.call(this, '/v1/users', { status: 'active' }, { limit: 500 });
	return users
		.filter((user) => user.publicProfile && typeof user.publicProfile === 'object')
		.map((user) => {
			const profile = user.publicProfile as IDataObject;
			return {
				name: `${String(profile.name ?? `${String(user.firstName ?? '')} ${String(user.lastName ?? '')}`).trim()} (${String(user.email ?? profile.email ?? '')})`,
				value: String(profile.id),
			};
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}
