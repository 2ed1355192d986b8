/**
 * Runs this package's nodes through n8n-core's own execution engine (WorkflowExecute and its
 * node execution contexts), the way an n8n instance does: parameters and expressions are
 * resolved by n8n, requests go through n8n's HTTP helpers, continueOnFail and pairedItem are
 * handled by n8n. Only the instance-level services (the credential store and the
 * processed-items database) are replaced by small in-memory versions here.
 */
import * as path from 'node:path';

import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataDeduplicator,
	IDataObject,
	IDeduplicationOutput,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	ExecutionError,
	IConnections,
	IWorkflowBase,
} from 'n8n-workflow';
import { ICredentialsHelper, LoggerProxy, Workflow } from 'n8n-workflow';
import {
	Credentials,
	DataDeduplicationService,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { credentialTypesByName, loadErrors, nodeTypesByName } from './registry';

export const PACKAGE = 'n8n-nodes-property-leads';

/**
 * Everything n8n logged through its logger (LoggerProxy: the execution engine's messages,
 * errors included) since `captureLogs()`, one JSON line per call with its metadata, so a test
 * can check that no secret reaches a log.
 */
export const capturedLogs: string[] = [];

export function captureLogs(): string[] {
	const record =
		(level: string) =>
		(message: string, metadata?: unknown) => {
			let meta = '';
			try {
				meta = JSON.stringify(metadata ?? null, (_key, value: unknown) =>
					value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
				);
			} catch {
				meta = String(metadata);
			}
			capturedLogs.push(`${level} ${message} ${meta}`);
		};
	const capture = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
	};
	// n8n's root logger (what `this.logger` of a node is) re-initialises LoggerProxy with itself
	// when it is first built: build it now, then route both through the capture.
	const root = Container.get(Logger) as unknown as Record<string, unknown>;
	Object.assign(root, capture, { scoped: () => root });
	// n8n-core ships its own copies of @n8n/di and @n8n/backend-common: a node's `this.logger`
	// (NodeExecutionContext: Container.get(Logger)) is the root logger of those copies.
	const corePaths = { paths: [path.dirname(require.resolve('n8n-core'))] };
	/* eslint-disable @typescript-eslint/no-require-imports */
	const coreContainer = (require(require.resolve('@n8n/di', corePaths)) as { Container: typeof Container }).Container;
	const coreLogger = (require(require.resolve('@n8n/backend-common', corePaths)) as { Logger: typeof Logger }).Logger;
	/* eslint-enable @typescript-eslint/no-require-imports */
	if (coreContainer !== Container || coreLogger !== Logger) {
		const coreRoot = coreContainer.get(coreLogger) as unknown as Record<string, unknown>;
		Object.assign(coreRoot, capture, { scoped: () => coreRoot });
	}
	LoggerProxy.init(capture);
	capturedLogs.length = 0;
	return capturedLogs;
}

/** Every node and credential type of the package, by short name. */
export function packageNodeTypes(): Record<string, INodeType> {
	return nodeTypesByName();
}

export function packageCredentialTypes(): Record<string, ICredentialType> {
	return credentialTypesByName();
}

/** A source node for tests: outputs the items it is given (like a Manual Trigger with pinned data). */
class TestItemsNode implements INodeType {
	description = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['trigger'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Test Items' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** Collects whatever reaches it, so routing to a downstream node can be checked. */
class TestSinkNode implements INodeType {
	description = {
		displayName: 'Test Sink',
		name: 'testSink',
		group: ['output'],
		version: 1,
		description: 'Collects items',
		defaults: { name: 'Test Sink' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		return [this.getInputData()];
	}
}

export class TestNodeTypes implements INodeTypes {
	readonly types: Record<string, INodeType> = {};

	constructor() {
		for (const [name, type] of Object.entries(packageNodeTypes())) {
			this.types[`${PACKAGE}.${name}`] = type;
		}
		this.types['test.items'] = new TestItemsNode();
		this.types['test.sink'] = new TestSinkNode();
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(nodeType);
	}

	getByNameAndVersion(nodeType: string): INodeType {
		const type = this.types[nodeType];
		if (!type) {
			throw new Error(`Unknown node type ${nodeType}. Load errors: ${JSON.stringify(loadErrors)}`);
		}
		return type;
	}

	getKnownTypes() {
		return {};
	}
}

function resolveCredentialExpression(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value.slice(1).replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, name: string) =>
		String(credentials[name] ?? ''),
	);
}

/**
 * The instance's credential store, in memory: hands out decrypted credential data,
 * applies a credential type's authentication, and runs pre-authentication (expirable
 * tokens) with the same rules as n8n's CredentialsHelper, persisting refreshed data.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly store: Record<string, ICredentialDataDecryptedObject> = {};

	readonly types = packageCredentialTypes();

	/** How often each credential type's preAuthentication ran (token requests). */
	readonly preAuthentications: Record<string, number> = {};

	/** How often each credential type was read (decrypted) by a node. */
	readonly reads: Record<string, number> = {};

	constructor(credentials: Record<string, ICredentialDataDecryptedObject> = {}) {
		super();
		for (const [type, data] of Object.entries(credentials)) this.store[type] = { ...data };
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const type = this.types[typeName];
		if (!type?.authenticate) return requestOptions;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions);
		}
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [outerKey, outerValue] of Object.entries(type.authenticate.properties)) {
			options[outerKey] ??= {};
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				options[outerKey][key] = resolveCredentialExpression(value, credentials);
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types[typeName];
		const expirable = type?.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !credentialsExpired) {
			return undefined;
		}
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.preAuthentications[typeName] = (this.preAuthentications[typeName] ?? 0) + 1;
		this.store[typeName] = { ...this.store[typeName], ...(output as ICredentialDataDecryptedObject) };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads[type] = (this.reads[type] ?? 0) + 1;
		const type_ = this.types[type];
		const defaults = Object.fromEntries(
			(type_?.properties ?? []).map((property) => [property.name, property.default]),
		) as ICredentialDataDecryptedObject;
		return { ...defaults, ...(this.store[type] ?? {}) };
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, '');
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = { ...data };
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

/** n8n's processed-items store (the database in an instance), in memory. */
export class MemoryDeduplicator implements IDataDeduplicator {
	readonly seen = new Map<string, Set<string>>();

	private key(scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		return scope === 'node' ? `${contextData.workflow.id}:${contextData.node?.name}` : contextData.workflow.id;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		if (options.mode !== 'entries') throw new Error(`mode ${options.mode} not supported in tests`);
		const key = this.key(scope, contextData);
		const set = this.seen.get(key) ?? new Set<string>();
		this.seen.set(key, set);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			const value = String(item);
			if (set.has(value)) result.processed.push(item);
			else {
				set.add(value);
				result.new.push(item);
			}
		}
		return result;
	}

	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		const set = this.seen.get(this.key(scope, contextData));
		for (const item of items) set?.delete(String(item));
	}

	async clearAllProcessedItems(scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		this.seen.delete(this.key(scope, contextData));
	}

	async getProcessedDataCount(scope: DeduplicationScope, contextData: ICheckProcessedContextData) {
		return this.seen.get(this.key(scope, contextData))?.size ?? 0;
	}
}

let deduplicator: MemoryDeduplicator | undefined;

export async function processedItemsStore(): Promise<MemoryDeduplicator> {
	if (!deduplicator) {
		deduplicator = new MemoryDeduplicator();
		await DataDeduplicationService.init(deduplicator);
	}
	return deduplicator;
}

export function additionalDataFor(
	credentialsHelper: TestCredentialsHelper,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		hooks,
		executeWorkflow: async () => {
			throw new Error('not available in tests');
		},
		getRunExecutionData: async () => undefined,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		setExecutionStatus: () => {},
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not available in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunNodeOptions {
	/** Short type name, e.g. `infinityCrm`. */
	type: string;
	parameters: IDataObject;
	items: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** A credential helper shared across runs (token caching between executions). */
	credentialsHelper?: TestCredentialsHelper;
	continueOnFail?: boolean;
	/** Workflow id, for stores keyed by workflow (processed items). */
	workflowId?: string;
	/**
	 * The node type to run instead of the package's (e.g. one loaded in jest.isolateModules:
	 * its own copy of the package's modules, as a second n8n worker process has).
	 */
	nodeType?: INodeType;
}

export interface RunNodeResult {
	/** The node's outputs: one array of items per output. */
	outputs: INodeExecutionData[][];
	/** The node's error when it failed (continueOnFail off). */
	error?: ExecutionError;
	/** What reached a sink on each output of the node. */
	sinks: INodeExecutionData[][];
	run: IRun;
	credentialsHelper: TestCredentialsHelper;
}

/**
 * Execute one of the package's nodes inside a real workflow: Test Items → node → a sink on
 * every output. Returns what the node produced, as n8n stored it in the run data.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await processedItemsStore();
	const nodeTypes = new TestNodeTypes();
	if (options.nodeType) nodeTypes.types[`${PACKAGE}.${options.type}`] = options.nodeType;
	const credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper(options.credentials);
	if (options.credentialsHelper && options.credentials) {
		for (const [type, data] of Object.entries(options.credentials)) {
			credentialsHelper.store[type] = { ...data, ...credentialsHelper.store[type] };
		}
	}
	const nodeType = nodeTypes.getByNameAndVersion(`${PACKAGE}.${options.type}`);
	const credentialNames = (nodeType.description.credentials ?? []).map((c) => c.name);
	const nodeCredentials = Object.fromEntries(
		credentialNames.map((name) => [name, { id: `${name}-id`, name: `${name} account` }]),
	);

	const subject: INode = {
		id: 'subject',
		name: 'Subject',
		type: `${PACKAGE}.${options.type}`,
		typeVersion: 1,
		position: [200, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: nodeCredentials,
		continueOnFail: options.continueOnFail,
		onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
	};
	const source: INode = {
		id: 'source',
		name: 'Source',
		type: 'test.items',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const sinks: INode[] = [0, 1].map((index) => ({
		id: `sink${index}`,
		name: `Sink ${index}`,
		type: 'test.sink',
		typeVersion: 1,
		position: [400, index * 200],
		parameters: {},
	}));
	const connections: IConnections = {
		Source: { main: [[{ node: 'Subject', type: 'main', index: 0 }]] },
		Subject: {
			main: sinks.map((sink) => [{ node: sink.name, type: 'main', index: 0 }]),
		},
	};
	const nodes = [source, subject, ...sinks];
	const workflowId = options.workflowId ?? 'test-workflow';
	const workflow = new Workflow({
		id: workflowId,
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: { executionOrder: 'v1' },
	});

	const workflowData = { id: workflowId, name: 'test', nodes, connections, active: false } as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks('manual', '1', workflowData);
	let finish: (run: IRun) => void = () => {};
	const done = new Promise<IRun>((resolve) => (finish = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finish(run));
	const additionalData = additionalDataFor(credentialsHelper, hooks);

	const runExecutionData: IRunExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{
					node: source,
					data: { main: [options.items.map((json) => ({ json }))] },
					source: null,
				},
			],
		},
	} as unknown as IRunExecutionData;

	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await done;

	const taskData = run.data.resultData.runData.Subject?.[0];
	const outputs = (taskData?.data?.main ?? []).map((output) => output ?? []);
	const sinkData = sinks.map(
		(sink) => run.data.resultData.runData[sink.name]?.[0]?.data?.main?.[0] ?? [],
	);
	return {
		outputs,
		error: taskData?.error,
		sinks: sinkData,
		run,
		credentialsHelper,
	};
}
