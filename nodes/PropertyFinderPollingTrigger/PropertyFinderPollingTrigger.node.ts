import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { filtersCollection, optionsCollection } from '../shared/fields';
import { PagedRecords, readPages, recordId } from '../shared/paging';

import {
	LEAD_CHANNEL_OPTIONS,
	LEAD_ENTITY_TYPE_OPTIONS,
	simplifyLead,
	simplifyProperty,
} from '../PropertyFinder/shared/lead';
import { profileIdOf, resolveAgentOption, resolveAgents, withAgent } from '../PropertyFinder/shared/agents';
import type { TriggerFilter, TriggerFilters } from '../PropertyFinder/shared/filters';
import {
	MORE_TRIGGER_FILTER_PROPERTIES,
	filterMismatch,
	listingMismatches,
	readTriggerFilters,
} from '../PropertyFinder/shared/filters';
import {
	PF_MAX_PER_PAGE,
	PfDateError,
	leadQuery,
	pfPaginate,
	pfRequest,
	toPfDate,
} from '../PropertyFinder/transport/enterprise';
import type { PollSettings, PollState, PollWindow } from './state';
import {
	DEFAULT_SETTINGS,
	advance,
	baselineFloor,
	fingerprint,
	initialState,
	pollWindow,
	readState,
	withFilters,
} from './state';

/** Leads returned by a manual "Fetch Test Event". */
const MANUAL_SAMPLE = 3;

/** Stop asking for further pages once this share of n8n's poll budget is used. */
const BUDGET_SHARE = 0.8;

const DEFAULT_OVERLAP_MINUTES = 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every filter as a list, empty when not set. The fingerprint leaves empty filters out, so a
 * trigger that sets none of the filters added later keeps the fingerprint it was saved with.
 */
function filtersOf(ctx: IPollFunctions): TriggerFilters {
	return readTriggerFilters(ctx.getNodeParameter('filters', {}) as IDataObject);
}

/** The filters in the editor's order: alphabetical, as n8n lists its own. */
function byDisplayName(properties: INodeProperties[]): INodeProperties[] {
	return [...properties].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

type DropReason = TriggerFilter | 'listing category or offering';

/**
 * The leads to emit: those inside every filter sent (a filter Property Finder ignored would
 * otherwise flood the workflow; the others are dropped and counted in the log), shaped, and
 * with their agent when Resolve Agent is on (one users request for all of them).
 */
async function output(
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

function createdAtOf(lead: IDataObject): number {
	return typeof lead.createdAt === 'string' ? Date.parse(lead.createdAt) : Number.NaN;
}

export class PropertyFinderPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Property Finder Polling Trigger',
		name: 'propertyFinderPollingTrigger',
		documentationUrl: 'https://github.com/property-leads/n8n-nodes-property-leads#node-property-finder-polling-trigger',
		icon: { light: 'file:propertyFinderPollingTrigger.svg', dark: 'file:propertyFinderPollingTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'New leads',
		description: 'Starts the workflow for every new Property Finder lead, checking on a schedule',
		defaults: { name: 'Property Finder Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'propertyFinderApi', required: true }],
		properties: [
			{
				displayName:
					'Each new lead starts the workflow once, also when Property Finder lists it up to "Overlap" minutes late. The first activation starts from now (nothing old is sent) unless "Since" is set in Options; editing the filters later sends no lead twice. The API key needs the <b>leads:read</b> scope.',
				name: 'pollNotice',
				type: 'notice',
				default: '',
			},
			filtersCollection(
				byDisplayName([
					...MORE_TRIGGER_FILTER_PROPERTIES,
					{
						displayName: 'Agent Names or IDs',
						name: 'publicProfileId',
						type: 'multiOptions',
						typeOptions: { loadOptionsMethod: 'getAgents' },
						default: [],
						description:
							'Only leads for these agents (public profiles). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Channel',
						name: 'channel',
						type: 'multiOptions',
						default: [],
						description: 'Only leads that came in through these channels',
						options: LEAD_CHANNEL_OPTIONS,
					},
					{
						displayName: 'Entity Type',
						name: 'entityType',
						type: 'multiOptions',
						default: [],
						description: 'Only leads about these kinds of entity (Project = Primary Plus leads)',
						options: LEAD_ENTITY_TYPE_OPTIONS,
					},
					{
						displayName: 'Listing Reference',
						name: 'listingReference',
						type: 'string',
						default: '',
						placeholder: 'e.g. APT-101, APT-102',
						description: 'Only leads for these listing references (comma-separated)',
					},
				]),
			),
			simplifyProperty,
			optionsCollection(
				[
					{
						displayName: 'Overlap (Minutes)',
						name: 'overlapMinutes',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1440 },
						default: 10,
						description:
							'Lateness window: a lead that Property Finder lists at most this many minutes after its creation time is still sent, once. Each check looks back this far; leads already sent are never sent again. A larger value takes effect as new leads come in.',
					},
					resolveAgentOption('per poll'),
					{
						displayName: 'Since',
						name: 'since',
						type: 'dateTime',
						default: '',
						description:
							'On the first activation only, also send the leads created since this date (at most 88 days back: Property Finder keeps 3 months). Changing it later has no effect. Empty: start from the activation.',
					},
				],
				null,
			),
		],
	};

	methods = {
		loadOptions: {
			async getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const users = await pfPaginate.call(this, '/v1/users', { status: 'active' }, {});
				return users
					.map((user) => (user.publicProfile && typeof user.publicProfile === 'object' ? (user.publicProfile as IDataObject) : undefined))
					.filter((profile): profile is IDataObject => profile !== undefined && profile.id !== undefined && profile.id !== null)
					.map((profile) => ({
						name: String(profile.name ?? profile.email ?? profile.id),
						value: profile.id as number,
						description: typeof profile.email === 'string' ? profile.email : undefined,
					}))
					.sort((a, b) => a.name.localeCompare(b.name));
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const startedAt = Date.now();
		const filters = filtersOf(this);
		const query = leadQuery(filters as unknown as IDataObject);
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const overlapMinutes = Number(options.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES);
		const settings: PollSettings = {
			...DEFAULT_SETTINGS,
			overlapMs: (Number.isFinite(overlapMinutes) && overlapMinutes > 0 ? overlapMinutes : DEFAULT_OVERLAP_MINUTES) * 60_000,
		};
		const resolveAgent = options.resolveAgent === true;

		if (this.getMode() === 'manual') {
			// A test run shows the latest matching leads and leaves the polling state alone.
			const { body } = await pfRequest.call(this, {
				method: 'GET',
				path: '/v1/leads',
				qs: {
					...query,
					orderBy: 'createdAt',
					orderDirection: 'desc',
					page: 1,
					perPage: MANUAL_SAMPLE,
					createdAtFrom: toPfDate(Math.ceil((startedAt - settings.maxLookbackMs) / 1000) * 1000),
				},
				idempotent: true,
			});
			const leads = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
			const sample = await output.call(this, leads.slice(0, MANUAL_SAMPLE), filters, simplify, resolveAgent);
			return sample.length > 0 ? [sample] : null;
		}

		const staticData = this.getWorkflowStaticData('node');
		const filterPrint = fingerprint(filters);
		let state: PollState | undefined = readState(staticData.pollState, startedAt, settings);
		// The first successful poll records a baseline (emits nothing) unless Since asks for a backfill.
		let baseline = false;
		if (!state) {
			const since = options.since;
			if (since === undefined || since === null || since === '') {
				baseline = true;
				state = initialState(filterPrint, baselineFloor(startedAt, settings));
			} else {
				let sinceMs: number;
				try {
					sinceMs = Date.parse(toPfDate(since, this.getTimezone()));
				} catch (error) {
					const problem = error instanceof PfDateError ? error.message : `"${String(since)}" is not a date`;
					throw new NodeOperationError(this.getNode(), `Since: ${problem}`, {
						description: 'Enter a date such as 2025-05-01 or 2025-05-01T09:00:00+04:00, or leave it empty.',
					});
				}
				state = initialState(filterPrint, sinceMs);
			}
		} else if (state.filters !== filterPrint) {
			// Edited filters: keep what was emitted, do not backfill again (see withFilters).
			state = withFilters(state, filterPrint, startedAt, settings);
		}

		const window = pollWindow(state, startedAt, settings);
		// The baseline also takes the leads of the last seconds as known (to the next whole second,
		// the precision of the query): nothing that exists at the activation is emitted later.
		if (baseline) window.to = Math.ceil(startedAt / 1000) * 1000;
		if (window.clamped) {
			this.logger.warn(
				`Property Finder Polling Trigger: only the last ${settings.maxLookbackMs / DAY_MS} days can be read; older leads are skipped`,
			);
		}
		if (window.from > window.to) {
			// The newest lead seen is younger than the lag (or Since lies ahead): nothing to ask for yet.
			return null;
		}

		const budget = typeof this.getPollBudgetMs === 'function' && !baseline ? this.getPollBudgetMs() : undefined;
		const received = await readWindow.call(this, query, window, new Set(state.seen.map(([id]) => id)), startedAt, budget);
		const stamps = received.map((lead, index) => ({ id: String(lead.id ?? ''), createdAt: createdAtOf(lead), index }));
		const { emit, odd, state: next } = advance(state, stamps, window, startedAt, settings);
		staticData.pollState = next;
		if (baseline || emit.length === 0) return null;
		for (const index of odd) {
			const lead = received[index];
			this.logger.warn(
				`Property Finder Polling Trigger: lead ${String(lead.id)} has createdAt ${JSON.stringify(lead.createdAt ?? null)}, which is unreadable or after the end of the time window asked for; it is emitted once and does not move the polling position`,
			);
		}
		const items = await output.call(this, emit.map((index) => received[index]), filters, simplify, resolveAgent);
		return items.length > 0 ? [items] : null;
	}
}

/**
 * Read the whole window, oldest first. Pages are keyed by time: after each page the next
 * request starts at the second of the last lead read (`createdAtFrom`, page 1), so a lead that
 * leaves the result set (reassigned, retagged) during a long read cannot shift an unread lead
 * onto a page already read. Leads read twice (the shared second) are kept once, by id. Only
 * when a whole page shares one second does it move on by page number.
 */
async function readWindow(
	this: IPollFunctions,
	query: IDataObject,
	window: PollWindow,
	known: Set<string>,
	startedAt: number,
	budget: number | undefined,
): Promise<IDataObject[]> {
	const received = new PagedRecords();
	const toSecond = Math.floor(window.to / 1000) * 1000;
	// The window re-reads the overlap first; stopping before any unseen lead was read would
	// leave the cursor where it is, and every later poll would stop at the same place.
	let unseenRead = false;
	let slowest = 0;
	const first = { fromSecond: Math.floor(window.from / 1000) * 1000, page: 1 };
	return await readPages(received, first, async ({ fromSecond, page }, pagesRead) => {
		const overBudget = budget !== undefined && Date.now() - startedAt + slowest > budget * BUDGET_SHARE;
		if (pagesRead > 0 && unseenRead && overBudget) {
			this.logger.info(
				`Property Finder Polling Trigger: stopping after ${received.records.length} leads to stay inside the poll time; the next poll continues from there`,
			);
			return undefined;
		}
		const requestStarted = Date.now();
		const { body }: { body: IDataObject } = await pfRequest.call(this, {
			method: 'GET',
			path: '/v1/leads',
			qs: {
				...query,
				orderBy: 'createdAt',
				orderDirection: 'asc',
				page,
				perPage: PF_MAX_PER_PAGE,
				createdAtFrom: toPfDate(fromSecond),
				createdAtTo: toPfDate(toSecond),
			},
			idempotent: true,
		});
		slowest = Math.max(slowest, Date.now() - requestStarted);
		const records: IDataObject[] = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
		if (records.some((lead) => !known.has(recordId(lead) ?? ''))) unseenRead = true;
		const next: unknown = (body?.pagination as IDataObject | undefined)?.nextPage;
		if (records.length === 0 || typeof next !== 'number' || next <= page) return { records };
		const last = Math.floor(createdAtOf(records[records.length - 1]) / 1000) * 1000;
		const byTime = Number.isFinite(last) && last > fromSecond && last <= toSecond;
		return { records, next: byTime ? { fromSecond: last, page: 1 } : { fromSecond, page: next } };
	});
}
