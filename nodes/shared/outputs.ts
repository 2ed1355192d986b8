import type { INodeParameters } from 'n8n-workflow';

/**
 * Evaluated by n8n in the editor (serialised into the node's `outputs` expression): one main
 * output, plus a "Duplicate" output when the user routes duplicates there. Must stay a
 * self-contained function: it runs without this module's scope.
 */
export function duplicateOutputs(parameters: INodeParameters) {
	if (parameters.onDuplicate === 'separateOutput') {
		return [
			{ type: 'main', displayName: 'Created' },
			{ type: 'main', displayName: 'Duplicate' },
		];
	}
	return [{ type: 'main' }];
}
