/**
 * The polling state machine, free of I/O so it can be tested on its own.
 *
 * Every poll asks Property Finder for a closed window of `createdAt`:
 *   from = max(cursor − overlap, floor)     to = pollStart − lag
 * reads it to the end, drops the ids it has already emitted, and advances the cursor to the
 * newest readable `createdAt` it received that lies inside the window (never to the local clock,
 * never after an error, never to a date the server should not have returned).
 *
 * `floor` is the one invariant that makes "no lead twice" hold whatever the options do:
 * `seen` holds every id this node emitted with a `createdAt` at or after `floor`, and nothing
 * older than `floor` is asked for or emitted. The floor only ever moves forward: when ids leave
 * `seen` (they fell behind the overlap, or `seen` is full), the floor moves past them. So raising
 * the overlap, editing the filters, restarting or upgrading can widen what is asked for, but
 * never below what is remembered.
 *
 * Lateness window: a lead that Property Finder lists at most `overlap` after its `createdAt`
 * is emitted once, by the first successful poll that starts after it is listed (and after its
 * `createdAt` + lag). This holds across restarts, failed polls and filter edits, while fewer
 * than `maxSeen` leads share one overlap window; after raising the overlap the larger window
 * applies once the cursor has moved on by the difference.
 */

import { PF_MAX_LOOKBACK_DAYS } from '../PropertyFinder/transport/enterprise';

export const STATE_VERSION = 2;

export interface PollState {
	version: typeof STATE_VERSION;
	/** Fingerprint of the filters the state was last used with (see `fingerprint`). */
	filters: string;
	/** Newest `createdAt` received (ms), or null when no lead has been seen yet. */
	cursor: number | null;
	/** Nothing older is asked for or emitted; `seen` covers every id emitted at or after it. */
	floor: number;
	/** Ids emitted at or after `floor`: `[id, createdAtMs]`, oldest first, at most `maxSeen`. */
	seen: Array<[string, number]>;
	/** Local start time of the last successful poll (ms), null before the first one. */
	polledAt: number | null;
}

export interface PollSettings {
	overlapMs: number;
	lagMs: number;
	/** Most ids remembered in `seen`. */
	maxSeen: number;
	/** How far back `createdAtFrom` may go (the API refuses more than three months). */
	maxLookbackMs: number;
}

const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_SETTINGS: PollSettings = {
	overlapMs: 10 * 60 * 1000,
	lagMs: 30 * 1000,
	maxSeen: 2000,
	maxLookbackMs: PF_MAX_LOOKBACK_DAYS * DAY,
};

export interface LeadStamp {
	id: string;
	/** Milliseconds; NaN when the lead's `createdAt` could not be read. */
	createdAt: number;
}

export interface PollWindow {
	from: number;
	to: number;
	/** The start was moved forward to respect the three-month limit. */
	clamped: boolean;
}

/**
 * The filters in a stable form, independent of how they are spelled on the wire: keys without
 * a trailing `[]`, empty filters left out, keys and list values sorted. A state saved by an
 * older version (which fingerprinted the query with `channel[]` keys) reads the same.
 */
export function fingerprint(filters: Record<string, unknown>): string {
	const entries: Array<[string, unknown]> = [];
	for (const [rawKey, value] of Object.entries(filters)) {
		const key = rawKey.replace(/\[\]$/, '');
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) {
			const values = value.map((entry) => String(entry)).sort();
			if (values.length > 0) entries.push([key, values]);
		} else {
			entries.push([key, String(value)]);
		}
	}
	entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return JSON.stringify(entries);
}

/** A fingerprint saved by an earlier version, in today's form (unchanged when unreadable). */
function refingerprint(saved: string): string {
	try {
		const parsed: unknown = JSON.parse(saved);
		if (!Array.isArray(parsed) || !parsed.every((entry) => Array.isArray(entry) && typeof entry[0] === 'string')) {
			return saved;
		}
		return fingerprint(Object.fromEntries(parsed as Array<[string, unknown]>));
	} catch {
		return saved;
	}
}

const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function seenOf(value: unknown): Array<[string, number]> {
	if (!Array.isArray(value)) return [];
	return value.filter(
		(entry): entry is [string, number] =>
			Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number' && Number.isFinite(entry[1]),
	);
}

/**
 * The state from static data, or undefined when there is none (or it is unreadable). A state of
 * version 1 (the first release) is carried over: its cursor and ids are kept, and its floor is
 * set where its remembered ids begin, so nothing it emitted is emitted again.
 */
export function readState(value: unknown, now: number, settings = DEFAULT_SETTINGS): PollState | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const state = value as Record<string, unknown>;
	if (typeof state.filters !== 'string' || !Array.isArray(state.seen)) return undefined;
	const cursor = time(state.cursor);
	if (state.version === STATE_VERSION) {
		const floor = time(state.floor);
		if (floor === null) return undefined;
		return { version: STATE_VERSION, filters: state.filters, cursor, floor, seen: seenOf(state.seen), polledAt: time(state.polledAt) };
	}
	if (state.version !== 1) return undefined;
	// Version 1 kept the ids from `cursor − overlap` on, and dropped its floor once the overlap
	// had passed it. With neither a cursor nor a floor it had never seen a lead: start at the
	// edge of the lateness window.
	const oldFloor = time(state.floor);
	let floor: number;
	if (cursor !== null) floor = Math.max(oldFloor ?? Number.NEGATIVE_INFINITY, cursor - settings.overlapMs);
	else floor = oldFloor ?? now - settings.lagMs - settings.overlapMs;
	return {
		version: STATE_VERSION,
		filters: refingerprint(state.filters),
		cursor,
		floor,
		seen: seenOf(state.seen).filter(([, createdAt]) => createdAt >= floor),
		polledAt: null,
	};
}

/**
 * The state before the first poll. Without a backfill the floor is the edge of the lateness
 * window before the activation: the first poll reads from there, records every lead it finds
 * as already seen and emits nothing; a lead listed late afterwards is still new. With a
 * backfill, the floor is the requested date and the first poll emits everything since.
 */
export function initialState(filters: string, floor: number): PollState {
	return { version: STATE_VERSION, filters, cursor: null, floor, seen: [], polledAt: null };
}

/** Where a first activation without a backfill starts reading (see `initialState`). */
export function baselineFloor(now: number, settings = DEFAULT_SETTINGS): number {
	return now - settings.lagMs - settings.overlapMs;
}

/**
 * The filters were edited. Leads already emitted stay remembered; the floor moves up to the
 * lateness window of the last successful poll, so leads that only the new filters match are
 * new only when they are recent, and the Since backfill is not run again.
 */
export function withFilters(state: PollState, filters: string, now: number, settings = DEFAULT_SETTINGS): PollState {
	const floor = Math.max(state.floor, (state.polledAt ?? now) - settings.lagMs - settings.overlapMs);
	return {
		...state,
		filters,
		floor,
		seen: state.seen.filter(([, createdAt]) => createdAt >= floor),
	};
}

export function pollWindow(state: PollState, now: number, settings = DEFAULT_SETTINGS): PollWindow {
	const to = now - settings.lagMs;
	const from = state.cursor === null ? state.floor : Math.max(state.cursor - settings.overlapMs, state.floor);
	const oldest = now - settings.maxLookbackMs;
	const clamped = from < oldest;
	return { from: clamped ? oldest : from, to, clamped };
}

export interface Advanced {
	/** Indexes into `received` of the leads to emit: new ids only, oldest first, each once. */
	emit: number[];
	/** Indexes of emitted leads whose `createdAt` is unreadable or after the window's end. */
	odd: number[];
	state: PollState;
}

/**
 * Fold one poll's received leads into the state. Call it only when the poll succeeded:
 * `received` must be every lead the poll read (all pages), from the window `window`.
 *
 * A lead whose `createdAt` cannot be read, or lies after the window's end (the server
 * returned it for this window, so its own idea of the date is inside), is emitted once and
 * remembered as dated just after the window's end; it does not move the cursor.
 */
export function advance(
	state: PollState,
	received: Array<LeadStamp & { index: number }>,
	window: PollWindow,
	now: number,
	settings = DEFAULT_SETTINGS,
): Advanced {
	const known = new Set(state.seen.map(([id]) => id));
	const oddAt = window.to + 1000;
	const fresh: Array<{ id: string; at: number; index: number; odd: boolean }> = [];
	let newest = state.cursor;
	for (const lead of received) {
		const odd = !Number.isFinite(lead.createdAt) || lead.createdAt > window.to;
		if (!odd && (newest === null || lead.createdAt > newest)) newest = lead.createdAt;
		if (lead.id === '' || known.has(lead.id)) continue;
		// Older than the floor: emitted before and forgotten, or older than the activation.
		if (!odd && lead.createdAt < state.floor) continue;
		known.add(lead.id);
		fresh.push({ id: lead.id, at: odd ? oddAt : lead.createdAt, index: lead.index, odd });
	}
	fresh.sort((a, b) => a.at - b.at || a.index - b.index);

	const cursor = newest;
	let floor = cursor === null ? state.floor : Math.max(state.floor, cursor - settings.overlapMs);
	let seen = [...state.seen, ...fresh.map((lead): [string, number] => [lead.id, lead.at])]
		.filter(([, createdAt]) => createdAt >= floor)
		.sort((a, b) => a[1] - b[1]);
	if (seen.length > settings.maxSeen) {
		// Forget the oldest ids, and everything sharing the last forgotten timestamp, and move the
		// floor past them: a forgotten id can then not come back as new.
		const boundary = seen[seen.length - settings.maxSeen - 1][1];
		seen = seen.filter(([, createdAt]) => createdAt > boundary);
		floor = Math.max(floor, boundary + 1);
	}
	return {
		emit: fresh.map((lead) => lead.index),
		odd: fresh.filter((lead) => lead.odd).map((lead) => lead.index),
		state: { version: STATE_VERSION, filters: state.filters, cursor, floor, seen, polledAt: now },
	};
}
