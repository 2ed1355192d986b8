import type { IDataObject } from 'n8n-workflow';

/** The page size to ask for: the endpoint's largest, or the limit when that needs less. */
export function pageSizeFor(limit: number | undefined, largest: number): number {
	return limit === undefined ? largest : Math.max(1, Math.min(largest, limit));
}

/**
 * Records gathered page by page, up to `limit` (undefined: all of them). Each id is kept once:
 * a record created while paging shifts the pages and would otherwise appear twice. Records
 * without an id are all kept.
 */
export class PagedRecords {
	readonly records: IDataObject[] = [];

	private readonly seen = new Set<string>();

	constructor(private readonly limit?: number) {}

	get full(): boolean {
		return this.limit !== undefined && this.records.length >= this.limit;
	}

	/** Adds one page's records; true once the limit is reached (the rest of the page is dropped). */
	add(page: IDataObject[]): boolean {
		for (const record of page) {
			const id = record?.id === undefined || record.id === null ? undefined : String(record.id);
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
