import type { LeadStamp, PollSettings, PollState } from '../../nodes/PropertyFinderPollingTrigger/state';
import {
	advance,
	backfillState,
	baselineState,
	pollWindow,
	readState,
} from '../../nodes/PropertyFinderPollingTrigger/state';

const settings: PollSettings = { overlapMs: 100, lagMs: 10, maxSeen: 5, maxLookbackMs: 10_000 };

function leads(...stamps: Array<[string, number]>): Array<LeadStamp & { index: number }> {
	return stamps.map(([id, createdAt], index) => ({ id, createdAt, index }));
}

describe('polling state machine', () => {
	it('baseline: the newest existing leads are old, the window starts at them', () => {
		const state = baselineState('f', [
			{ id: 'b', createdAt: 500 },
			{ id: 'c', createdAt: 500 },
			{ id: 'a', createdAt: 400 },
		]);
		expect(state).toEqual({ version: 1, filters: 'f', cursor: 500, floor: 500, seen: [['b', 500], ['c', 500]] });
		expect(pollWindow(state, 1000, settings)).toEqual({ from: 500, to: 990, clamped: false });
		// A lead created in the same millisecond after the baseline is new; the known ones are not.
		const { emit } = advance(state, leads(['b', 500], ['c', 500], ['d', 500]), settings);
		expect(emit).toEqual([2]);
	});

	it('baseline without any lead: everything later is new, within the look-back limit', () => {
		const state = baselineState('f', []);
		expect(state.cursor).toBeNull();
		expect(pollWindow(state, 20_000, settings)).toEqual({ from: 10_000, to: 19_990, clamped: false });
	});

	it('backfill: starts at the requested date, clamped to the look-back limit', () => {
		expect(pollWindow(backfillState('f', 15_000), 20_000, settings)).toEqual({ from: 15_000, to: 19_990, clamped: false });
		expect(pollWindow(backfillState('f', 1_000), 20_000, settings)).toEqual({ from: 10_000, to: 19_990, clamped: true });
	});

	it('emits new ids oldest first, each once, and moves the cursor to the newest received', () => {
		const start: PollState = { version: 1, filters: 'f', cursor: 1000, floor: null, seen: [['x', 990]] };
		expect(pollWindow(start, 2000, settings).from).toBe(900);
		const { emit, state } = advance(start, leads(['x', 990], ['b', 1200], ['a', 1100], ['b', 1200]), settings);
		expect(emit).toEqual([2, 1]);
		expect(state.cursor).toBe(1200);
		// x fell out of the overlap of the new cursor; a and b are remembered.
		expect(state.seen).toEqual([['a', 1100], ['b', 1200]]);
	});

	it('never moves the cursor back, and keeps it when nothing arrived', () => {
		const start: PollState = { version: 1, filters: 'f', cursor: 1000, floor: null, seen: [] };
		expect(advance(start, [], settings).state.cursor).toBe(1000);
		const late = advance(start, leads(['late', 950]), settings);
		expect(late.emit).toEqual([0]);
		expect(late.state.cursor).toBe(1000);
		expect(late.state.seen).toEqual([['late', 950]]);
	});

	it('keeps the remembered ids bounded and raises the floor past the forgotten ones', () => {
		const start: PollState = { version: 1, filters: 'f', cursor: null, floor: 0, seen: [] };
		const received = leads(['a', 10], ['b', 20], ['c', 20], ['d', 30], ['e', 40], ['f', 50], ['g', 60]);
		const { emit, state } = advance(start, received, settings);
		expect(emit).toHaveLength(7);
		expect(state.seen.length).toBeLessThanOrEqual(settings.maxSeen);
		// b and c share the last forgotten timestamp: both forgotten, and never asked for again.
		expect(state.seen.map(([id]) => id)).toEqual(['d', 'e', 'f', 'g']);
		expect(state.floor).toBe(21);
		expect(pollWindow(state, 1000, settings).from).toBe(21);
		expect(advance(state, leads(['c', 20]), settings).emit).toEqual([]);
	});

	it('drops the floor once the overlap has moved past it', () => {
		const state = baselineState('f', [{ id: 'a', createdAt: 100 }]);
		const next = advance(state, leads(['b', 300]), settings).state;
		expect(next.floor).toBeNull();
		expect(pollWindow(next, 1000, settings).from).toBe(200);
	});

	it('reads only a valid state from static data', () => {
		expect(readState(undefined)).toBeUndefined();
		expect(readState({ version: 2 })).toBeUndefined();
		expect(readState({ version: 1, filters: 'f', cursor: 'x', floor: 5, seen: [['a', 1], 'junk'] })).toEqual({
			version: 1,
			filters: 'f',
			cursor: null,
			floor: 5,
			seen: [['a', 1]],
		});
	});
});
