import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AdaptiveConcurrency, listenToAttempts, runAdaptivePool } from './adaptive';
import type { Settled } from './alreadySent';
import { AlreadySent } from './alreadySent';
import type { BatchEntry, BatchOperation, ItemOperation, OperationBase } from './execute';
import type { Outcome } from './outcome';
import { asItemError, markOutcomeUnknown, mayHaveCreated } from './outcome';
import { runProgress, withProgress } from './progress';
import { assembleOutputs, fillInRunDuplicates } from './routing';

/**
 * The per-item loop and the batch loop (execute.ts says what an operation provides). Both
 * open a run the same way (`openRun`: every item prepared before the first request, in-run
 * duplicates found, "Skip Already Sent" claimed) and close it the same way (`closeRun`).
 */

/** Ceiling of parallel requests for operations without a "Parallel Requests" option. */
export const DEFAULT_CEILING = 10;

/** Find in-run duplicates: position → position of the first item with a shared key. */
function findInRunDuplicates<P>(
	entries: Array<BatchEntry<P>>,
	dedupeKeys: OperationBase<P>['dedupeKeys'],
	once?: AlreadySent<P>,
): Map<number, number> {
	const firstByKey = new Map<string, number>();
	const duplicateOf = new Map<number, number>();
	if (!dedupeKeys && !once) return duplicateOf;
	for (const entry of entries) {
		// Two items of a run with the same lead key (e.g. one Property Finder lead id) are one lead too.
		const keys = [
			...(dedupeKeys?.(entry.prepared) ?? []),
			...(once?.keysOf(entry.itemIndex).map((key) => `once:${key}`) ?? []),
		].filter((key): key is string => !!key);
		const first = keys.map((key) => firstByKey.get(key)).find((index) => index !== undefined);
		if (first !== undefined) {
			duplicateOf.set(entry.itemIndex, first);
		} else {
			for (const key of keys) firstByKey.set(key, entry.itemIndex);
		}
	}
	return duplicateOf;
}

async function prepareAll<P>(
	ctx: IExecuteFunctions,
	operation: OperationBase<P>,
	itemCount: number,
	outcomes: Map<number, Outcome>,
	once?: AlreadySent<P>,
): Promise<Array<BatchEntry<P>>> {
	const entries: Array<BatchEntry<P>> = [];
	const continueOnFail = ctx.continueOnFail();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			const prepared = await operation.prepare.call(ctx, itemIndex);
			once?.read(itemIndex, prepared);
			entries.push({ itemIndex, prepared });
		} catch (error) {
			const itemError = asItemError(ctx, error, itemIndex);
			// Bad input fails before a single request leaves, so a half-sent run cannot happen.
			if (!continueOnFail) throw itemError;
			outcomes.set(itemIndex, { error: itemError });
		}
	}
	return entries;
}

/** Leave out what an earlier execution sent ("Skip Already Sent"), with each item's result. */
async function skipAlreadySent<P>(
	once: AlreadySent<P>,
	toSend: Array<BatchEntry<P>>,
	outcomes: Map<number, Outcome>,
): Promise<Array<BatchEntry<P>>> {
	if (toSend.length === 0) return toSend;
	const skipped = await once.claim(toSend.map((entry) => entry.itemIndex));
	for (const [itemIndex, result] of skipped) {
		outcomes.set(itemIndex, result instanceof Error ? { error: result } : { json: [result] });
	}
	return toSend.filter((entry) => !skipped.has(entry.itemIndex));
}

interface Run<P> {
	itemCount: number;
	outcomes: Map<number, Outcome>;
	once?: AlreadySent<P>;
	duplicateOf: Map<number, number>;
	/** The items to send: prepared, not an in-run duplicate, not sent by an earlier execution. */
	toSend: Array<BatchEntry<P>>;
}

async function openRun<P>(ctx: IExecuteFunctions, operation: OperationBase<P>): Promise<Run<P>> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new Map<number, Outcome>();
	const once = AlreadySent.open(ctx, operation.onceOnly);
	const entries = await prepareAll(ctx, operation, itemCount, outcomes, once);
	const duplicateOf = findInRunDuplicates(entries, operation.dedupeKeys, once);
	let toSend = entries.filter((entry) => !duplicateOf.has(entry.itemIndex));
	if (once) toSend = await skipAlreadySent(once, toSend, outcomes);
	return { itemCount, outcomes, once, duplicateOf, toSend };
}

function closeRun<P>(ctx: IExecuteFunctions, run: Run<P>, operation: OperationBase<P>): INodeExecutionData[][] {
	fillInRunDuplicates(run.outcomes, run.duplicateOf);
	return assembleOutputs(ctx, run.itemCount, run.outcomes, operation.routesDuplicates === true);
}

export async function runItemOperation<P>(
	ctx: IExecuteFunctions,
	operation: ItemOperation<P>,
): Promise<INodeExecutionData[][]> {
	const run = await openRun(ctx, operation);
	const { itemCount, outcomes, once, toSend } = run;
	const continueOnFail = ctx.continueOnFail();
	let failed = false;

	// Adaptive parallelism (adaptive.ts): the operation's "Parallel Requests" is the ceiling,
	// the transport's answers to this run decide how much of it is used.
	const controller = new AdaptiveConcurrency({
		ceiling: operation.concurrency?.call(ctx) ?? DEFAULT_CEILING,
	});
	const stopListening = listenToAttempts(ctx, (report) => controller.record(report));
	await runAdaptivePool(
		toSend,
		controller,
		async ({ itemIndex, prepared }) => {
			let settled: Settled = 'confirmed';
			try {
				const json = await operation.send.call(ctx, prepared, itemIndex);
				outcomes.set(itemIndex, { json: Array.isArray(json) ? json : [json] });
			} catch (error) {
				outcomes.set(itemIndex, { error: asItemError(ctx, error, itemIndex) });
				if (!continueOnFail) failed = true;
				settled = mayHaveCreated(error) ? 'unknown' : 'refused';
			}
			await once?.settle([itemIndex], settled);
		},
		() => failed,
	).finally(stopListening);
	// Items never sent (the run stopped early) are not remembered as sent.
	if (failed) await once?.releaseUnsent();
	else await once?.finish();

	if (failed) {
		const first = [...outcomes.entries()]
			.filter(([, outcome]) => 'error' in outcome)
			.sort(([a], [b]) => a - b)[0];
		if (first) {
			throw withProgress((first[1] as { error: Error }).error, runProgress(itemCount, outcomes), [first[0]]);
		}
	}

	if (operation.finish && !failed) {
		const done = toSend.flatMap((entry) => {
			const outcome = outcomes.get(entry.itemIndex);
			return outcome && 'json' in outcome ? [{ ...entry, json: outcome.json }] : [];
		});
		if (done.length > 0) await operation.finish.call(ctx, done);
	}

	return closeRun(ctx, run, operation);
}

function describeRange(entries: Array<BatchEntry<unknown>>) {
	const first = entries[0].itemIndex;
	const last = entries[entries.length - 1].itemIndex;
	return first === last ? `item ${first}` : `items ${first}–${last}`;
}

/** The error that stops a run at a failed batch: names the batch and its items, keeps the cause. */
function batchError(ctx: IExecuteFunctions, error: unknown, batch: Array<BatchEntry<unknown>>, batchIndex: number) {
	const base = error as Error & { description?: string | null };
	const message = `Batch ${batchIndex} (${describeRange(batch)}) failed: ${base.message}`;
	const wrapped =
		error instanceof NodeApiError
			? new NodeApiError(ctx.getNode(), { message } as JsonObject, {
					message,
					description: base.description ?? undefined,
					httpCode: error.httpCode ?? undefined,
					itemIndex: batch[0].itemIndex,
				})
			: new NodeOperationError(ctx.getNode(), message, {
					itemIndex: batch[0].itemIndex,
					description: base.description ?? undefined,
				});
	if (error instanceof NodeApiError) wrapped.context.transport = error.context.transport;
	if (mayHaveCreated(error)) markOutcomeUnknown(wrapped);
	return wrapped;
}

export async function runBatchOperation<P>(
	ctx: IExecuteFunctions,
	operation: BatchOperation<P>,
): Promise<INodeExecutionData[][]> {
	const run = await openRun(ctx, operation);
	const { itemCount, outcomes, once, toSend } = run;

	const size = Math.max(1, Math.floor(operation.batchSize.call(ctx)));
	const continueOnFail = ctx.continueOnFail();
	for (let start = 0, batchIndex = 0; start < toSend.length; start += size, batchIndex++) {
		const batch = toSend.slice(start, start + size);
		const items = batch.map((entry) => entry.itemIndex);
		let results: IDataObject[] | undefined;
		try {
			results = await operation.sendBatch.call(ctx, batch, batchIndex);
		} catch (error) {
			await once?.settle(items, mayHaveCreated(error) ? 'unknown' : 'refused');
			if (!continueOnFail) {
				// Without "continue on fail" the run stops here: later batches are never sent.
				await once?.releaseUnsent();
				const unknown = mayHaveCreated(error) ? items : [];
				throw withProgress(batchError(ctx, error, batch, batchIndex), runProgress(itemCount, outcomes, unknown), items);
			}
			for (const entry of batch) {
				outcomes.set(entry.itemIndex, { error: asItemError(ctx, error, entry.itemIndex) });
			}
			continue;
		}
		const answers = results;
		batch.forEach((entry, position) => {
			outcomes.set(entry.itemIndex, { json: [{ ...answers[position], batch: batchIndex }] });
		});
		await once?.settle(items, 'confirmed');
	}
	await once?.finish();

	return closeRun(ctx, run, operation);
}
