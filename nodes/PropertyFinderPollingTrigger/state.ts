/**
 * The polling state machine, free of I/O so it can be tested on its own.
 *
 * Every poll asks Property Finder for a closed window `[start, end]` of `createdAt`:
 *   start = max(cursor − overlap, floor)     end = now − lag
 * pages through it oldest first, drops ids it has already emitted, and advances the cursor to
 * the newest `createdAt` it actually received (never to the local clock, never after an error).
 * The overlap catches leads that become visible late; the ids emitted inside the overlap are
 * remembered so they are not emitted twice. `floor` is a hard lower bound: set by the baseline
 * (nothing older than the activation is emitted) and raised when the remembered ids have to be
 * trimmed to keep the state small (nothing older than a forgotten id is ever asked for again).
 */

export interface PollState {
	version: 1;
	/** Fingerprint of the filters the state belongs to; a change starts a new baseline. */
	filters: string;
	/** Newest `createdAt` received (ms), or null when no lead has been seen yet. */
	cursor: number | null;
	/** Window start is never before this (ms); null when unbounded. */
	floor: number | null;
	/** Ids emitted whose `createdAt` is inside the overlap: `[id, createdAtMs]`, oldest first. */
	seen: Array<[string, number]>;
}

export interface PollSettings {
	overlapMs: number;
	lagMs: number;
	/** Most ids remembered in `seen`. */
	maxSeen: number;
	/** Property Finder refuses `createdAtFrom` older than three months; we stay inside 89 days. */
	maxLookbackMs: number;
}

export const DEFAULT_SETTINGS: PollSettings = {
	overlapMs: 10 * 60 * 1000,
	lagMs: 30 * 1000,
	maxSeen: 2000,
	maxLookbackMs: 89 * 24 * 60 * 60 * 1000,
};

export interface LeadStamp {
	id: string;
	createdAt: number;
}

export interface PollWindow {
	from: number;
	to: number;
	/** The start was moved forward to respect the three-month limit. */
	clamped: boolean;
}

/** A state object from static data, or undefined when there is none (or it is unreadable). */
export function readState(value: unknown): PollState | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const state = value as Partial<PollState>;
	if (state.version !== 1 || typeof state.filters !== 'string' || !Array.isArray(state.seen)) return undefined;
	const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
	return {
		version: 1,
		filters: state.filters,
		cursor: time(state.cursor),
		floor: time(state.floor),
		seen: state.seen.filter(
			(entry): entry is [string, number] =>
				Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
		),
	};
}

/**
 * The state right after a baseline: everything up to and including the newest existing lead
 * counts as old. `newest` are the leads sharing the newest `createdAt` (so a lead created in
 * the same millisecond later is still new); with no lead at all the window is unbounded and
 * everything that shows up later is new.
 */
export function baselineState(filters: string, newest: LeadStamp[]): PollState {
	if (newest.length === 0) return { version: 1, filters, cursor: null, floor: null, seen: [] };
	const top = Math.max(...newest.map((lead) => lead.createdAt));
	return {
		version: 1,
		filters,
		cursor: top,
		floor: top,
		seen: newest.filter((lead) => lead.createdAt === top).map((lead): [string, number] => [lead.id, lead.createdAt]),
	};
}

/** The state for a backfill: emit everything from `since` (already clamped by the caller). */
export function backfillState(filters: string, since: number): PollState {
	return { version: 1, filters, cursor: null, floor: since, seen: [] };
}

export function pollWindow(state: PollState, now: number, settings = DEFAULT_SETTINGS): PollWindow {
	const to = now - settings.lagMs;
	let from = state.cursor === null ? (state.floor ?? Number.NEGATIVE_INFINITY) : state.cursor - settings.overlapMs;
	if (state.floor !== null) from = Math.max(from, state.floor);
	const oldest = now - settings.maxLookbackMs;
	const clamped = from < oldest;
	return { from: clamped ? oldest : from, to, clamped: clamped && Number.isFinite(from) };
}

/**
 * Fold one poll's received leads into the state. Returns the leads to emit (new ids only,
 * oldest first, each id once) and the next state. Call it only when the poll succeeded:
 * `received` must be every lead the poll fetched (all pages it read).
 */
export function advance(
	state: PollState,
	received: Array<LeadStamp & { index: number }>,
	settings = DEFAULT_SETTINGS,
): { emit: number[]; state: PollState } {
	const known = new Set(state.seen.map(([id]) => id));
	const fresh: Array<LeadStamp & { index: number }> = [];
	for (const lead of received) {
		if (known.has(lead.id)) continue;
		// An id emitted once and forgotten is older than the floor and never asked for again,
		// but a lead the API returns from before the floor is dropped all the same.
		if (state.floor !== null && lead.createdAt < state.floor) continue;
		known.add(lead.id);
		fresh.push(lead);
	}
	fresh.sort((a, b) => a.createdAt - b.createdAt || a.index - b.index);

	const newest = received.reduce<number | null>(
		(max, lead) => (max === null || lead.createdAt > max ? lead.createdAt : max),
		null,
	);
	const cursor = newest === null ? state.cursor : Math.max(newest, state.cursor ?? newest);
	let floor = state.floor;
	let seen = [...state.seen, ...fresh.map((lead): [string, number] => [lead.id, lead.createdAt])];
	if (cursor !== null) {
		const keepFrom = Math.max(cursor - settings.overlapMs, floor ?? Number.NEGATIVE_INFINITY);
		seen = seen.filter(([, createdAt]) => createdAt >= keepFrom);
	}
	seen.sort((a, b) => a[1] - b[1]);
	if (seen.length > settings.maxSeen) {
		// Forget the oldest ids, and everything sharing the last forgotten timestamp, then never
		// ask for that time range again: a forgotten id can then not come back as new.
		const boundary = seen[seen.length - settings.maxSeen - 1][1];
		seen = seen.filter(([, createdAt]) => createdAt > boundary);
		floor = Math.max(floor ?? Number.NEGATIVE_INFINITY, boundary + 1);
	}
	// Once the overlap has moved past the floor, the floor says nothing any more.
	if (floor !== null && cursor !== null && cursor - settings.overlapMs >= floor) floor = null;
	return {
		emit: fresh.map((lead) => lead.index),
		state: { version: 1, filters: state.filters, cursor, floor, seen },
	};
}
