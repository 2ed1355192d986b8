import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RetryPolicy } from './transport';
import { backoffDelay } from './transport';

/**
 * Claiming lead keys in n8n's processed-items store so that two executions handling the same
 * lead at the same moment (two queue-mode workers, or two executions in one process) do not
 * both send it.
 *
 * n8n's store is a read-modify-write of one row per node without a lock (n8n 2.41
 * `deduplication-helper.js`: findOne, change the array, update; insert when there is no row).
 * Two executions recording at once both read the same array, both find a key new, and the later
 * write replaces the earlier one whole: one of the two claims is gone, and so is anything else
 * the earlier write added. n8n offers a community node nothing atomic that is shared between
 * processes (docs/queue-mode/n8n-internals.md: data tables are reserved to n8n's own nodes).
 *
 * So a claim is checked after the fact. Every claim records the key together with a marker
 * only this claim writes (`claim:<token>:<key>`); key and marker always travel in the same
 * write, so a write that drops one drops both. After a settle wait longer than one store
 * operation takes, the claim looks again:
 * - key and marker there: the claim holds — no concurrent claim can still land on top of it;
 * - key there, marker gone: another execution's claim of the same key replaced this one: that
 *   execution sends it, this one does not;
 * - key gone: an unrelated write of the same moment dropped it; the look (itself a record)
 *   claimed it again, and the claim waits once more (at most CLAIM_ROUNDS times; then the key is
 *   given back and its item is not sent).
 * The markers are removed once the claim has decided.
 *
 * What this assumes, and says in the README: a store operation of another execution (its read
 * and its write) lasts less than the settle wait. On a machine so loaded that it does not,
 * two claims can still both hold. Keys written by a claim can also still be dropped by a write
 * of the same instant after the claim decided (the run records its kept keys once more at its
 * end, which repairs what was dropped while it ran).
 */

/** How long a claim waits before it checks that it still holds its keys. */
export const CLAIM_SETTLE_MS = 1000;

/** How many times a claim looks again when its key keeps being dropped by concurrent writes. */
export const CLAIM_ROUNDS = 4;

/** The part of n8n's processed-items store a claim uses (scope: this node). */
export interface KeyStore {
	/** Record the keys; say which were new and which were there already. */
	record(keys: string[]): Promise<{ new: string[]; processed: string[] }>;
	remove(keys: string[]): Promise<void>;
}

export interface Claim {
	/** Keys recorded before this claim: sent, or being sent, by an earlier execution. */
	seen: Set<string>;
	/** Keys this claim holds: send their items. */
	won: Set<string>;
	/** Keys another execution claimed at the same moment and holds: do not send. */
	lost: Set<string>;
	/** Keys concurrent writes kept dropping: given back, their items not sent. */
	unsettled: Set<string>;
}

/** The first record of a node collides on `processed_data`'s primary key when two executions make it at once. */
const COLLISION = /duplicate key|unique constraint|SQLITE_CONSTRAINT/i;

/** Two executions that collided once are spread apart by the jitter before they try again. */
const COLLISION_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 25, maxDelayMs: 200 };

async function retryCollision<T>(operation: () => Promise<T>): Promise<T> {
	let failure: unknown;
	for (let attempt = 0; attempt <= COLLISION_RETRY.maxRetries; attempt++) {
		try {
			return await operation();
		} catch (error) {
			failure = error;
		}
		// The failed insert wrote nothing; the next try finds the other execution's row.
		if (!COLLISION.test(String((failure as Error)?.message ?? failure))) break;
		await sleep(backoffDelay(attempt, COLLISION_RETRY));
	}
	throw failure;
}

/** n8n's processed-items store of this node (`entries` mode, oldest forgotten first). */
export function nodeKeyStore(ctx: IExecuteFunctions, maxEntries: number): KeyStore {
	const options = { mode: 'entries' as const, maxEntries };
	return {
		async record(keys) {
			if (keys.length === 0) return { new: [], processed: [] };
			const result = await retryCollision(
				async () => await ctx.helpers.checkProcessedAndRecord(keys, 'node', options),
			);
			return { new: result.new.map(String), processed: result.processed.map(String) };
		},
		async remove(keys) {
			if (keys.length === 0) return;
			await retryCollision(async () => await ctx.helpers.removeProcessed(keys, 'node', options));
		},
	};
}

/** Claim `keys` for the run that owns `token` (unique per run). */
export async function claimKeys(store: KeyStore, keys: string[], token: string): Promise<Claim> {
	const marker = (key: string) => `claim:${token}:${key}`;
	const claim: Claim = { seen: new Set(), won: new Set(), lost: new Set(), unsettled: new Set() };
	if (keys.length === 0) return claim;
	const first = await store.record([...keys, ...keys.map(marker)]);
	const before = new Set(first.processed);
	for (const key of keys) if (before.has(key)) claim.seen.add(key);
	let open = keys.filter((key) => !before.has(key));
	for (let round = 0; open.length > 0 && round < CLAIM_ROUNDS; round++) {
		await sleep(CLAIM_SETTLE_MS);
		const look = await store.record([...open, ...open.map(marker)]);
		const present = new Set(look.processed);
		const again: string[] = [];
		for (const key of open) {
			if (!present.has(key)) again.push(key);
			else if (present.has(marker(key))) claim.won.add(key);
			else claim.lost.add(key);
		}
		open = again;
	}
	for (const key of open) claim.unsettled.add(key);
	// Every marker the first record wrote, those of keys already there included.
	await store.remove([...open, ...keys.map(marker)]);
	return claim;
}
