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

import type { TriggerFilters } from '../PropertyFinder/shared/filters';
import { readTriggerFilters } from '../PropertyFinder/shared/filters';
import { PfDateError, leadQuery, pfPaginate, pfRequest, toPfDate } from '../PropertyFinder/transport/enterprise';
import { pollingTriggerProperties } from './fields';
import { output } from './output';
import { createdAtOf, readWindow } from './readWindow';
import type { PollSettings, PollState } from './state';
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

/*
 * The polling trigger: its description (parameters: fields.ts) and poll(), which reads the
 * time window the polling state asks for (readWindow.ts; the state: state.ts) and emits the
 * new leads inside the filters (output.ts).
 */

/** Leads returned by a manual "Fetch Test Event". */
const MANUAL_SAMPLE = 3;

const DEFAULT_OVERLAP_MINUTES = 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every filter as a list, empty when not set. The fingerprint leaves empty filters out, so a
 * trigger that sets none of the filters added later keeps the fingerprint it was saved with.
 */
function filtersOf(ctx: IPollFunctions): TriggerFilters {
	return readTriggerFilters(ctx.getNodeParameter('filters', {}) as IDataObject);
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
		properties: pollingTriggerProperties,
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
