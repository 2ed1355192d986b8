/**
 * The dedupe memory of webhook deliveries (at-least-once, retried, concurrent and unordered):
 * a bounded memory of delivered event ids, pure, and the one instance this process keeps per
 * trigger node. Signatures and secrets: signing.ts.
 */

/**
 * Accepted deliveries, oldest first, one entry each: `[keys, receivedAtMs]` where `keys` are the
 * delivery's dedupe keys (`event:<id>`, and `lead:<id>` with "Emit Each Lead Once"). Plain JSON
 * for static data. Entries written before 0.2 held one key each (`[key, at]`) and still read.
 */
export type RecentEvents = Array<[string[], number]>;

export interface DedupeWindow {
	/** Most deliveries remembered (each with all its keys). */
	maxDeliveries: number;
	/** Deliveries older than this are forgotten. */
	maxAgeMs: number;
}

/**
 * The replay defence: Property Finder's signature covers the body only (no timestamp), so a
 * captured delivery stays valid; the memory of the last 1,000 deliveries (24 hours at most)
 * is what refuses it a second time.
 */
export const DEFAULT_DEDUPE_WINDOW: DedupeWindow = { maxDeliveries: 1000, maxAgeMs: 24 * 60 * 60 * 1000 };

/** Drop deliveries that fell out of the window (too old, or beyond the size bound). */
export function pruneRecent(recent: RecentEvents, now: number, window = DEFAULT_DEDUPE_WINDOW): RecentEvents {
	const fresh = recent.filter(([, at]) => now - at < window.maxAgeMs && at <= now + window.maxAgeMs);
	return fresh.length > window.maxDeliveries ? fresh.slice(fresh.length - window.maxDeliveries) : fresh;
}

/**
 * Record delivery keys; answers false when any of them was already seen inside the window
 * (the delivery is a repeat), true when the delivery is new. Returns the pruned list to store.
 */
export function rememberDelivery(
	recent: RecentEvents,
	keys: string[],
	now: number,
	window = DEFAULT_DEDUPE_WINDOW,
): { isNew: boolean; recent: RecentEvents } {
	const pruned = pruneRecent(recent, now, window);
	const known = new Set(pruned.flatMap(([ids]) => ids));
	if (keys.some((key) => known.has(key))) return { isNew: false, recent: pruned };
	const next: RecentEvents = [...pruned, [[...keys], now]];
	return { isNew: true, recent: pruneRecent(next, now, window) };
}

/**
 * Both lists as one, oldest first, each delivery once. The node keeps its in-process memory in
 * the static data it saves: n8n saves each delivery's copy of the static data whole (the last
 * save wins), so a delivery handled at the same time as another would otherwise drop the
 * other's entry, and after a restart its repeat would start the workflow again.
 */
export function mergeRecent(stored: RecentEvents, memory: RecentEvents): RecentEvents {
	const seen = new Set<string>();
	const out: RecentEvents = [];
	for (const entry of [...stored, ...memory].sort((a, b) => a[1] - b[1])) {
		const id = JSON.stringify(entry[0]);
		if (seen.has(id)) continue;
		seen.add(id);
		out.push(entry);
	}
	return out;
}

/**
 * How the dedupe memory is kept (issues #12, #13).
 *
 * n8n saves a webhook trigger's static data only when `webhook()` changed it, and it does so
 * before it answers the request, while the request still holds the expression isolate (one per
 * process unless N8N_EXPRESSION_ENGINE_POOL_SIZE raises it): one UPDATE of the whole workflow
 * row, and simultaneous requests queue on that row. Writing on every delivery made every
 * delivery of a burst wait for every earlier one's write.
 *
 * n8n 2.x also drops what a webhook request changed whenever that request starts an execution:
 * `WorkflowRunner.run` first builds a second `Workflow` from the same static-data object
 * (`establishContextForPersistence`, n8n 2.41 `workflow-runner.js`), and n8n-workflow's
 * `ObservableObject.create` resets the object's change flag while keeping its children, so the
 * save after the request finds "unchanged" (seen in queue mode with a probe on the save: the
 * new keys in the object, the flag false; n8n 1.x has no such step). A request that starts no
 * execution — a repeat — is saved normally. So:
 *
 * - the in-process memory (every delivery this process accepted within the window) is the
 *   hot-path dedupe, checked together with the static data n8n loaded for this request (what
 *   any process had saved when the request arrived), and recorded without an await in between;
 * - a new delivery saves the saved copy merged with the whole memory when this process last
 *   asked for a save from a new delivery `persistEveryMs` ago or earlier (or never): a burst of
 *   N new deliveries writes once per interval per process, not N times. The decision uses the
 *   process's own clock, not the loaded copy's age: n8n loads each request's copy before the
 *   request waits for the isolate, so in a burst every waiting request holds the copy of
 *   before the first save. (On n8n 2.x this write is the one n8n drops.)
 * - a repeat saves the same merge when the loaded copy lacks something the memory holds, at
 *   most once per interval per process (its own clock). On n8n 2.x this is how accepted
 *   deliveries reach the saved static data; Property Finder's deliveries come in pairs (Lead
 *   Created and Lead Assigned, and resends of what was not answered in 5 s), so a repeat
 *   usually follows within seconds.
 *
 * What is and is not guaranteed:
 * - in one process, each key (event, lead) starts at most one execution within the window
 *   (1,000 deliveries, 24 hours);
 * - what the saved static data holds is never started again, after any restart, by any process
 *   that loads it. Every save holds this process's whole memory, so a later save of the same
 *   process never drops what an earlier one saved;
 * - the restart-loss window: a delivery accepted by this process is in the saved static data
 *   once a later delivery that saves (see above) was handled — on n8n 1.x the next new delivery
 *   once the interval is over, on both lines the next repeat once the interval is over. If n8n
 *   stops before then, a repeat of it may start the workflow once more — the CRM nodes' "Skip
 *   Already Sent" catches that downstream;
 * - across webhook processes (queue mode): a repeat is refused when another process's save
 *   holding the original had landed before the repeat's request was loaded. Simultaneous
 *   deliveries to two processes can both start the workflow, and a save made from a copy loaded
 *   before another process's save drops that process's entries until its next save (last writer
 *   wins). n8n offers a webhook node no store that all processes share and update atomically
 *   (docs/queue-mode/n8n-internals.md).
 */
// 2 s: a burst (Property Finder sends at once what happened at once) costs a few writes, a
// lone delivery is still saved at once, and the restart-loss window stays shorter than
// Property Finder's own 5 s answer timeout. Shorter means more writes in the held isolate,
// longer a wider window.
export const PERSIST_EVERY_MS = 2000;

/** What one process remembers for one trigger node. */
export interface DeliveryMemory {
	recent: RecentEvents;
	/** When this process last asked for a save from a new delivery (ms), or -Infinity. */
	savedAt: number;
	/** When this process last asked for a save from a repeat (ms), or -Infinity. */
	repeatSavedAt: number;
}

export interface DeliveryDecision {
	/** False when any of the delivery's keys was seen already (in memory or in static data). */
	isNew: boolean;
	/** The process's memory after this delivery. */
	memory: DeliveryMemory;
	/** The list to save in static data now, or undefined to leave static data untouched. */
	save?: RecentEvents;
}

/** Whether `every` ms have passed since `last` (or the clock went back). */
const due = (now: number, last: number, every: number) => now - last >= every || last > now;

/**
 * Check a delivery against the process's memory and the saved copy, record it in memory, and
 * say whether static data should be written now (see above). Pure: no clock, no I/O.
 */
export function admitDelivery(
	stored: RecentEvents,
	memory: DeliveryMemory | undefined,
	keys: string[],
	now: number,
	window = DEFAULT_DEDUPE_WINDOW,
	persistEveryMs = PERSIST_EVERY_MS,
): DeliveryDecision {
	const saved = pruneRecent(stored, now, window);
	const remembered = pruneRecent(memory?.recent ?? [], now, window);
	const savedAt = memory?.savedAt ?? Number.NEGATIVE_INFINITY;
	const repeatSavedAt = memory?.repeatSavedAt ?? Number.NEGATIVE_INFINITY;
	const savedKeys = new Set<string>();
	for (const [ids] of saved) for (const id of ids) savedKeys.add(id);
	const memoryKeys = new Set<string>();
	for (const [ids] of remembered) for (const id of ids) memoryKeys.add(id);

	if (keys.some((key) => savedKeys.has(key) || memoryKeys.has(key))) {
		const lacking = [...memoryKeys].some((id) => !savedKeys.has(id));
		if (!lacking || !due(now, repeatSavedAt, persistEveryMs)) {
			return { isNew: false, memory: { recent: remembered, savedAt, repeatSavedAt } };
		}
		const save = pruneRecent(mergeRecent(saved, remembered), now, window);
		return { isNew: false, memory: { recent: remembered, savedAt, repeatSavedAt: now }, save };
	}

	const recent = pruneRecent([...remembered, [[...keys], now]], now, window);
	if (!due(now, savedAt, persistEveryMs)) return { isNew: true, memory: { recent, savedAt, repeatSavedAt } };
	return {
		isNew: true,
		memory: { recent, savedAt: now, repeatSavedAt },
		save: pruneRecent(mergeRecent(saved, recent), now, window),
	};
}

/**
 * Read the stored list defensively: static data may hold anything after an upgrade. Entries of
 * the one-key-per-entry format (`[key, at]`) become deliveries of one key.
 */
export function readRecent(value: unknown): RecentEvents {
	if (!Array.isArray(value)) return [];
	const out: RecentEvents = [];
	for (const entry of value) {
		if (!Array.isArray(entry) || typeof entry[1] !== 'number') continue;
		if (typeof entry[0] === 'string') out.push([[entry[0]], entry[1]]);
		else if (Array.isArray(entry[0]) && entry[0].length > 0 && entry[0].every((key) => typeof key === 'string')) {
			out.push([[...(entry[0] as string[])], entry[1]]);
		}
	}
	return out;
}

/**
 * This process's memory, by trigger node (staticData.ts nodeKeyOf): the hot-path dedupe, one
 * instance per process. `recentEvents` in static data is saved from it at most once per
 * interval (`admitDelivery` above).
 */
const inProcessDeliveries = new Map<string, DeliveryMemory>();

/**
 * `admitDelivery` against this process's memory of the node, recording the delivery in it.
 * Synchronous: the caller checks and records without an await in between.
 */
export function admitToProcess(nodeKey: string, stored: unknown, keys: string[], now: number): DeliveryDecision {
	const decision = admitDelivery(readRecent(stored), inProcessDeliveries.get(nodeKey), keys, now);
	inProcessDeliveries.set(nodeKey, decision.memory);
	return decision;
}

/** Forget what this process remembers of the node (its subscriptions were removed). */
export function forgetDeliveries(nodeKey: string) {
	inProcessDeliveries.delete(nodeKey);
}
