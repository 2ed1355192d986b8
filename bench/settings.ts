/**
 * The benchmark's settings: its command-line flags, the sizes of a full and a quick run, the
 * simulators' latency and limits, and the HTTP Request node tunings compared (bench/main.ts
 * lists the flags).
 */
import path from 'node:path';

import type { Capacity } from '../tooling/simulators/framework';
import type { Batching } from './workflows';

/** The repository (this file runs as bench/out/bench/settings.js). */
export const REPO = path.resolve(__dirname, '..', '..', '..');

export const args = process.argv.slice(2);
export const argValue = (name: string) => {
	const at = args.indexOf(name);
	return at >= 0 ? args[at + 1] : undefined;
};
export const QUICK = args.includes('--quick');
export const TARBALL = argValue('--tarball');
export const OUT_DIR = path.resolve(
	argValue('--out') ?? (QUICK ? path.join(REPO, 'bench', 'out') : path.join(REPO, 'bench')),
);

/** Added by every simulator before each answer. */
export const LATENCY_MS = 50;

export const SIZES = QUICK
	? {
			closingDealz: 1_000,
			cdDefaultSample: 1_000,
			cdPacedSample: 30,
			crm: 200,
			backlog: 500,
			ackRounds: 2,
			ackSingles: 5,
			cpu: 10_000,
		}
	: {
			closingDealz: 10_000,
			cdDefaultSample: 10_000,
			cdPacedSample: 150,
			crm: 2_000,
			backlog: 5_000,
			ackRounds: 6,
			ackSingles: 20,
			cpu: 10_000,
		};

/** HTTP Request node, tuned for ClosingDealz per item: 1 request every 650 ms (≈ 92 a minute). */
export const CD_PACED: Batching = { size: 1, intervalMs: 650 };
/** HTTP Request node, tuned for arrays of 100: at most 100 requests per 61 s. */
export const CD_ARRAYS: Batching = { size: 100, intervalMs: 61_000 };
/** HTTP Request node, tuned for Infinity CRM and AlterEstate: 5 requests every 100 ms. */
export const CRM_TUNED: Batching = { size: 5, intervalMs: 100 };
/** The capacity-limit scenarios: a server that refuses with 503 and Retry-After ("not acted on") beyond this many requests in flight. */
export const CRM_CAPACITY: Capacity = { maxInFlight: 10, status: 503, retryAfter: '1' };
/** Concurrent signed deliveries per round in the acknowledgement benchmark. */
export const ACK_CONCURRENCY = 50;
export const RUN_TIMEOUT_MS = 20 * 60_000;

export const started = Date.now();
export function log(...parts: unknown[]) {
	const s = Math.round((Date.now() - started) / 1000);
	console.error(
		`[bench ${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`,
		...parts,
	);
}
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const pfDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
