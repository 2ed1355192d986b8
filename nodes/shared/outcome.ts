import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { transportContext } from './transport';
import { fieldError } from './validate';

/**
 * What became of one item of a run, and the errors that say so: whether the API may have
 * acted on a failed request ("the lead may exist"), and the item-indexed error n8n expects.
 */

/** An item's fate: a result (possibly several output objects) or an error. */
export type Outcome = { json: IDataObject[] } | { error: Error };

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

/** The output json of a failed item (continue-on-fail): message, description, outcomeUnknown. */
export function errorItemJson(error: Error, extra: IDataObject = {}): IDataObject {
	const json: IDataObject = { ...extra, error: error.message };
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

/** An API's answer body when it is a JSON object, else an empty object. */
export function answerObject(answer: unknown): IDataObject {
	return answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as IDataObject) : {};
}

/** A create whose answer says neither "created" nor "exists": the lead may exist. */
export function unconfirmedAnswer(ctx: IExecuteFunctions, itemIndex: number, service: string, statusCode: number) {
	return markOutcomeUnknown(
		fieldError(
			ctx,
			itemIndex,
			'Response',
			`${service} answered HTTP ${statusCode} without saying whether the lead was created`,
			`Check ${service} for this lead before sending it again.`,
		),
	);
}
