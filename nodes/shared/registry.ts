import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationModule } from './execute';

/**
 * How a node lists what it does: each `actions/<resource>/index.ts` declares its resource with
 * `defineResource` (its entry in the Resource dropdown and a table of its operations, each
 * naming its operation file); the node file joins its resources with `nodeResources`, which
 * gives the node's `properties` and the `modules` its execute() hands to `route`.
 */

/** One entry of a resource's Operation dropdown, with the operation file that runs it. */
export interface OperationEntry {
	/** The label in the dropdown. */
	name: string;
	/** The `operation` value saved in workflows (public: never renamed). */
	value: string;
	description: string;
	/** What n8n shows in the node list and names the tool after ("Create a lead"). */
	action: string;
	module: OperationModule;
}

export interface Resource {
	/** The entry in the node's Resource dropdown; `value` is saved in workflows. */
	option: { name: string; value: string };
	/** The operation modules by their `operation` value. */
	modules: Record<string, OperationModule>;
	/** The Operation dropdown and every operation's fields, all shown for this resource only. */
	description: INodeProperties[];
}

/** Dropdown entries in the order n8n's lint asks for: by label. */
function byName<T extends { name: string }>(options: T[]): T[] {
	return [...options].sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/**
 * A resource: its Operation dropdown (`defaultOperation` preselected), each operation's
 * fields in the order of `operations`, and its modules by `operation` value.
 */
export function defineResource(
	option: { name: string; value: string },
	defaultOperation: string,
	operations: OperationEntry[],
): Resource {
	const choices: INodePropertyOptions[] = byName(operations).map(({ name, value, description, action }) => ({
		name,
		value,
		description,
		action,
	}));
	return {
		option,
		modules: Object.fromEntries(operations.map((entry) => [entry.value, entry.module])),
		description: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [option.value] } },
				options: choices,
				default: defaultOperation,
			},
			...operations.flatMap((entry) => entry.module.description),
		],
	};
}

/**
 * A node's Resource dropdown (`defaultResource` preselected) followed by each resource's
 * properties in the order of `resources`, and the registry `route` dispatches on.
 */
export function nodeResources(
	defaultResource: string,
	resources: Resource[],
): { properties: INodeProperties[]; modules: Record<string, Record<string, OperationModule>> } {
	return {
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: byName(resources.map((resource) => resource.option)),
				default: defaultResource,
			},
			...resources.flatMap((resource) => resource.description),
		],
		modules: Object.fromEntries(resources.map((resource) => [resource.option.value, resource.modules])),
	};
}
