import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OnceOnlySpec } from './alreadySent';
import { runBatchOperation, runItemOperation } from './loops';

/**
 * What an operation module provides, and the router every node's execute() calls. An
 * operation file only says how to turn an item's parameters into a request (`prepare`, no
 * I/O, throws on bad input) and how to send it (`send`). The loops, written once, own the
 * rest: validation of every item before the first request, in-run duplicates, bounded
 * concurrency, continueOnFail, pairedItem, duplicate routing.
 *
 * - loops.ts     the per-item loop and the batch loop
 * - outcome.ts   an item's fate: mayHaveCreated, markOutcomeUnknown, asItemError
 * - progress.ts  the account of a run stopped early (which items were created)
 * - routing.ts   outcomes to outputs: in-run duplicates, `onDuplicate`
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

// Imported from here by the operations; each is defined once, in the file named.
export { DEFAULT_CEILING } from './loops';
export { answerObject, asItemError, markOutcomeUnknown, mayHaveCreated, unconfirmedAnswer } from './outcome';
export type { RunProgress } from './progress';
export { itemRanges } from './progress';
/** Kept for the Property Finder lead operations that still import it from here (validate.ts). */
export { fieldError } from './validate';
