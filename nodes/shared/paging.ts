import type { IDataObject } from 'n8n-workflow';

/**
 * Lists read page by page, written once: the request of a "Get Many" item (`ListRequest`,
 * read by `readListParameters` in fields.ts), the records gathered (`PagedRecords`: each id
 * once, up to the limit) and the loop over the pages (`readPages`). A service says only how to
 * fetch one page and where the next one starts.
 */

/** What a "Get Many" item asks for: its query, how many records (undefined: all), its timeout. */
export interface ListRequest {
	qs: IDataObject;
	limit?: number;
	timeout?: number;
}

/** The part of a list request a service's paging function takes, for the item it belongs to. */
export function pagingOf(request: ListRequest, itemIndex: number): { limit?: number; timeout?: number; itemIndex: number } {
	return { limit: request.limit, timeout: request.timeout, itemIndex };
}

/** The page size to ask for: the endpoint's largest, or the limit when that needs less. */
export function pageSizeFor(limit: number | undefined, largest: number): number {
	return limit === undefined ? largest : Math.max(1, Math.min(largest, limit));
}

/** A record's `id` as text, or undefined when it has none. */
export function recordId(record: IDataObject | null | undefined): string | undefined {
	return record?.id === undefined || record.id === null ? undefined : String(record.id);
}

/**
 * Records gathered page by page, up to `limit` (undefined: all of them). Each id (by default
 * the record's `id`; `idOf` for an API that names it otherwise) is kept once: a record created
 * while paging shifts the pages and would otherwise appear twice. Records without an id are
 * all kept.
 */
export class PagedRecords {
	readonly records: IDataObject[] = [];

	private readonly seen = new Set<string>();

	constructor(
		private readonly limit?: number,
		private readonly idOf: (record: IDataObject) => string | undefined = recordId,
	) {}

	get full(): boolean {
		return this.limit !== undefined && this.records.length >= this.limit;
	}

	/** Adds one page's records; true once the limit is reached (the rest of the page is dropped). */
	add(page: IDataObject[]): boolean {
		for (const record of page) {
			const id = this.idOf(record);
			if (id !== undefined) {
				if (this.seen.has(id)) continue;
				this.seen.add(id);
			}
			this.records.push(record);
			if (this.full) return true;
		}
		return false;
	}
}

/** One page as the paging loop needs it: its records, and where the next page starts (none: the list ends). */
export interface Page<C> {
	records: IDataObject[];
	next?: C;
}

/**
 * The loop over the pages of a list: fetches the page at `first`, then at each page's `next`,
 * into `into`, until a page names no next one, a page is empty (whatever it names next), the
 * limit of `into` is reached, `maxPages` pages were fetched, or `fetchPage` answers undefined
 * instead of fetching (the caller stops there, e.g. to stay inside its time). `pagesRead` is
 * the number of pages fetched before this one. Returns the records of `into`.
 */
export async function readPages<C>(
	into: PagedRecords,
	first: C,
	fetchPage: (cursor: C, pagesRead: number) => Promise<Page<C> | undefined>,
	maxPages = Number.POSITIVE_INFINITY,
): Promise<IDataObject[]> {
	let cursor = first;
	for (let pagesRead = 0; pagesRead < maxPages && !into.full; pagesRead++) {
		const page = await fetchPage(cursor, pagesRead);
		if (page === undefined || into.add(page.records)) break;
		if (page.records.length === 0 || page.next === undefined) break;
		cursor = page.next;
	}
	return into.records;
}
