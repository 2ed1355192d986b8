import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { Page } from '../../nodes/shared/paging';
import { PagedRecords, pageSizeFor, readPages, recordId } from '../../nodes/shared/paging';

/** A served page: its records (ids from a small set, so repeats across pages are common) and whether a next page is named. */
interface ServedPage {
	records: IDataObject[];
	hasNext: boolean;
}

const record = fc.oneof(
	{ weight: 5, arbitrary: fc.integer({ min: 0, max: 12 }).map((id): IDataObject => ({ id, name: `lead ${id}` })) },
	{ weight: 1, arbitrary: fc.constant<IDataObject>({ name: 'no id' }) },
	{ weight: 1, arbitrary: fc.constant<IDataObject>({ id: null, name: 'null id' }) },
);
const servedPages = fc.array(
	fc.record({ records: fc.array(record, { maxLength: 6 }), hasNext: fc.boolean() }),
	{ minLength: 1, maxLength: 8 },
);

/**
 * What a list read must give, written from the rule and not from the loop: pages are read in
 * order while the previous one was not empty and named a next one, at most `maxPages` of them,
 * and no further once `limit` records are kept; of their records in order, the first of each
 * id and every record without one are kept, up to `limit`.
 */
function expected(pages: ServedPage[], limit: number | undefined, maxPages: number) {
	const kept: IDataObject[] = [];
	const ids = new Set<unknown>();
	let requests = 0;
	for (let index = 0; index < maxPages; index++) {
		if (limit !== undefined && kept.length >= limit) break;
		requests++;
		// Past the last page the server answers an empty one.
		const page = pages[index] ?? { records: [], hasNext: false };
		for (const r of page.records) {
			if (limit !== undefined && kept.length >= limit) break;
			const id = r.id ?? undefined;
			if (id !== undefined && ids.has(id)) continue;
			if (id !== undefined) ids.add(id);
			kept.push(r);
		}
		if (page.records.length === 0 || !page.hasNext) break;
	}
	return { kept, requests };
}

/** Serves `pages` by a cursor that is not the page number, recording what was asked. */
function server(pages: ServedPage[]) {
	const asked: Array<{ cursor: string; pagesRead: number }> = [];
	const fetchPage = async (cursor: string, pagesRead: number): Promise<Page<string>> => {
		asked.push({ cursor, pagesRead });
		const index = Number(cursor.slice('c'.length));
		const page = pages[index] ?? { records: [], hasNext: false };
		return { records: page.records, next: page.hasNext ? `c${index + 1}` : undefined };
	};
	return { asked, fetchPage };
}

describe('shared paging (nodes/shared/paging.ts)', () => {
	it('reads pages in order, keeps each id once and every record without one, and stops where the list or the limit ends', async () => {
		await fc.assert(
			fc.asyncProperty(
				servedPages,
				fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
				fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
				async (pages, limit, maxPages) => {
					const { asked, fetchPage } = server(pages);
					const got = await readPages(new PagedRecords(limit), 'c0', fetchPage, maxPages);
					const want = expected(pages, limit, maxPages ?? Number.POSITIVE_INFINITY);
					expect(got).toEqual(want.kept);
					expect(asked).toHaveLength(want.requests);
					// Each page is asked for at the cursor the one before it named.
					expect(asked).toEqual(asked.map((_, index) => ({ cursor: `c${index}`, pagesRead: index })));
				},
			),
			{ numRuns: 300 },
		);
	});

	it('stops without a further request when the page fetcher declines (answers undefined)', async () => {
		const pages: ServedPage[] = Array.from({ length: 5 }, (_, p) => ({
			records: [{ id: `a${p}` }, { id: `b${p}` }],
			hasNext: true,
		}));
		const { asked, fetchPage } = server(pages);
		const got = await readPages(new PagedRecords(), 'c0', async (cursor, pagesRead) =>
			pagesRead === 2 ? undefined : await fetchPage(cursor, pagesRead),
		);
		expect(got.map((r) => r.id)).toEqual(['a0', 'b0', 'a1', 'b1']);
		expect(asked.map((a) => a.cursor)).toEqual(['c0', 'c1']);
	});

	it('a page that names a next page but holds nothing ends the list', async () => {
		const { asked, fetchPage } = server([
			{ records: [{ id: 1 }], hasNext: true },
			{ records: [], hasNext: true },
			{ records: [{ id: 2 }], hasNext: false },
		]);
		expect(await readPages(new PagedRecords(), 'c0', fetchPage)).toEqual([{ id: 1 }]);
		expect(asked).toHaveLength(2);
	});

	it('an API whose records carry another key is de-duplicated by it (idOf)', () => {
		const records = new PagedRecords(undefined, (r) => (typeof r.uid === 'string' ? r.uid : undefined));
		records.add([{ uid: 'P1', id: 1 }, { uid: 'P2', id: 1 }]);
		records.add([{ uid: 'P2', id: 2 }, { name: 'no uid' }, { name: 'no uid' }]);
		expect(records.records).toEqual([{ uid: 'P1', id: 1 }, { uid: 'P2', id: 1 }, { name: 'no uid' }, { name: 'no uid' }]);
	});

	it('an id of 0 or "" is an id; null and a missing id are none', () => {
		expect(recordId({ id: 0 })).toBe('0');
		expect(recordId({ id: '' })).toBe('');
		expect(recordId({ id: null })).toBeUndefined();
		expect(recordId({})).toBeUndefined();
		expect(recordId(null)).toBeUndefined();
	});

	it('asks for the endpoint\'s largest page unless the limit needs fewer', () => {
		expect(pageSizeFor(undefined, 50)).toBe(50);
		expect(pageSizeFor(7, 50)).toBe(7);
		expect(pageSizeFor(500, 50)).toBe(50);
	});
});
