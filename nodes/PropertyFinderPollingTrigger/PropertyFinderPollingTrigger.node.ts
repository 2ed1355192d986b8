import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	LEAD_CHANNEL_OPTIONS,
	LEAD_ENTITY_TYPE_OPTIONS,
	simplifyLead,
	simplifyProperty,
} from '../PropertyFinder/shared/lead';
import {
	PF_MAX_PER_PAGE,
	PfDateError,
	clampCreatedAtFrom,
	leadQuery,
	listValue,
	pfPaginate,
	pfRequest,
	toPfDate,
} from '../PropertyFinder/transport/enterprise';
import type { LeadStamp, PollSettings, PollState } from './state';
import { DEFAULT_SETTINGS, advance, backfillState, baselineState, pollWindow, readState } from './state';

/** Leads returned by a manual "Fetch Test Event". */
const MANUAL_SAMPLE = 3;

/** Stop asking for further pages once this share of n8n's poll budget is used. */
const BUDGET_SHARE = 0.8;

function filtersOf(ctx: IPollFunctions): IDataObject {
	const filters = ctx.getNodeParameter('filters', {}) as IDataObject;
	return {
		channel: listValue(filters.channel),
		entityType: listValue(filters.entityType),
		listingReference: listValue(filters.listingReference),
		publicProfileId: listValue(filters.publicProfileId),
	};
}

/** The filters in a stable form: the state belongs to one set of filters. */
function fingerprint(query: IDataObject): string {
	return JSON.stringify(
		Object.keys(query)
			.sort()
			.map((key) => [key, Array.isArray(query[key]) ? [...(query[key] as string[])].sort() : query[key]]),
	);
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
					'Each new lead starts the workflow once. The first activation starts from now (nothing old is sent) unless "Since" is set in Options. The API key needs the <b>leads:read</b> scope.',
				name: 'pollNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add filter',
				default: {},
				options: [
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
				],
			},
			simplifyProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Overlap (Minutes)',
						name: 'overlapMinutes',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1440 },
						default: 10,
						description:
							'How far back each check looks again for leads that Property Finder lists late. Leads already sent are not sent again.',
					},
					{
						displayName: 'Since',
						name: 'since',
						type: 'dateTime',
						default: '',
						description:
							'On the first activation, also send the leads created since this date (at most 89 days back: Property Finder keeps 3 months). Empty: start from the activation.',
					},
				],
			},
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
		const query = leadQuery(filtersOf(this));
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const overlapMinutes = Number(options.overlapMinutes ?? 10);
		const settings: PollSettings = {
			...DEFAULT_SETTINGS,
			overlapMs: (Number.isFinite(overlapMinutes) && overlapMinutes > 0 ? overlapMinutes : 10) * 60_000,
		};
		const shape = (lead: IDataObject): INodeExecutionData => ({ json: simplify ? simplifyLead(lead) : lead });
		const lookbackStart = clampCreatedAtFrom('1970-01-01T00:00:00Z', startedAt).value;

		if (this.getMode() === 'manual') {
			// A test run shows the latest matching leads and leaves the polling state alone.
			const { body } = await pfRequest.call(this, {
				method: 'GET',
				path: '/v1/leads',
				qs: { ...query, orderBy: 'createdAt', orderDirection: 'desc', page: 1, perPage: MANUAL_SAMPLE, createdAtFrom: lookbackStart },
				idempotent: true,
			});
			const leads = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
			return leads.length > 0 ? [leads.slice(0, MANUAL_SAMPLE).map(shape)] : null;
		}

		const staticData = this.getWorkflowStaticData('node');
		const filters = fingerprint(query);
		let state: PollState | undefined = readState(staticData.pollState);
		if (!state || state.filters !== filters) {
			const since = options.since;
			if (since === undefined || since === null || since === '') {
				staticData.pollState = await baseline.call(this, query, filters, lookbackStart);
				return null;
			}
			let sinceMs: number;
			try {
				sinceMs = Date.parse(toPfDate(since, this.getTimezone()));
			} catch (error) {
				const problem = error instanceof PfDateError ? error.message : `"${String(since)}" is not a date`;
				throw new NodeOperationError(this.getNode(), `Since: ${problem}`, {
					description: 'Enter a date such as 2025-05-01 or 2025-05-01T09:00:00+04:00, or leave it empty.',
				});
			}
			state = backfillState(filters, sinceMs);
		}

		const window = pollWindow(state, startedAt, settings);
		if (window.clamped) {
			this.logger.warn(
				'Property Finder Polling Trigger: only the last 89 days can be read; older leads are skipped',
			);
		}
		if (window.from > window.to) {
			// The newest lead seen is younger than the lag (or the server clock runs ahead):
			// nothing can be asked for yet.
			return null;
		}

		const received: IDataObject[] = [];
		const budget = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : undefined;
		// The window re-reads the overlap first; stopping before any unseen lead was read would
		// leave the cursor where it is, and every later poll would stop at the same place.
		const known = new Set(state.seen.map(([id]) => id));
		let unseenRead = false;
		let slowestPage = 0;
		for (let page: number | null = 1; page !== null; ) {
			const overBudget = budget !== undefined && Date.now() - startedAt + slowestPage > budget * BUDGET_SHARE;
			if (page > 1 && unseenRead && overBudget) {
				this.logger.info(
					`Property Finder Polling Trigger: stopping after ${received.length} leads to stay inside the poll time; the next poll continues from there`,
				);
				break;
			}
			const pageStarted = Date.now();
			const { body }: { body: IDataObject } = await pfRequest.call(this, {
				method: 'GET',
				path: '/v1/leads',
				qs: {
					...query,
					orderBy: 'createdAt',
					orderDirection: 'asc',
					page,
					perPage: PF_MAX_PER_PAGE,
					createdAtFrom: toPfDate(Math.floor(window.from)),
					createdAtTo: toPfDate(Math.floor(window.to)),
				},
				idempotent: true,
			});
			slowestPage = Math.max(slowestPage, Date.now() - pageStarted);
			const records: IDataObject[] = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
			received.push(...records);
			unseenRead ||= records.some((lead) => !known.has(String(lead.id ?? '')));
			const next: unknown = (body?.pagination as IDataObject | undefined)?.nextPage;
			page = records.length > 0 && typeof next === 'number' && next > page ? next : null;
		}

		const stamps: Array<LeadStamp & { index: number }> = received
			.map((lead, index) => ({ id: String(lead.id ?? ''), createdAt: createdAtOf(lead), index }))
			.filter((stamp) => stamp.id !== '')
			// A lead without a readable date is placed at the start of the window: emitted once,
			// without moving the cursor.
			.map((stamp) => (Number.isNaN(stamp.createdAt) ? { ...stamp, createdAt: Math.max(window.from, 0) } : stamp));
		const { emit, state: next } = advance(state, stamps, settings);
		staticData.pollState = next;
		if (emit.length === 0) return null;
		return [emit.map((index) => shape(received[index]))];
	}
}

/** First activation: remember the newest existing leads as already seen, emit nothing. */
async function baseline(
	this: IPollFunctions,
	query: IDataObject,
	filters: string,
	lookbackStart: string,
): Promise<PollState> {
	const newest: LeadStamp[] = [];
	for (let page = 1; ; page++) {
		const { body } = await pfRequest.call(this, {
			method: 'GET',
			path: '/v1/leads',
			qs: { ...query, orderBy: 'createdAt', orderDirection: 'desc', page, perPage: PF_MAX_PER_PAGE, createdAtFrom: lookbackStart },
			idempotent: true,
		});
		const records = Array.isArray(body?.data) ? (body.data as IDataObject[]) : [];
		const stamps = records
			.map((lead) => ({ id: String(lead.id ?? ''), createdAt: createdAtOf(lead) }))
			.filter((stamp) => stamp.id !== '' && !Number.isNaN(stamp.createdAt));
		newest.push(...stamps);
		const top = newest.length > 0 ? newest[0].createdAt : undefined;
		const next = (body?.pagination as IDataObject | undefined)?.nextPage;
		// Leads sharing the newest timestamp may continue on the next page.
		const allAtTop = top !== undefined && stamps.length > 0 && stamps.every((stamp) => stamp.createdAt === top);
		if (!allAtTop || typeof next !== 'number' || next <= page || newest.length >= DEFAULT_SETTINGS.maxSeen) break;
	}
	return baselineState(filters, newest);
}
