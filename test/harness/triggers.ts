/**
 * Runs the package's trigger nodes through n8n-core's own trigger contexts, the way an n8n
 * instance does: `PollContext` for polling triggers (static data kept on the Workflow between
 * polls, a restart = a new Workflow built from the saved static data), `HookContext` for the
 * webhook lifecycle (checkExists / create / delete), and `WebhookContext` for deliveries,
 * served by a small HTTP server that answers like n8n's webhook endpoint.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { HookContext, LoadOptionsContext, PollContext, WebhookContext } from 'n8n-core';

import { PACKAGE, TestCredentialsHelper, TestNodeTypes, additionalDataFor } from './n8n';

export interface TriggerOptions {
	/** Short type name, e.g. `propertyFinderPollingTrigger`. */
	type: string;
	parameters: IDataObject;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Shared credential store (keeps the token between polls and restarts). */
	credentialsHelper?: TestCredentialsHelper;
	/** The workflow's saved static data (a restart). */
	staticData?: IDataObject;
	workflowId?: string;
	/** Base of production webhook URLs, e.g. https://n8n.example.com/webhook. */
	webhookBaseUrl?: string;
	webhookId?: string;
}

export class TriggerHarness {
	readonly nodeTypes = new TestNodeTypes();

	readonly credentialsHelper: TestCredentialsHelper;

	readonly node: INode;

	workflow: Workflow;

	readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(readonly options: TriggerOptions) {
		this.credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper(options.credentials);
		if (options.credentialsHelper && options.credentials) {
			for (const [type, data] of Object.entries(options.credentials)) {
				this.credentialsHelper.store[type] = { ...data, ...this.credentialsHelper.store[type] };
			}
		}
		const nodeType = this.nodeTypes.getByNameAndVersion(`${PACKAGE}.${options.type}`);
		const credentialNames = (nodeType.description.credentials ?? []).map((c) => c.name);
		this.node = {
			id: 'trigger-node',
			name: 'Trigger',
			type: `${PACKAGE}.${options.type}`,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: Object.fromEntries(
				credentialNames.map((name) => [name, { id: `${name}-id`, name: `${name} account` }]),
			),
			webhookId: options.webhookId ?? 'a5b0c7e2-0000-4000-8000-000000000001',
		};
		this.additionalData = additionalDataFor(this.credentialsHelper);
		if (options.webhookBaseUrl) {
			(this.additionalData as unknown as IDataObject).webhookBaseUrl = options.webhookBaseUrl;
		}
		this.workflow = this.build(options.staticData);
	}

	private build(staticData?: IDataObject): Workflow {
		return new Workflow({
			id: this.options.workflowId ?? 'trigger-workflow',
			nodes: [this.node],
			connections: {},
			nodeTypes: this.nodeTypes,
			active: true,
			staticData: staticData ? (JSON.parse(JSON.stringify(staticData)) as IDataObject) : undefined,
			settings: { executionOrder: 'v1' },
		});
	}

	private get type() {
		return this.nodeTypes.getByNameAndVersion(this.node.type);
	}

	/** The whole workflow static data as n8n would save it. */
	saved(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	/** This node's static data. */
	nodeStaticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** n8n restarted: a new Workflow object from the saved static data. */
	restart(staticData: IDataObject = this.saved()) {
		this.workflow = this.build(staticData);
	}

	async poll(
		mode: WorkflowExecuteMode = 'trigger',
		options: { budgetMs?: number; activation?: WorkflowActivateMode } = {},
	): Promise<INodeExecutionData[][] | null> {
		const context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData,
			mode,
			options.activation ?? 'activate',
			() => {
				throw new Error('the poll result is returned, not emitted, in tests');
			},
			(error) => {
				throw error;
			},
			undefined,
			undefined,
			undefined,
			options.budgetMs === undefined ? undefined : () => options.budgetMs!,
		);
		return await this.type.poll!.call(context);
	}

	/** Call one of the node's `methods.loadOptions` with n8n-core's LoadOptionsContext. */
	async loadOptions(method: string, path = 'parameters') {
		const context = new LoadOptionsContext(this.workflow, this.node, this.additionalData, path);
		return await this.type.methods!.loadOptions![method].call(context);
	}

	private hookContext(mode: WorkflowExecuteMode = 'trigger') {
		return new HookContext(this.workflow, this.node, this.additionalData, mode, 'activate');
	}

	webhookUrl(): string {
		return this.hookContext().getNodeWebhookUrl('default')!;
	}

	async checkExists(): Promise<boolean> {
		return await this.type.webhookMethods!.default!.checkExists!.call(this.hookContext());
	}

	async create(): Promise<boolean> {
		return await this.type.webhookMethods!.default!.create!.call(this.hookContext());
	}

	async delete(): Promise<boolean> {
		return await this.type.webhookMethods!.default!.delete!.call(this.hookContext());
	}

	/** What n8n does on activation: create the subscription unless it exists. */
	async activate(): Promise<void> {
		if (!(await this.checkExists())) await this.create();
	}

	/** Run the node's webhook() for one request, with a context built like n8n's. */
	async handleWebhook(
		request: http.IncomingMessage & IDataObject,
		response: unknown,
		workflow: Workflow = this.workflow,
	): Promise<IWebhookResponseData> {
		const description = this.type.description.webhooks![0];
		const additionalData = {
			...this.additionalData,
			httpRequest: request,
			httpResponse: response,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: this.node.name,
			path: String(description.path),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
		const context = new WebhookContext(workflow, this.node, additionalData, 'webhook', webhookData, [], null);
		return await this.type.webhook!.call(context);
	}

	/**
	 * Serve deliveries over HTTP the way n8n's webhook endpoint does for this node. Each request
	 * works on its own copy of the saved static data, which is saved back when the request is
	 * done (n8n loads the workflow per request and saves changed static data after it), so
	 * simultaneous deliveries do not see each other's static data.
	 */
	async serve(): Promise<WebhookServer> {
		const server = new WebhookServer(this);
		await server.start();
		return server;
	}
}

/** An express-like response over node's ServerResponse (what webhook nodes use). */
function expressResponse(res: http.ServerResponse) {
	const wrapper = {
		statusCode: 200,
		get headersSent() {
			return res.headersSent;
		},
		status(code: number) {
			wrapper.statusCode = code;
			return wrapper;
		},
		setHeader(name: string, value: string) {
			res.setHeader(name, value);
			return wrapper;
		},
		json(body: unknown) {
			res.writeHead(wrapper.statusCode, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(body));
			return wrapper;
		},
		send(body?: unknown) {
			res.writeHead(wrapper.statusCode);
			res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
			return wrapper;
		},
		end() {
			res.writeHead(wrapper.statusCode);
			res.end();
			return wrapper;
		},
	};
	return wrapper;
}

export interface WebhookRun {
	items: INodeExecutionData[];
}

export class WebhookServer {
	/** Workflow runs started by deliveries, in order. */
	readonly runs: WebhookRun[] = [];

	/** Every answer given: status and body. */
	readonly answers: Array<{ status: number; body: string }> = [];

	/**
	 * Time between loading the workflow and saving its static data (n8n reads and writes the
	 * database around each request); simultaneous requests overlap inside it.
	 */
	saveDelayMs = 0;

	/** How many requests changed the static data (and so made n8n write the workflow row). */
	saves = 0;

	/**
	 * Which n8n line's webhook handling to follow. 2 (n8n 2.x): a request that starts a run has
	 * `WorkflowRunner.run` build a second `Workflow` from the request's static-data object
	 * (`establishContextForPersistence`), which resets the object's change flag, so what the
	 * node changed in such a request is not saved. 1 (n8n 1.x): no such step.
	 */
	n8nLine: 1 | 2 = 2;

	private server?: http.Server;

	/** Requests still being handled (answered, static data not yet saved). */
	private readonly pending = new Set<Promise<void>>();

	constructor(private readonly harness: TriggerHarness) {}

	get url(): string {
		const address = this.server!.address() as AddressInfo;
		return `http://127.0.0.1:${address.port}/webhook`;
	}

	/** Items emitted across all runs. */
	get items(): INodeExecutionData[] {
		return this.runs.flatMap((run) => run.items);
	}

	async start() {
		this.server = http.createServer((req, res) => {
			const handled = this.handle(req, res).finally(() => this.pending.delete(handled));
			this.pending.add(handled);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
	}

	/** Wait until every request in progress has finished (and saved). */
	async idle() {
		while (this.pending.size > 0) await Promise.all([...this.pending]);
	}

	/** Stop like n8n shuts down: no new requests, and the ones in progress finish (and save). */
	async stop() {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
		await Promise.all([...this.pending]);
	}

	/**
	 * Handle one delivery in-process, without a socket: the same loading, node call, answer and
	 * static-data save as an HTTP request gets. Simultaneous calls overlap like simultaneous
	 * requests do (each loads the static data before any of them saves).
	 */
	async inject(rawBody: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
		const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
		let answer = { status: 0, body: '' };
		const res = {
			headersSent: false,
			statusCode: 200,
			setHeader() {},
			writeHead(status: number) {
				answer.status = status;
				res.headersSent = true;
			},
			end(text?: string) {
				answer = { ...answer, body: text ?? '' };
			},
		};
		const incoming = { headers: lower, method: 'POST', url: '/webhook' } as unknown as http.IncomingMessage;
		await this.process(incoming, Buffer.from(rawBody, 'utf8'), res as unknown as http.ServerResponse);
		return answer;
	}

	private async handle(incoming: http.IncomingMessage, res: http.ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of incoming) chunks.push(chunk as Buffer);
		await this.process(incoming, Buffer.concat(chunks), res);
	}

	private async process(incoming: http.IncomingMessage, rawBody: Buffer, res: http.ServerResponse) {
		let body: unknown = {};
		if ((incoming.headers['content-type'] ?? '').includes('json') && rawBody.length > 0) {
			try {
				body = JSON.parse(rawBody.toString('utf8'));
			} catch {
				// The node reads the raw body itself and answers malformed JSON.
				body = {};
			}
		}
		const request = Object.assign(incoming, {
			rawBody,
			body,
			params: {},
			query: {},
			readRawBody: async () => {},
		}) as unknown as http.IncomingMessage & IDataObject;
		const response = expressResponse(res);
		const record = (status: number, text: string) => this.answers.push({ status, body: text });

		// n8n loads the workflow (and its static data) for each request.
		const harness = this.harness;
		const loaded = harness.saved();
		const workflowOf = (staticData: IDataObject) =>
			new Workflow({
				id: harness.workflow.id,
				nodes: [harness.node],
				connections: {},
				nodeTypes: harness.nodeTypes,
				active: true,
				staticData,
				settings: { executionOrder: 'v1' },
			});
		const workflow = workflowOf(loaded);
		try {
			const result = await harness.handleWebhook(request, response, workflow);
			if (result.noWebhookResponse) {
				record(response.statusCode, '(answered by the node)');
			} else if (result.workflowData === undefined) {
				const answer = JSON.stringify(result.webhookResponse ?? { message: 'Webhook call received' });
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(answer);
				record(200, answer);
			} else {
				// n8n 2.x, WorkflowRunner.run → establishContextForPersistence: the same object again.
				if (this.n8nLine === 2) workflowOf(loaded);
				this.runs.push({ items: result.workflowData[0] ?? [] });
				const answer = JSON.stringify({ message: 'Workflow was started' });
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(answer);
				record(200, answer);
			}
			// n8n saves the static data after the request when the node changed it
			// (`__dataChanged`, as n8n-core's WorkflowExecute checks): the whole object, last
			// writer wins.
			await new Promise((resolve) => (this.saveDelayMs > 0 ? setTimeout(resolve, this.saveDelayMs) : setImmediate(resolve)));
			if ((workflow.staticData as IDataObject).__dataChanged === true) {
				this.saves++;
				harness.restart(JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject);
			}
		} catch (error) {
			res.writeHead(500, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ message: (error as Error).message }));
			record(500, (error as Error).message);
		}
	}
}
