import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BatchEntry } from '../../../shared/execute';
import { itemRanges, markOutcomeUnknown } from '../../../shared/execute';
import { leadResult } from '../../../shared/leads';
import type { ClosingDealzLead } from './create.readers';
import { readOptions } from './create.readers';

/**
 * "Skip Already Sent": the keys ClosingDealz › Lead › Create remembers in n8n's processed-items
 * store, the `skip` step before a batch, and the bookkeeping after one.
 */

/** The key a lead is remembered under by "Skip Already Sent": phone, else e-mail, else company. */
export function sentKey(prepared: ClosingDealzLead): string | undefined {
	if (prepared.phone) return `phone:${prepared.phone}`;
	if (prepared.email) return `email:${prepared.email}`;
	if (prepared.company) return `company:${prepared.company}`;
	return undefined;
}

/**
 * Keys claimed in n8n's processed-items store by this execution and not yet confirmed by a
 * successful batch. n8n's store has no "check without recording", so `skip` records every new
 * key at once (which also keeps a parallel execution from sending the same lead) and a failed
 * batch gives its keys back, so only leads ClosingDealz accepted stay remembered.
 */
const pendingKeys = new WeakMap<object, Set<string>>();

function dedupeOptions(ctx: IExecuteFunctions) {
	const historySize = readOptions(ctx).historySize;
	return {
		mode: 'entries' as const,
		maxEntries: historySize && historySize > 0 ? historySize : 10000,
	};
}

/** The marker kept next to a key whose batch may or may not have been stored. */
export function maybeKey(key: string): string {
	return `maybe:${key}`;
}

export async function release(ctx: IExecuteFunctions, keys: string[]) {
	if (keys.length === 0) return;
	await ctx.helpers.removeProcessed(keys, 'node', dedupeOptions(ctx));
	const pending = pendingKeys.get(ctx);
	for (const key of keys) pending?.delete(key);
}

export async function skip(
	this: IExecuteFunctions,
	entries: Array<BatchEntry<ClosingDealzLead>>,
): Promise<Map<number, IDataObject | Error>> {
	const skipped = new Map<number, IDataObject | Error>();
	if (readOptions(this).skipAlreadySent !== true) return skipped;
	const keys = [
		...new Set(
			entries.map((entry) => sentKey(entry.prepared)).filter((key): key is string => !!key),
		),
	];
	if (keys.length === 0) return skipped;
	const result = await this.helpers.checkProcessedAndRecord(keys, 'node', dedupeOptions(this));
	const processed = new Set(result.processed.map(String));
	pendingKeys.set(this, new Set(result.new.map(String)));
	const maybe = await maybeSentKeys(this, [...processed]);
	const maybeEntries: Array<BatchEntry<ClosingDealzLead>> = [];
	for (const entry of entries) {
		const key = sentKey(entry.prepared);
		if (key && maybe.has(key)) {
			maybeEntries.push(entry);
			skipped.set(entry.itemIndex, maybeSentError(this, entry, key));
		} else if (key && processed.has(key)) {
			skipped.set(
				entry.itemIndex,
				leadResult(
					'duplicate',
					{
						message: `Already sent to ClosingDealz by an earlier execution of this workflow (same ${key.split(':')[0]}); not sent again`,
					},
					{ skippedAlreadySent: true, lead: entry.prepared.lead },
				),
			);
		}
	}
	if (maybeEntries.length > 0 && !this.continueOnFail()) {
		// Stop before any request: give back the keys claimed for leads that will not be sent.
		await release(this, [...(pendingKeys.get(this) ?? [])]);
		const first = maybeEntries[0];
		const error = maybeSentError(this, first, sentKey(first.prepared) as string);
		error.message = `Items ${itemRanges(maybeEntries.map((entry) => entry.itemIndex))} may already be in ClosingDealz: an earlier execution sent them but never learned whether ClosingDealz stored them; nothing was sent`;
		throw error;
	}
	return skipped;
}

/** Which of `keys` belong to a batch whose outcome an earlier execution did not learn. */
async function maybeSentKeys(ctx: IExecuteFunctions, keys: string[]): Promise<Set<string>> {
	if (keys.length === 0) return new Set();
	// The store has no "check without recording": check, then give back what this recorded.
	const result = await ctx.helpers.checkProcessedAndRecord(keys.map(maybeKey), 'node', dedupeOptions(ctx));
	if (result.new.length > 0) await ctx.helpers.removeProcessed(result.new, 'node', dedupeOptions(ctx));
	return new Set(result.processed.map((key) => String(key).slice('maybe:'.length)));
}

function maybeSentError(ctx: IExecuteFunctions, entry: BatchEntry<ClosingDealzLead>, key: string) {
	const [kind, ...rest] = key.split(':');
	const value = rest.join(':');
	const field = kind === 'phone' ? 'phone number' : kind === 'email' ? 'e-mail' : 'company';
	return markOutcomeUnknown(
		new NodeOperationError(
			ctx.getNode(),
			`Maybe sent: an earlier execution sent this lead (${field} ${value}) but did not learn whether ClosingDealz stored it; not sent again`,
			{
				itemIndex: entry.itemIndex,
				description: `Search ClosingDealz for the ${field} ${value}. If the lead is there, nothing is missing. If it is not, send this item once with "Skip Already Sent" off.`,
			},
		),
	);
}

export async function afterBatch(this: IExecuteFunctions, entries: Array<BatchEntry<ClosingDealzLead>>) {
	const pending = pendingKeys.get(this);
	if (!pending) return;
	for (const entry of entries) {
		const key = sentKey(entry.prepared);
		if (key) pending.delete(key);
	}
}

/**
 * After a batch ClosingDealz did not accept: when it may have stored the batch, keep its keys
 * and mark them "maybe sent"; give back the keys of a refused batch, and without "continue on
 * fail" also those of the batches that will now never be sent.
 */
export async function forgetUnsent(
	ctx: IExecuteFunctions,
	entries: Array<BatchEntry<ClosingDealzLead>>,
	maybeStored: boolean,
): Promise<void> {
	const keys = entries
		.map((entry) => sentKey(entry.prepared))
		.filter((key): key is string => !!key);
	if (maybeStored) {
		// ClosingDealz may have stored this batch: keep its keys, so a rerun does not send it
		// again, and mark them "maybe sent", so the rerun says so instead of "duplicate".
		await ctx.helpers.checkProcessedAndRecord(keys.map(maybeKey), 'node', dedupeOptions(ctx));
		const pending = pendingKeys.get(ctx);
		for (const key of keys) pending?.delete(key);
	}
	// A batch ClosingDealz refused is not remembered as sent. Without "continue on fail"
	// the run stops here: later batches are never sent either.
	const refused = maybeStored ? [] : keys;
	const unsent = ctx.continueOnFail()
		? refused
		: [...new Set([...refused, ...(pendingKeys.get(ctx) ?? [])])];
	await release(ctx, unsent);
}
