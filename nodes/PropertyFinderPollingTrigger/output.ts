import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { simplifyLead } from '../PropertyFinder/shared/lead';
import { profileIdOf, resolveAgents, withAgent } from '../PropertyFinder/shared/agents';
import type { TriggerFilter, TriggerFilters } from '../PropertyFinder/shared/filters';
import { filterMismatch, listingMismatches } from '../PropertyFinder/shared/filters';

type DropReason = TriggerFilter | 'listing category or offering';

/**
 * The leads to emit: those inside every filter sent (a filter Property Finder ignored would
 * otherwise flood the workflow; the others are dropped and counted in the log), shaped, and
 * with their agent when Resolve Agent is on (one users request for all of them).
 */
export async function output(
	this: IPollFunctions,
	leads: IDataObject[],
	filters: TriggerFilters,
	simplify: boolean,
	resolveAgent: boolean,
): Promise<INodeExecutionData[]> {
	const dropped = new Map<DropReason, string[]>();
	const drop = (reason: DropReason, lead: IDataObject) =>
		dropped.set(reason, [...(dropped.get(reason) ?? []), String(lead.id ?? '?')]);
	let inside: IDataObject[] = [];
	for (const lead of leads) {
		const mismatch = filterMismatch(lead, filters);
		if (mismatch === null) inside.push(lead);
		else drop(mismatch, lead);
	}
	const listings = await listingMismatches(this, inside, filters);
	if (listings.failure !== undefined || listings.unchecked > 0) {
		this.logger.warn(
			`Property Finder Polling Trigger: the listing category or offering of ${listings.unchecked} lead(s) could not be checked (${listings.failure ?? 'listing not among the published listings'}); they are emitted as Property Finder filtered them`,
		);
	}
	inside = inside.filter((lead, index) => {
		if (!listings.outside.has(index)) return true;
		drop('listing category or offering', lead);
		return false;
	});
	if (dropped.size > 0) {
		const count = [...dropped.values()].reduce((sum, ids) => sum + ids.length, 0);
		const detail = [...dropped.entries()].map(
			([reason, ids]) => `${reason}: ${ids.length} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`,
		);
		this.logger.warn(
			`Property Finder Polling Trigger: dropped ${count} lead(s) that Property Finder returned outside the filters sent — ${detail.join('; ')}`,
		);
	}

	const shaped = inside.map((lead) => (simplify ? simplifyLead(lead) : lead));
	if (!resolveAgent || inside.length === 0) return shaped.map((json) => ({ json }));
	const profiles = inside.map(profileIdOf);
	const agents = await resolveAgents.call(this, profiles);
	return shaped.map((json, index) => ({ json: withAgent(json, agents, simplify, profiles[index]) }));
}
