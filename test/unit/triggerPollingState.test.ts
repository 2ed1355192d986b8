import type { LeadStamp, PollSettings, PollState, PollWindow } from '../../nodes/PropertyFinderPollingTrigger/state';
import {
	STATE_VERSION,
	advance,
	baselineFloor,
	fingerprint,
	initialState,
	pollWindow,
	readState,
	withFilters,
} from '../../nodes/PropertyFinderPollingTrigger/state';

const settings: PollSettings = { overlapMs: 100, lagMs: 10, maxSeen: 5, maxLookbackMs: 10_000 };

function leads(...stamps: Array<[string, number]>): Array<LeadStamp & { index: number }> {
	return stamps.map(([id, createdAt], index) => ({ id, createdAt, index }));
}

function state(partial: Partial<PollState>): PollState {
	return { version: STATE_VERSION, filters: 'f', cursor: null, floor: 0, seen: [], polledAt: null, ...partial };
}

const wide: PollWindow = { from: 0, to: 5000, clamped: false };

describe('polling state machine', () => {
	it('first activation: reads the lateness window before it, records it, and a later lead is new', () => {
		const floor = baselineFloor(1000, settings);
		expect(floor).toBe(1000 - 10 - 100);
		const start = initialState('f', floor);
		expect(pollWindow(start, 1000, settings)).toEqual({ from: floor, to: 990, clamped: false });
		const { state: after } = advance(start, leads(['b', 950], ['c', 950], ['a', 900]), { from: floor, to: 1000, clamped: false }, 1000, settings);
		expect(after.cursor).toBe(950);
		expect(after.seen.map(([id]) => id).sort()).toEqual(['a', 'b', 'c']);
		// A lead created in the same millisecond, listed after the baseline, is new; the known ones are not.
		const { emit } = advance(after, leads(['b', 950], ['c', 950], ['d', 950]), pollWindow(after, 1100, settings), 1100, settings);
		expect(emit).toEqual([2]);
	});

	it('a backfill starts at the requested date, clamped to the look-back limit', () => {
		expect(pollWindow(initialState('f', 15_000), 20_000, settings)).toEqual({ from: 15_000, to: 19_990, clamped: false });
		expect(pollWindow(initialState('f', 1_000), 20_000, settings)).toEqual({ from: 10_000, to: 19_990, clamped: true });
	});

	it('emits new ids oldest first, each once, and moves the cursor to the newest received', () => {
		const start = state({ cursor: 1000, floor: 900, seen: [['x', 990]] });
		expect(pollWindow(start, 2000, settings).from).toBe(900);
		const { emit, state: next } = advance(start, leads(['x', 990], ['b', 1200], ['a', 1100], ['b', 1200]), wide, 2000, settings);
		expect(emit).toEqual([2, 1]);
		expect(next.cursor).toBe(1200);
		// x fell behind the overlap of the new cursor: forgotten, and the floor moved past it.
		expect(next.seen).toEqual([['a', 1100], ['b', 1200]]);
		expect(next.floor).toBe(1100);
		expect(next.polledAt).toBe(2000);
		expect(advance(next, leads(['x', 990]), wide, 2100, settings).emit).toEqual([]);
	});

	it('never moves the cursor back, and keeps it when nothing arrived', () => {
		const start = state({ cursor: 1000, floor: 900 });
		expect(advance(start, [], wide, 2000, settings).state.cursor).toBe(1000);
		const late = advance(start, leads(['late', 950]), wide, 2000, settings);
		expect(late.emit).toEqual([0]);
		expect(late.state.cursor).toBe(1000);
		expect(late.state.seen).toEqual([['late', 950]]);
	});

	it('the floor never moves back: a larger overlap does not reach below the remembered ids', () => {
		const after = advance(state({ cursor: 1000, floor: 900 }), leads(['a', 2000]), wide, 2100, settings).state;
		expect(after.floor).toBe(1900);
		expect(pollWindow(after, 2100, { ...settings, overlapMs: 1000 }).from).toBe(1900);
		// With the larger overlap the floor follows the cursor more slowly.
		const later = advance(after, leads(['b', 2500]), wide, 2600, { ...settings, overlapMs: 1000 }).state;
		expect(later.floor).toBe(1900);
		expect(later.seen.map(([id]) => id)).toEqual(['a', 'b']);
	});

	it('an unreadable or future createdAt is emitted once, remembered past the window, and moves no cursor', () => {
		const start = state({ cursor: 1000, floor: 900 });
		const window = { from: 900, to: 1990, clamped: false };
		const { emit, odd, state: next } = advance(start, leads(['bad', Number.NaN], ['ahead', 9e12], ['ok', 1500]), window, 2000, settings);
		expect(emit).toEqual([2, 0, 1]);
		expect(odd).toEqual([0, 1]);
		expect(next.cursor).toBe(1500);
		expect(next.seen).toContainEqual(['bad', 2990]);
		const again = advance(next, leads(['bad', Number.NaN], ['ahead', 9e12]), pollWindow(next, 2500, settings), 2500, settings);
		expect(again.emit).toEqual([]);
	});

	it('keeps the remembered ids bounded and raises the floor past the forgotten ones', () => {
		const received = leads(['a', 10], ['b', 20], ['c', 20], ['d', 30], ['e', 40], ['f', 50], ['g', 60]);
		const { emit, state: next } = advance(state({ floor: 0 }), received, wide, 100, settings);
		expect(emit).toHaveLength(7);
		expect(next.seen.length).toBeLessThanOrEqual(settings.maxSeen);
		// b and c share the last forgotten timestamp: both forgotten, and never asked for again.
		expect(next.seen.map(([id]) => id)).toEqual(['d', 'e', 'f', 'g']);
		expect(next.floor).toBe(21);
		expect(pollWindow(next, 1000, settings).from).toBe(21);
		expect(advance(next, leads(['c', 20]), wide, 1000, settings).emit).toEqual([]);
	});

	it('a filter edit keeps the remembered ids and moves the floor to the last poll\'s lateness window', () => {
		const before = state({ cursor: 100, floor: 50, seen: [['a', 60], ['b', 100]], polledAt: 5000 });
		const edited = withFilters(before, 'g', 6000, settings);
		expect(edited.filters).toBe('g');
		expect(edited.floor).toBe(5000 - 10 - 100);
		expect(edited.seen).toEqual([]);
		// A recent poll: the floor stays, the ids stay.
		const recent = withFilters(state({ cursor: 4990, floor: 4890, seen: [['a', 4950]], polledAt: 5000 }), 'g', 5100, settings);
		expect(recent.floor).toBe(4890);
		expect(recent.seen).toEqual([['a', 4950]]);
	});
});

describe('filter fingerprint', () => {
	it('does not depend on the wire spelling of list filters, on order, or on empty filters', () => {
		const print = fingerprint({ channel: ['email', 'call'], entityType: [], listingReference: ['APT-1'], publicProfileId: ['7'] });
		expect(fingerprint({ 'publicProfileId[]': ['7'], 'channel[]': ['call', 'email'], 'listingReference[]': ['APT-1'] })).toBe(print);
		expect(fingerprint({ channel: ['call'] })).not.toBe(print);
		expect(fingerprint({})).toBe(fingerprint({ channel: [], entityType: [] }));
	});
});

describe('stored state', () => {
	it('reads a valid version 2 state and nothing else', () => {
		expect(readState(undefined, 0)).toBeUndefined();
		expect(readState({ version: 3, filters: 'f', seen: [] }, 0)).toBeUndefined();
		expect(readState({ version: 2, filters: 'f', cursor: 5, floor: null, seen: [] }, 0)).toBeUndefined();
		expect(readState({ version: 2, filters: 'f', cursor: 'x', floor: 5, seen: [['a', 1], 'junk'], polledAt: 9 }, 0)).toEqual(
			state({ cursor: null, floor: 5, seen: [['a', 1]], polledAt: 9 }),
		);
	});

	it('carries a version 1 state over: same cursor and ids, floor where the ids begin, same filters', () => {
		const v1 = {
			version: 1,
			filters: JSON.stringify([['channel[]', ['call', 'email']]]),
			cursor: 10_000,
			floor: null,
			seen: [['a', 9_950], ['b', 10_000]],
		};
		const read = readState(v1, 20_000, settings)!;
		expect(read).toEqual({
			version: STATE_VERSION,
			filters: fingerprint({ channel: ['email', 'call'] }),
			cursor: 10_000,
			floor: 10_000 - 100,
			seen: [['a', 9_950], ['b', 10_000]],
			polledAt: null,
		});
		// A version 1 floor above the overlap (a recent baseline or trimmed ids) is kept.
		expect(readState({ ...v1, floor: 9_990 }, 20_000, settings)!.floor).toBe(9_990);
		// Version 1 with neither cursor nor floor had never seen a lead: start at the lateness window.
		expect(readState({ ...v1, cursor: null, seen: [] }, 20_000, settings)!.floor).toBe(20_000 - 10 - 100);
	});
});
