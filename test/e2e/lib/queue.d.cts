// Types for test/e2e/lib/queue.cjs (import it from TypeScript as './lib/queue.cjs').
import type { N8nInstance } from './n8n.cjs';

export interface QueueProcess extends N8nInstance {
	name: string;
	command: 'worker' | 'webhook';
	healthPort: number;
	readyMs: number;
}

export interface Balancer {
	port: number;
	url: string;
	/** Route webhook requests to these webhook processes (indexes into `webhooks`), round robin. */
	use(indexes: number[]): void;
	/** Requests forwarded per upstream port so far. */
	counts(): Map<number, number>;
	stop(): Promise<void>;
}

export interface PostgresService {
	port: number;
	dataDir: string;
	logFile: string;
	env: Record<string, string>;
	/** Runs one SQL statement in the n8n database; returns psql's unaligned output. */
	sql(statement: string): string;
	stop(): Promise<void>;
}

export interface RedisService {
	port: number;
	dir: string;
	env: Record<string, string>;
	stop(): Promise<void>;
}

export interface QueueDeployment {
	postgres: PostgresService;
	redis: RedisService;
	main: N8nInstance;
	workers: QueueProcess[];
	webhooks: QueueProcess[];
	balancer: Balancer;
	startedInMs: number;
	/** Names of the workers whose log reports starting this execution. */
	workerOf(executionId: string): string[];
	stop(): Promise<void>;
}

export interface QueueDeploymentOptions {
	workDir: string;
	packageTarball: string;
	workers?: number;
	webhooks?: number;
	/** Jobs per worker at once (default 1, so parallel runs spread over the workers). */
	workerConcurrency?: number;
	env?: Record<string, string>;
}

export declare function startQueueDeployment(
	options: QueueDeploymentOptions,
): Promise<QueueDeployment>;
export declare function ensureQueueServices(): {
	pgBin: string;
	redisServer: string;
	installed: string[];
};
export declare function findPostgresBin(): string | undefined;
export declare function findRedisServer(): string | undefined;
