/**
 * The example workflows of examples/*.json, loaded for a local n8n: every webhook node gets a
 * fresh webhookId (two imports of one example must not claim the same production URL) and
 * the Property Finder Trigger may subscribe an http://127.0.0.1 callback (the simulators and
 * the sandbox are local; Property Finder itself only calls public HTTPS addresses).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { WorkflowJson } from '../../../tooling/n8n/index.cjs';

export const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', '..', 'examples');

export const EXAMPLES = {
	webhookToInfinity: 'pf-webhook-to-infinity.json',
	pollingToAlterEstate: 'pf-polling-to-alterestate.json',
	spreadsheetToClosingDealz: 'spreadsheet-to-closingdealz.json',
	webhookToExpertCrm: 'pf-webhook-to-expert-crm.json',
	webhookRouteByListing: 'pf-webhook-route-by-listing.json',
} as const;

export type ExampleKey = keyof typeof EXAMPLES;

export const PF_TRIGGER_TYPE = 'n8n-nodes-property-leads.propertyFinderTrigger';
export const PF_POLLING_TRIGGER_TYPE = 'n8n-nodes-property-leads.propertyFinderPollingTrigger';

export function loadExample(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
}

export interface LocalOptions {
	/** Let the Property Finder Trigger subscribe a non-HTTPS callback URL (default true). */
	allowHttpCallback?: boolean;
	/** Replace the manager's address of the Send Email node. */
	managerEmail?: string;
	/** Prefix for the workflow name, e.g. "[e2e] ". */
	namePrefix?: string;
	/** The Property Finder Trigger's typeVersion (the examples use 2; 1: a workflow saved before it). */
	triggerVersion?: number;
}

/** A copy of an example workflow ready to import into a local n8n. */
export function localExample(file: string, options: LocalOptions = {}): WorkflowJson {
	const workflow = loadExample(file);
	for (const node of workflow.nodes) {
		if (node.webhookId !== undefined) node.webhookId = randomUUID();
		if (node.type === PF_TRIGGER_TYPE) {
			node.parameters.options = {
				...(node.parameters.options ?? {}),
				allowHttpCallback: options.allowHttpCallback ?? true,
			};
			if (options.triggerVersion !== undefined) node.typeVersion = options.triggerVersion;
		}
		if (node.type === 'n8n-nodes-base.emailSend' && options.managerEmail) {
			node.parameters.toEmail = options.managerEmail;
		}
	}
	if (options.namePrefix) workflow.name = `${options.namePrefix}${workflow.name ?? ''}`;
	return workflow;
}

/** Every example, keyed as in EXAMPLES. */
export function localExamples(options: LocalOptions = {}): Record<ExampleKey, WorkflowJson> {
	const out = {} as Record<ExampleKey, WorkflowJson>;
	for (const [key, file] of Object.entries(EXAMPLES) as Array<[ExampleKey, string]>) {
		out[key] = localExample(file, options);
	}
	return out;
}

/** The production webhook path of a Property Finder Trigger node: `<webhookId>/webhook`. */
export function triggerWebhookPath(workflow: WorkflowJson): string {
	const node = workflow.nodes.find((candidate) => candidate.type === PF_TRIGGER_TYPE);
	if (!node?.webhookId)
		throw new Error(
			`${workflow.name ?? 'workflow'} has no Property Finder Trigger with a webhookId`,
		);
	return `${node.webhookId}/webhook`;
}
