import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OnDuplicate } from './leads';
import { isDuplicate } from './leads';
import type { Outcome } from './outcome';
import { errorItemJson } from './outcome';
import { runProgress, withProgress } from './progress';

/**
 * From the items' outcomes to n8n's output arrays: the result of an in-run duplicate, and
 * where every result goes (main, the "Duplicate" output, or an error) by `onDuplicate`.
 */

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

/** Give every in-run duplicate (item → first item with a shared key) its result. */
export function fillInRunDuplicates(outcomes: Map<number, Outcome>, duplicateOf: Map<number, number>) {
	for (const [itemIndex, firstIndex] of duplicateOf) {
		outcomes.set(itemIndex, { json: [inRunDuplicateResult(outcomes.get(firstIndex), firstIndex)] });
	}
}

/** Turn outcomes into n8n's output arrays: main, plus "Duplicate" when routed there. */
export function assembleOutputs(
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
