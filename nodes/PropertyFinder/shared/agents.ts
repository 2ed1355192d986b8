import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { pfPaginate, pfRequest } from '../transport/enterprise';

/** What a lead gains when its agent is resolved. */
export interface Agent {
	userId: number | null;
	publicProfileId: number;
	name: string | null;
	email: string | null;
	phone: string | null;
	whatsappPhone: string | null;
}

/**
 * Agents already looked up, per execution: the context object n8n hands to every item of one
 * run is the key, so a profile is fetched once per run however many leads name it.
 */
const cache = new WeakMap<object, Map<string, Agent | null>>();

/** Profiles asked for in one request (GET /v1/users takes a comma-separated list). */
const PROFILES_PER_REQUEST = 50;

function agentFrom(user: IDataObject, profileId: string): Agent {
	const profile = (user.publicProfile ?? {}) as IDataObject;
	const fullName = [user.firstName, user.lastName].filter((part) => typeof part === 'string' && part !== '').join(' ');
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
	return {
		userId: typeof user.id === 'number' ? user.id : user.id === undefined ? null : Number(user.id),
		publicProfileId: Number(profileId),
		name: text(profile.name) ?? text(fullName),
		email: text(profile.email) ?? text(user.email),
		phone: text(profile.phone) ?? text(user.mobile),
		whatsappPhone: text(profile.whatsappPhone),
	};
}

/** The agents behind these public profile ids (null when Property Finder has no such user). */
export async function resolveAgents(
	this: IExecuteFunctions,
	profileIds: string[],
	itemIndex: number,
	timeout?: number,
): Promise<Map<string, Agent | null>> {
	let known = cache.get(this);
	if (!known) {
		known = new Map();
		cache.set(this, known);
	}
	const missing = [...new Set(profileIds)].filter((id) => !known.has(id));
	for (let start = 0; start < missing.length; start += PROFILES_PER_REQUEST) {
		const chunk = missing.slice(start, start + PROFILES_PER_REQUEST);
		const { body } = await pfRequest.call(
			this,
			{
				method: 'GET',
				path: '/v1/users',
				qs: { publicProfileId: chunk.join(','), perPage: PROFILES_PER_REQUEST },
				idempotent: true,
				timeout,
			},
			itemIndex,
		);
		const users = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
		for (const id of chunk) {
			const user = users.find((entry) => String((entry.publicProfile as IDataObject | null)?.id) === id);
			known.set(id, user ? agentFrom(user, id) : null);
		}
	}
	return known;
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
