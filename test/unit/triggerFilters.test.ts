/**
 * The Polling Trigger's client-side check of the lead filters: a lead built to satisfy every
 * filter is kept (also with other letter case and spaces than the filter, as a lenient server
 * returns it), and breaking exactly one filter is caught as that filter.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { TriggerFilter, TriggerFilters } from '../../nodes/PropertyFinder/shared/filters';
import { TRIGGER_FILTERS, filterMismatch, readTriggerFilters } from '../../nodes/PropertyFinder/shared/filters';

const CHANNELS = ['whatsapp', 'email', 'call'];
const ENTITY_TYPES = ['listing', 'project', 'developer', 'agent', 'company'];
const STATUSES = ['sent', 'delivered', 'read', 'replied'];
const word = fc.stringMatching(/^[A-Za-z0-9-]{1,10}$/);

/** A non-empty subset, or no filter at all. */
const subsetOrNone = (values: string[]) =>
	fc.oneof(fc.constant([] as string[]), fc.subarray(values, { minLength: 1, maxLength: values.length - 1 }));
const wordsOrNone = fc.oneof(fc.constant([] as string[]), fc.uniqueArray(word, { minLength: 1, maxLength: 3, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }));

const filtersArb: fc.Arbitrary<TriggerFilters> = fc
	.record({
		channel: subsetOrNone(CHANNELS),
		entityType: subsetOrNone(ENTITY_TYPES),
		status: subsetOrNone(STATUSES),
		listingReference: wordsOrNone,
		publicProfileId: fc.oneof(fc.constant([] as string[]), fc.uniqueArray(fc.integer({ min: 1, max: 9999 }).map(String), { minLength: 1, maxLength: 3 })),
		projectId: wordsOrNone,
		developerId: wordsOrNone,
		tag: wordsOrNone,
		excludeTag: wordsOrNone,
	})
	.filter((f) => !f.tag.some((t) => f.excludeTag.some((x) => x.toLowerCase() === t.toLowerCase())))
	.map((f) => ({ ...f, listingCategory: [], listingOffering: [] }));

/** Another spelling of the same value: other case, spaces around. */
const respell = (value: string, upper: boolean) => ` ${upper ? value.toUpperCase() : value} `;

/** A lead as the API returns it, inside every filter (values picked from each filter's set). */
function leadInside(filters: TriggerFilters, pick: number, upper: boolean): IDataObject {
	const choose = (values: string[], fallback: string) => (values.length > 0 ? values[pick % values.length] : fallback);
	const tags = filters.tag.length > 0 ? [respell(choose(filters.tag, 'x'), upper)] : [];
	return {
		id: `call_lead_${pick}`,
		channel: choose(filters.channel, 'call'),
		entityType: choose(filters.entityType, 'listing'),
		status: choose(filters.status, 'sent'),
		publicProfile: { id: Number(choose(filters.publicProfileId, '1001')) },
		listing: { id: 'L1', reference: respell(choose(filters.listingReference, 'APT-1'), upper) },
		project: { id: respell(choose(filters.projectId, 'p-1'), upper) },
		developer: { id: respell(choose(filters.developerId, 'd-1'), upper) },
		tags,
		createdAt: '2026-01-01T00:00:00Z',
	};
}

/** The same lead with exactly `filter` broken. */
function breakFilter(lead: IDataObject, filter: TriggerFilter, filters: TriggerFilters): IDataObject {
	const outside = (pool: string[], wanted: string[]) => pool.find((value) => !wanted.includes(value))!;
	const other = `zz-${filters[filter].join('').length}-not-wanted`;
	switch (filter) {
		case 'channel':
			return { ...lead, channel: outside(CHANNELS, filters.channel) };
		case 'entityType':
			return { ...lead, entityType: outside(ENTITY_TYPES, filters.entityType) };
		case 'status':
			return { ...lead, status: outside(STATUSES, filters.status) };
		case 'listingReference':
			return { ...lead, listing: { id: 'L1', reference: other } };
		case 'publicProfileId':
			return { ...lead, publicProfile: { id: 10_000 + Number(filters.publicProfileId[0]) } };
		case 'projectId':
			return { ...lead, project: undefined };
		case 'developerId':
			return { ...lead, developer: { id: other } };
		case 'tag':
			return { ...lead, tags: [other] };
		case 'excludeTag':
			return { ...lead, tags: [...(lead.tags as string[]), filters.excludeTag[0].toUpperCase()] };
		default:
			throw new Error(filter);
	}
}

describe('client-side lead filter check', () => {
	test('a lead inside every filter is kept, whatever the case and spaces of its values', () => {
		fc.assert(
			fc.property(filtersArb, fc.nat(), fc.boolean(), (filters, pick, upper) => {
				expect(filterMismatch(leadInside(filters, pick, upper), filters)).toBeNull();
			}),
			{ numRuns: 500 },
		);
	});

	test('breaking exactly one set filter is caught as that filter', () => {
		fc.assert(
			fc.property(filtersArb, fc.nat(), fc.constantFrom(...TRIGGER_FILTERS.filter((f) => !f.startsWith('listingC') && f !== 'listingOffering')), (filters, pick, filter) => {
				fc.pre(filters[filter].length > 0);
				const lead = breakFilter(leadInside(filters, pick, false), filter, filters);
				expect(filterMismatch(lead, filters)).toBe(filter);
			}),
			{ numRuns: 500 },
		);
	});

	test('no filter set: every lead is kept, even one without optional fields', () => {
		const none = readTriggerFilters({});
		expect(filterMismatch({ id: 'email_lead_1', channel: 'email', tags: [] }, none)).toBeNull();
	});

	test('a listing category or offering filter drops leads that are not on a listing', () => {
		const filters = readTriggerFilters({ listingCategory: ['residential'] });
		expect(filterMismatch({ id: 'p', entityType: 'project', project: { id: 'x' }, tags: [] }, filters)).toBe('listingCategory');
		expect(filterMismatch({ id: 'l', entityType: 'listing', listing: { id: 'L', reference: 'R' }, tags: [] }, filters)).toBeNull();
	});

	test('filters from the editor: comma-separated texts and multi-options read the same', () => {
		expect(readTriggerFilters({ tag: 'hot, vip', status: ['sent'], projectId: '' })).toMatchObject({
			tag: ['hot', 'vip'],
			status: ['sent'],
			projectId: [],
			channel: [],
		});
	});
});
