// Types for test/e2e/lib/n8n.cjs (import it from TypeScript as './lib/n8n.cjs').
import type { ChildProcess } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';

export interface Provisioned {
	nodeBin: string;
	n8nBin: string;
	hostDir: string;
	nodeDir: string;
	n8nVersion: string;
	nodeVersion: string;
	/** The n8n line: '2' (scripts/n8n-host) or '1' (scripts/n8n-host-1x). */
	line: string;
	installedNow: boolean;
	/** Seconds the install took (when it was made). */
	installSeconds?: number;
}

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface StartOptions {
	/** N8N_USER_FOLDER; a temp dir if omitted. The SQLite database lives in <userFolder>/.n8n. */
	userFolder?: string;
	/** HTTP port; a free one if omitted. Fails if the port is taken. */
	port?: number;
	/** Extra or overriding environment variables for n8n. */
	env?: Record<string, string>;
	/** `npm pack` tarball(s) installed as community packages before start. */
	packageTarball?: string | string[];
	/** Delete userFolder first (fresh database). */
	clean?: boolean;
	owner?: Partial<Owner>;
	encryptionKey?: string;
	readyTimeoutMs?: number;
	/** Start even if n8n logs that an installed package failed to load (default: throw). */
	allowPackageLoadFailure?: boolean;
	/** Also copy n8n's output to this process's stderr. */
	inheritOutput?: boolean;
	/** n8n line: '2' (default) or '1' (n8n 1.x); $N8N_LINE when omitted. */
	line?: string;
}

export interface HttpResponse {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	/** Parsed JSON when the reply is JSON, else the text. */
	body: any;
}

export interface CredentialInput {
	name: string;
	type: string;
	/** Plaintext; n8n encrypts it. */
	data: Record<string, unknown>;
}

export interface CredentialRef {
	id: string;
	name: string;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface PublicationStatus {
	status: 'published' | 'partial' | 'failed' | 'not_published' | 'in_progress';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface WorkflowJson {
	name?: string;
	nodes: any[];
	connections: Record<string, any>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	staticData?: unknown;
	meta?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Workflow extends WorkflowJson {
	id: string;
	name: string;
	active: boolean;
	versionId: string;
	activeVersionId: string | null;
	publication?: PublicationStatus;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: 'success' | 'error' | 'crashed' | 'canceled' | 'running' | 'waiting' | 'new' | 'unknown';
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	[key: string]: unknown;
}

export interface Execution extends ExecutionSummary {
	/** Parsed run data: data.resultData.runData[nodeName][runIndex].data.main[output][item].json */
	data: {
		resultData: {
			runData: Record<string, any[]>;
			error?: { message: string; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	workflowData: WorkflowJson;
}

export declare class N8nApiError extends Error {
	status: number;
	body: any;
}

export declare class N8nInstance {
	readonly process: ChildProcess;
	readonly pid: number;
	readonly port: number;
	readonly baseUrl: string;
	readonly restUrl: string;
	readonly userFolder: string;
	/** <userFolder>/files: the only folder file nodes may read and write (N8N_RESTRICT_FILE_ACCESS_TO). */
	readonly filesDir: string;
	/** n8n's stdout and stderr. */
	readonly logFile: string;
	readonly hostDir: string;
	/** Version of the running n8n, e.g. '2.41.1' or '1.123.81'. */
	readonly n8nVersion: string;
	/** Its major version (1 or 2). */
	readonly major: number;
	/** Whether the public API can test a credential (n8n 2.x). */
	readonly hasPublicCredentialTest: boolean;
	readonly nodeBin: string;
	readonly n8nBin: string;
	readonly encryptionKey: string;
	readonly packages: Array<{ name: string; version: string; dir: string }>;
	readonly owner: Owner;
	/** Milliseconds from spawn to /healthz/readiness answering 200. */
	readonly readyMs: number;
	user: any;
	apiKey: string | undefined;

	rest<T = any>(method: string, route: string, body?: unknown): Promise<T>;
	rest(method: string, route: string, body: unknown, opts: { raw: true }): Promise<HttpResponse>;
	publicApi<T = any>(method: string, route: string, body?: unknown): Promise<T>;
	publicApi(
		method: string,
		route: string,
		body: unknown,
		opts: { raw: true },
	): Promise<HttpResponse>;

	setupOwnerOrLogin(owner?: Owner): Promise<any>;
	login(owner?: Pick<Owner, 'email' | 'password'>): Promise<any>;
	createApiKey(label?: string): Promise<string>;

	createCredential(
		c: CredentialInput,
	): Promise<CredentialRef & { type: string; [key: string]: unknown }>;
	importCredentials(
		list: CredentialInput[],
	): Promise<Array<CredentialRef & { type: string; [key: string]: unknown }>>;
	getCredential(id: string, opts?: { includeData?: boolean }): Promise<any>;
	updateCredential(
		id: string,
		c: Partial<CredentialInput> & { data: Record<string, unknown> },
	): Promise<any>;
	deleteCredential(id: string): Promise<unknown>;
	testCredential(id: string, data?: Record<string, unknown>): Promise<CredentialTestResult>;
	testCredentialPublicApi(id: string): Promise<CredentialTestResult>;

	createWorkflow(
		workflow: WorkflowJson,
		opts?: { credentials?: Record<string, CredentialRef> },
	): Promise<Workflow>;
	importWorkflow(
		workflow: WorkflowJson,
		opts?: { credentials?: Record<string, CredentialRef> },
	): Promise<Workflow>;
	getWorkflow(id: string): Promise<Workflow>;
	updateWorkflow(id: string, changes: Partial<WorkflowJson>): Promise<Workflow>;
	deleteWorkflow(id: string): Promise<unknown>;
	activateWorkflow(
		id: string,
		opts?: { allowFailure?: boolean; timeoutMs?: number },
	): Promise<Workflow>;
	deactivateWorkflow(id: string, opts?: { timeoutMs?: number }): Promise<Workflow>;
	waitForPublication(
		id: string,
		opts?: { timeoutMs?: number; intervalMs?: number },
	): Promise<PublicationStatus>;
	runWorkflow(
		id: string,
		opts?: { triggerNode?: string; triggerData?: Record<string, unknown>; timeoutMs?: number },
	): Promise<Execution>;

	getExecution(id: string): Promise<Execution>;
	waitForExecution(
		id: string,
		opts?: { timeoutMs?: number; intervalMs?: number },
	): Promise<Execution>;
	listExecutions(
		workflowId?: string,
		opts?: { status?: string | string[]; limit?: number },
	): Promise<ExecutionSummary[]>;
	waitForExecutions(
		workflowId: string,
		opts?: { count?: number; timeoutMs?: number; intervalMs?: number },
	): Promise<Execution[]>;
	deleteExecutions(ids: string[]): Promise<unknown>;
	nodeOutput(
		execution: Execution,
		nodeName: string,
		opts?: { outputIndex?: number; runIndex?: number },
	): Array<Record<string, any>> | undefined;

	webhookUrl(path: string, opts?: { test?: boolean }): string;
	callWebhook(
		path: string,
		opts?: {
			method?: string;
			body?: unknown;
			headers?: Record<string, string>;
			retry404Ms?: number;
		},
	): Promise<HttpResponse>;

	stop(opts?: { timeoutMs?: number }): Promise<void>;
}

export declare function startN8n(options?: StartOptions): Promise<N8nInstance>;
export declare function provisionN8n(opts?: { line?: string }): Promise<Provisioned>;
export declare function runN8nCli(
	args: string[],
	opts: {
		userFolder: string;
		env?: Record<string, string>;
		encryptionKey?: string;
		timeoutMs?: number;
		line?: string;
	},
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
export declare function installPackageTarball(
	userFolder: string,
	tarball: string,
): { name: string; version: string; dir: string };
export declare function bindCredentials<T extends WorkflowJson>(
	workflow: T,
	credentials: Record<string, CredentialRef>,
): T;
export declare function nodeOutput(
	execution: Execution,
	nodeName: string,
	opts?: { outputIndex?: number; runIndex?: number },
): Array<Record<string, any>> | undefined;
export declare function request(
	url: string,
	opts?: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<HttpResponse>;
export declare function freePort(): Promise<number>;
export declare const TEST_ENCRYPTION_KEY: string;
export declare const DEFAULT_OWNER: Readonly<Owner>;
