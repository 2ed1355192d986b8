import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { PagedRecords, readPages, recordId } from '../shared/paging';
import { PF_MAX_PER_PAGE, pfRequest, toPfDate } from '../PropertyFinder/transport/enterprise';
import type { PollWindow } from './state';

/** Stop asking for further pages once this share of n8n's poll budget is used. */
const BUDGET_SHARE = 0.8;

export function createdAtOf(lead: IDataObject): number {
	return typeof lead.createdAt === 'string' ? Date.parse(lead.createdAt) : Number.NaN;
}

/**
 * Read the whole window, oldest first. Pages are keyed by time: after each page the next
 * request starts at the second of the last lead read (`createdAtFrom`, page 1), so a lead that
 * leaves the result set (reassigned, retagged) during a long read cannot shift an unread lead
 * onto a page already read. Leads read twice (the shared second) are kept once, by id. Only
 * when a whole page shares one second does it move on by page number.
 */
export async function readWindow(
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
