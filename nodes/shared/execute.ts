import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AdaptiveConcurrency, listenToAttempts, runAdaptivePool } from './adaptive';
import type { OnceOnlySpec, Settled } from './alreadySent';
import { AlreadySent } from './alreadySent';
import type { OnDuplicate } from './leads';
import { isDuplicate } from './leads';
import { transportContext } from './transport';

/**
 * The per-item and batch loops, written once. An operation file only says how to turn an
 * item's parameters into a request (`prepare`, no I/O, throws on bad input) and how to send
 * it (`send`). These loops own the rest: validation of every item before the first request,
 * in-run duplicates, bounded concurrency, continueOnFail, pairedItem, duplicate routing.
 */

export interface OperationBase<P> {
	/** Read and validate the item's parameters; throw an item-indexed error on bad input. */
	prepare(this: IExecuteFunctions, itemIndex: number): P | Promise<P>;
	/**
	 * Keys under which two items are the same lead (normalised phone, lower-cased e-mail…).
	 * A later item sharing any key with an earlier one is not sent.
	 */
	dedupeKeys?(prepared: P): Array<string | undefined | null>;
	/** The operation produces create-lead results routed by the `onDuplicate` parameter. */
	routesDuplicates?: boolean;
	/**
	 * The operation offers "Skip Already Sent" (`options.skipAlreadySent`, alreadySent.ts):
	 * the loops skip leads an earlier execution sent and remember what the API confirmed.
	 */
	onceOnly?: OnceOnlySpec<P>;
}

export interface ItemOperation<P = unknown> extends OperationBase<P> {
	kind?: 'item';
	/** One request (or a few) for one item; returns the item's output object(s). */
	send(this: IExecuteFunctions, prepared: P, itemIndex: number): Promise<IDataObject | IDataObject[]>;
	/**
	 * The most requests in flight at once (default DEFAULT_CEILING); how many are really sent
	 * together adapts to the API's answers (adaptive.ts).
	 */
	concurrency?(this: IExecuteFunctions): number;
	/**
	 * Called once after every item was sent, with the items that succeeded, to complete their
	 * output objects in place with what is cheaper fetched for the whole run at once (e.g. the
	 * agents of all leads in one request). Must not throw for a failed lookup.
	 */
	finish?(this: IExecuteFunctions, done: Array<BatchEntry<P> & { json: IDataObject[] }>): Promise<void>;
}

export interface BatchEntry<P> {
	itemIndex: number;
	prepared: P;
}

export interface BatchOperation<P = unknown> extends OperationBase<P> {
	kind: 'batch';
	batchSize(this: IExecuteFunctions): number;
	/** One request for one batch; returns one result per entry, in order. */
	sendBatch(
		this: IExecuteFunctions,
		entries: Array<BatchEntry<P>>,
		batchIndex: number,
	): Promise<IDataObject[]>;
}

export type Operation<P = unknown> = ItemOperation<P> | BatchOperation<P>;

export interface OperationModule {
	description: INodeProperties[];
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	operation: Operation<any>;
}

/** Ceiling of parallel requests for operations without a "Parallel Requests" option. */
export const DEFAULT_CEILING = 10;

/** An item's fate: a result (possibly several output objects) or an error. */
type Outcome = { json: IDataObject[] } | { error: Error };

function errorMessage(error: Error): string {
	return error.message;
}

/**
 * Whether the API may have acted on the failed request (the lead may exist): said by the
 * transport, or by an operation that got an answer it cannot read as created or not
 * (`context.outcomeUnknown`).
 */
export function mayHaveCreated(error: unknown): boolean {
	if (transportContext(error)?.outcomeUnknown) return true;
	return (error as { context?: IDataObject })?.context?.outcomeUnknown === true;
}

/** Mark an error as "the lead may exist" (see mayHaveCreated). */
export function markOutcomeUnknown<E extends Error>(error: E): E {
	const target = error as E & { context?: IDataObject };
	target.context = { ...(target.context ?? {}), outcomeUnknown: true };
	return error;
}

function errorItemJson(error: Error, extra: IDataObject = {}): IDataObject {
	const json: IDataObject = { ...extra, error: errorMessage(error) };
	const description = (error as { description?: string | null }).description;
	if (description) json.errorDescription = description;
	if (mayHaveCreated(error)) json.outcomeUnknown = true;
	return json;
}

/** `error` as the NodeApiError/NodeOperationError n8n expects, stamped with the item when it has none. */
export function asItemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// The transport does not know which item a request belonged to when a batch fails;
		// stamp it here so the message the user sees points at the right row.
		if ((error as { context: IDataObject }).context.itemIndex === undefined) {
			(error as { context: IDataObject }).context.itemIndex = itemIndex;
		}
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

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

function inRunDuplicateResult(first: Outcome | undefined, firstIndex: number): IDataObject {
	const firstJson = first && 'json' in first ? first.json[0] : undefined;
	const existing = firstJson ? (firstJson.leadId ?? firstJson.existingLeadId ?? null) : null;
	return {
		outcome: 'duplicate',
		leadId: null,
		existingLeadId: existing as IDataObject[string],
		message: `Same lead as input item ${firstIndex} of this run; not sent again.`,
		duplicateOf: firstIndex,
	};
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

/** Turn outcomes into n8n's output arrays: main, plus "Duplicate" when routed there. */
function assembleOutputs(
	ctx: IExecuteFunctions,
	itemCount: number,
	outcomes: Map<number, Outcome>,
	routesDuplicates: boolean,
): INodeExecutionData[][] {
	const onDuplicate: OnDuplicate = routesDuplicates
		? (ctx.getNodeParameter('onDuplicate', 0, 'continue') as OnDuplicate)
		: 'continue';
	const main: INodeExecutionData[] = [];
	const duplicates: INodeExecutionData[] = [];
	const continueOnFail = ctx.continueOnFail();

	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const outcome = outcomes.get(itemIndex);
		const pairedItem = { item: itemIndex };
		if (!outcome) continue;
		if ('error' in outcome) {
			if (!continueOnFail) throw withProgress(outcome.error, runProgress(itemCount, outcomes), [itemIndex]);
			main.push({ json: errorItemJson(outcome.error), pairedItem });
			continue;
		}
		for (const json of outcome.json) {
			if (routesDuplicates && isDuplicate(json)) {
				if (onDuplicate === 'error') {
					const error = new NodeOperationError(
						ctx.getNode(),
						`Duplicate lead: ${String(json.message ?? 'the lead already exists')}`,
						{
							itemIndex,
							description: json.existingLeadId
								? `The existing lead is ${String(json.existingLeadId)}. Set "On Duplicate" to "Continue" or "Send to Duplicate Output" to let duplicates through.`
								: 'Set "On Duplicate" to "Continue" or "Send to Duplicate Output" to let duplicates through.',
						},
					);
					if (!continueOnFail) throw withProgress(error, runProgress(itemCount, outcomes), [itemIndex]);
					main.push({ json: errorItemJson(error, json), pairedItem });
					continue;
				}
				if (onDuplicate === 'separateOutput') {
					duplicates.push({ json, pairedItem });
					continue;
				}
			}
			main.push({ json, pairedItem });
		}
	}
	return routesDuplicates && onDuplicate === 'separateOutput' ? [main, duplicates] : [main];
}

/** `0–6, 8, 10–11`: item numbers as ranges. */
export function itemRanges(indices: number[]): string {
	const sorted = [...new Set(indices)].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; i++) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		parts.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
		i = j;
	}
	return parts.join(', ');
}

/** How many created leads the error's description lists one by one (all are in its context). */
const LISTED_IDS = 500;

export interface RunProgress {
	created: Array<{ item: number; leadId: IDataObject[string] }>;
	duplicates: number[];
	failed: number[];
	/** Failed items the API may have acted on. */
	maybeCreated: number[];
	notSent: number[];
}

function runProgress(itemCount: number, outcomes: Map<number, Outcome>, extraUnknown: number[] = []): RunProgress {
	const progress: RunProgress = { created: [], duplicates: [], failed: [], maybeCreated: [], notSent: [] };
	for (let item = 0; item < itemCount; item++) {
		const outcome = outcomes.get(item);
		if (extraUnknown.includes(item)) progress.maybeCreated.push(item);
		else if (!outcome) progress.notSent.push(item);
		else if ('error' in outcome) {
			if (mayHaveCreated(outcome.error)) {
				progress.maybeCreated.push(item);
			} else progress.failed.push(item);
		} else {
			const json = outcome.json[0] ?? {};
			if (json.outcome === 'duplicate') progress.duplicates.push(item);
			else progress.created.push({ item, leadId: (json.leadId ?? null) as IDataObject[string] });
		}
	}
	return progress;
}

/**
 * The error that stops a run (continue-on-fail off) after some items were already sent: its
 * message says which items were created, so nobody sends them again by re-running the whole
 * input; the description lists their lead ids and what happened to every other item.
 */
function withProgress<E extends Error>(error: E, progress: RunProgress, failing: number[]): E {
	const { created, duplicates, failed, maybeCreated, notSent } = progress;
	// The error already speaks for its own items.
	const otherMaybe = maybeCreated.filter((item) => !failing.includes(item));
	if (created.length === 0 && otherMaybe.length === 0) return error;
	const items = (list: number[]) => `${list.length === 1 ? 'item' : 'items'} ${itemRanges(list)}`;
	const sentence: string[] = [];
	if (created.length > 0) {
		const were = created.length === 1 ? 'was' : 'were';
		sentence.push(`${items(created.map((entry) => entry.item))} ${were} already created — do not send them again`);
	}
	if (otherMaybe.length > 0) {
		sentence.push(`${items(otherMaybe)} may have been created: check before sending them again`);
	}
	const lines: string[] = [];
	if (created.length > 0) {
		const listed = created
			.slice(0, LISTED_IDS)
			.map((entry) => `item ${entry.item}: ${entry.leadId === null ? 'created (the API returns no id)' : `lead ${String(entry.leadId)}`}`);
		const more = created.length > LISTED_IDS ? `, and ${created.length - LISTED_IDS} more` : '';
		lines.push(`Already created (${created.length}): ${listed.join(', ')}${more}.`);
	}
	if (duplicates.length > 0) lines.push(`Already existed (duplicates): ${items(duplicates)}.`);
	if (maybeCreated.length > 0) lines.push(`Unknown whether created: ${items(maybeCreated)}.`);
	if (failed.length > 0) lines.push(`Failed, not created: ${items(failed)}.`);
	if (notSent.length > 0) lines.push(`Not sent: ${items(notSent)}.`);
	lines.push('To finish, send only the items not created; "Continue On Fail" gives every item its own result.');
	const target = error as E & { description?: string | null; context?: IDataObject };
	target.message = `${error.message} (${sentence.join('; ')})`;
	target.description = [target.description, lines.join(' ')].filter((text) => !!text).join('\n\n');
	if (target.context) {
		target.context.alreadyCreated = created as unknown as IDataObject[];
		target.context.unknownWhetherCreated = maybeCreated;
	}
	return error;
}

function fillInRunDuplicates(outcomes: Map<number, Outcome>, duplicateOf: Map<number, number>) {
	for (const [itemIndex, firstIndex] of duplicateOf) {
		outcomes.set(itemIndex, { json: [inRunDuplicateResult(outcomes.get(firstIndex), firstIndex)] });
	}
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

async function runItemOperation<P>(
	ctx: IExecuteFunctions,
	operation: ItemOperation<P>,
): Promise<INodeExecutionData[][]> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new Map<number, Outcome>();
	const once = AlreadySent.open(ctx, operation.onceOnly);
	const entries = await prepareAll(ctx, operation, itemCount, outcomes, once);
	const duplicateOf = findInRunDuplicates(entries, operation.dedupeKeys, once);
	let toSend = entries.filter((entry) => !duplicateOf.has(entry.itemIndex));
	if (once) toSend = await skipAlreadySent(once, toSend, outcomes);
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
	await once?.releaseUnsent();

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

	fillInRunDuplicates(outcomes, duplicateOf);
	return assembleOutputs(ctx, itemCount, outcomes, operation.routesDuplicates === true);
}

function describeRange(entries: Array<BatchEntry<unknown>>) {
	const first = entries[0].itemIndex;
	const last = entries[entries.length - 1].itemIndex;
	return first === last ? `item ${first}` : `items ${first}–${last}`;
}

async function runBatchOperation<P>(
	ctx: IExecuteFunctions,
	operation: BatchOperation<P>,
): Promise<INodeExecutionData[][]> {
	const itemCount = ctx.getInputData().length;
	const outcomes = new Map<number, Outcome>();
	const once = AlreadySent.open(ctx, operation.onceOnly);
	const entries = await prepareAll(ctx, operation, itemCount, outcomes, once);
	const duplicateOf = findInRunDuplicates(entries, operation.dedupeKeys, once);
	let toSend = entries.filter((entry) => !duplicateOf.has(entry.itemIndex));
	if (once) toSend = await skipAlreadySent(once, toSend, outcomes);

	const size = Math.max(1, Math.floor(operation.batchSize.call(ctx)));
	const continueOnFail = ctx.continueOnFail();
	for (let start = 0, batchIndex = 0; start < toSend.length; start += size, batchIndex++) {
		const batch = toSend.slice(start, start + size);
		let results: IDataObject[] | undefined;
		try {
			results = await operation.sendBatch.call(ctx, batch, batchIndex);
		} catch (error) {
			await once?.settle(batch.map((entry) => entry.itemIndex), mayHaveCreated(error) ? 'unknown' : 'refused');
			// Without "continue on fail" the run stops here: later batches are never sent.
			if (!continueOnFail) await once?.releaseUnsent();
			const range = describeRange(batch);
			const base = error as Error & { description?: string | null };
			if (!continueOnFail) {
				const message = `Batch ${batchIndex} (${range}) failed: ${base.message}`;
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
				const unknown = mayHaveCreated(error) ? batch.map((entry) => entry.itemIndex) : [];
				throw withProgress(
					wrapped,
					runProgress(itemCount, outcomes, unknown),
					batch.map((entry) => entry.itemIndex),
				);
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
		await once?.settle(batch.map((entry) => entry.itemIndex), 'confirmed');
	}

	fillInRunDuplicates(outcomes, duplicateOf);
	return assembleOutputs(ctx, itemCount, outcomes, operation.routesDuplicates === true);
}

/** Run whichever loop the operation needs. */
export async function runOperation(
	ctx: IExecuteFunctions,
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	operation: Operation<any>,
): Promise<INodeExecutionData[][]> {
	return operation.kind === 'batch'
		? await runBatchOperation(ctx, operation)
		: await runItemOperation(ctx, operation);
}

/**
 * The router every node's execute() calls: find the operation module for the chosen
 * resource and operation, and run it.
 */
export async function route(
	ctx: IExecuteFunctions,
	modules: Record<string, Record<string, OperationModule>>,
): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operationName = ctx.getNodeParameter('operation', 0) as string;
	const module = modules[resource]?.[operationName];
	if (!module) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operationName}" of resource "${resource}" is not supported`,
		);
	}
	return await runOperation(ctx, module.operation);
}

/**
 * Kept for the Property Finder lead operations that still import it from here; the one
 * definition is in validate.ts with the other field readers.
 */
export { fieldError } from './validate';
