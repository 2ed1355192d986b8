/**
 * The benchmark: this package's nodes against n8n's HTTP Request node, side by side in one
 * real n8n with the package installed from its tarball, against the simulators with a fixed
 * latency and the documented rate limits on. Started by bench/run.mjs (`npm run bench`),
 * which builds, packs and compiles first; writes the report, a chart and the raw results.
 *
 *   node bench/out/bench/main.js --tarball <tgz> [--commit <text>] [--quick] [--out <dir>]
 *                                [--only <part of a scenario name>,…] [--pool-size <n>]
 *
 * --pool-size <n> starts n8n with N8N_EXPRESSION_ENGINE_POOL_SIZE=<n> (n8n's default: 1);
 * --expression-engine <vm|legacy> with N8N_EXPRESSION_ENGINE (n8n 2.41's default: vm);
 * --lazy-acquire with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (n8n 2.41's default: false).
 *
 * This file is the runner: simulators, n8n (through the driver, tooling/n8n), credentials, the
 * list of scenarios, the report. Each scenario is a file of bench/scenarios/; settings.ts holds
 * the flags and sizes, harness.ts running and measuring a workflow, workflows.ts the nodes
 * compared, report.ts REPORT.md, chart.svg and results.json.
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import type * as N8nLib from '../tooling/n8n/index.cjs';
import type { CredentialRef } from '../tooling/n8n/index.cjs';
import { AlterEstateSimulator } from '../tooling/simulators/alterEstate';
import { ClosingDealzSimulator } from '../tooling/simulators/closingDealz';
import type { Simulator } from '../tooling/simulators/framework';
import { InfinitySimulator } from '../tooling/simulators/infinity';
import { PropertyFinderSimulator } from '../tooling/simulators/propertyFinder';
import { PropertyFinderWebhooks } from '../tooling/simulators/propertyFinderWebhooks';
import type { Env } from './harness';
import type { BenchResults } from './report';
import { writeReport } from './report';
import { scenarioAcknowledgement } from './scenarios/acknowledgement';
import { scenarioClosingDealz, scenarioClosingDealzTwice } from './scenarios/closingDealz';
import { cpuBenchmarks } from './scenarios/cpu';
import { scenarioOneByOne } from './scenarios/oneByOne';
import { scenarioPolling } from './scenarios/polling';
import {
	CRM_CAPACITY,
	LATENCY_MS,
	OUT_DIR,
	QUICK,
	REPO,
	SIZES,
	TARBALL,
	args,
	argValue,
	log,
	started,
} from './settings';

// No keep-alive towards n8n: while n8n's event loop is busy with thousands of items, its
// keep-alive timer closes idle sockets late, and a request sent on such a socket at that moment
// fails with ECONNRESET. A fresh connection per request avoids the race (127.0.0.1: cheap).
http.globalAgent = new http.Agent({ keepAlive: false });
// The driver from its source folder (not a copy compiled into bench/out): it finds its pinned
// n8n host files next to itself.
const lib = createRequire(__filename)(
	path.join(REPO, 'tooling', 'n8n', 'index.cjs'),
) as typeof N8nLib;

function osName(): string {
	try {
		const text = fs.readFileSync('/etc/os-release', 'utf8');
		return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? os.type();
	} catch {
		return os.type();
	}
}

// ------------------------------------------------------------------------------- main

async function main() {
	if (!TARBALL || !fs.existsSync(TARBALL))
		throw new Error('--tarball <package .tgz> is required (bench/run.mjs passes it)');
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	const results: BenchResults = {
		quick: QUICK,
		startedAt: new Date(started).toISOString(),
		machine: {
			os: `${osName()} (kernel ${os.release()})`,
			cpu: os.cpus()[0]?.model ?? 'unknown',
			cores: os.availableParallelism?.() ?? os.cpus().length,
			memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		},
		versions: {
			benchNode: process.version,
			n8n: '',
			n8nNode: '',
			package: `${pkg.name}@${pkg.version}`,
			commit: argValue('--commit') ?? 'unknown',
		},
		settings: {
			latencyMs: LATENCY_MS,
			limits: [
				'ClosingDealz: 100 requests per 60 s sliding window per API key (429 beyond)',
				'Property Finder: token endpoint 60 requests/min, data endpoints 650 requests/min (429 beyond)',
				'Infinity CRM, AlterEstate: no limit (none documented, none simulated), except in the capacity-limit scenarios: 503 beyond ' +
					`${CRM_CAPACITY.maxInFlight} requests in flight`,
			],
			sizes: SIZES,
			poolSize: argValue('--pool-size'),
			expressionEngine: argValue('--expression-engine'),
			lazyAcquire: args.includes('--lazy-acquire'),
		},
		crm: [],
		polling: [],
		ack: [],
		cpu: [],
		errors: [],
		totalMs: 0,
	};

	log(`${QUICK ? 'quick' : 'full'} run; simulators with ${LATENCY_MS} ms latency`);
	const infinity = new InfinitySimulator();
	const alterEstate = new AlterEstateSimulator();
	const closingDealz = new ClosingDealzSimulator();
	const pf = new PropertyFinderSimulator();
	const webhooks = new PropertyFinderWebhooks(pf);
	const sims: Simulator[] = [infinity, alterEstate, closingDealz, pf];
	for (const sim of sims) {
		sim.latencyMs = LATENCY_MS;
		await sim.start();
	}

	const provisioned = await lib.provisionN8n();
	results.versions.n8n = provisioned.n8nVersion;
	results.versions.n8nNode = provisioned.nodeVersion;
	log(
		`starting n8n ${provisioned.n8nVersion} (Node ${provisioned.nodeVersion}) with ${path.basename(TARBALL)}`,
	);
	const n8n = await lib.startN8n({
		userFolder: path.join(REPO, 'bench', 'out', 'n8n-user'),
		clean: true,
		packageTarball: TARBALL,
		env: {
			N8N_LOG_LEVEL: 'warn',
			...(argValue('--pool-size')
				? { N8N_EXPRESSION_ENGINE_POOL_SIZE: argValue('--pool-size')! }
				: {}),
			...(argValue('--expression-engine')
				? { N8N_EXPRESSION_ENGINE: argValue('--expression-engine')! }
				: {}),
			...(args.includes('--lazy-acquire') ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
		},
	});
	log(`n8n ready in ${n8n.readyMs} ms at ${n8n.baseUrl}`);
	try {
		const created = await n8n.importCredentials([
			{
				name: 'Infinity CRM (simulator)',
				type: 'infinityCrmApi',
				data: { apiKey: infinity.apiKey, baseUrl: infinity.url },
			},
			{
				name: 'AlterEstate (simulator)',
				type: 'alterEstateApi',
				data: {
					apiKey: alterEstate.apiKey,
					publicToken: alterEstate.publicToken,
					baseUrl: alterEstate.url,
				},
			},
			{
				name: 'ClosingDealz (simulator)',
				type: 'closingDealzApi',
				data: { apiKey: closingDealz.apiKey, baseUrl: closingDealz.url },
			},
			{
				name: 'Property Finder, polling (simulator)',
				type: 'propertyFinderApi',
				data: { apiKey: pf.apiKey, apiSecret: pf.apiSecret, baseUrl: pf.url },
			},
			{
				name: 'Property Finder, webhooks (simulator)',
				type: 'propertyFinderApi',
				data: { apiKey: pf.apiKey, apiSecret: pf.apiSecret, baseUrl: pf.url },
			},
			{
				name: 'Infinity CRM header (simulator)',
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: infinity.apiKey },
			},
			{
				name: 'AlterEstate header (simulator)',
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Token ${alterEstate.apiKey}` },
			},
			{
				name: 'ClosingDealz header (simulator)',
				type: 'httpHeaderAuth',
				data: { name: 'X-API-Key', value: closingDealz.apiKey },
			},
		]);
		const ref = (index: number): CredentialRef => ({
			id: String(created[index].id),
			name: created[index].name,
		});
		const env: Env = {
			n8n,
			infinity,
			alterEstate,
			closingDealz,
			pf,
			webhooks,
			creds: {
				infinityCrmApi: ref(0),
				alterEstateApi: ref(1),
				closingDealzApi: ref(2),
				propertyFinderPoll: ref(3),
				propertyFinderHooks: ref(4),
				infinityHeader: ref(5),
				alterEstateHeader: ref(6),
				closingDealzHeader: ref(7),
			},
		};

		const scenarios: Array<[string, () => Promise<unknown>]> = [
			[
				'(a) ClosingDealz',
				() =>
					scenarioClosingDealz(env, results.crm, (reference) => (results.reference = reference)),
			],
			['(b) Infinity CRM', () => scenarioOneByOne(env, results.crm, 'infinity')],
			['(b) AlterEstate', () => scenarioOneByOne(env, results.crm, 'alterEstate')],
			[
				'(b) Infinity CRM, capacity limit',
				() => scenarioOneByOne(env, results.crm, 'infinity', CRM_CAPACITY),
			],
			[
				'(b) AlterEstate, capacity limit',
				() => scenarioOneByOne(env, results.crm, 'alterEstate', CRM_CAPACITY),
			],
			['(c) Property Finder polling', () => scenarioPolling(env, results.polling)],
			[
				'(d) Property Finder Trigger acknowledgement',
				() => scenarioAcknowledgement(env, results.ack),
			],
			[
				'(a) ClosingDealz, two executions at once',
				() => scenarioClosingDealzTwice(env, results.crm),
			],
			['(e) CPU per item', async () => results.cpu.push(...(await cpuBenchmarks(SIZES.cpu)))],
		];
		// `--only "Infinity,AlterEstate"`: just the scenarios whose name contains one of these.
		const only = argValue('--only')
			?.split(',')
			.map((part) => part.trim().toLowerCase());
		for (const [name, run] of scenarios) {
			if (only && !only.some((part) => name.toLowerCase().includes(part))) continue;
			const t = Date.now();
			try {
				await run();
				log(`${name}: done in ${Math.round((Date.now() - t) / 1000)} s`);
			} catch (error) {
				const message = (error as Error).stack ?? String(error);
				log(`${name}: FAILED\n${message}`);
				results.errors.push(`${name}: ${(error as Error).message}`);
			}
		}
		await n8n.stop();
		// The acknowledgement scenario again in an n8n started with each setting that raises a
		// webhook process's capacity (README "Bursts"), the same simulators, lighter rounds.
		if (!only || only.some((part) => '(d) property finder trigger acknowledgement'.includes(part))) {
			for (const [setting, extra] of ACK_SETTINGS) {
				const t = Date.now();
				try {
					await withN8n(lib, extra, pf, async (other, hooks) =>
						scenarioAcknowledgement({ ...env, n8n: other, creds: { ...env.creds, propertyFinderHooks: hooks } }, results.ack, {
							setting,
							light: true,
						}),
					);
					log(`(d) acknowledgement with ${setting}: done in ${Math.round((Date.now() - t) / 1000)} s`);
				} catch (error) {
					log(`(d) acknowledgement with ${setting}: FAILED\n${(error as Error).stack ?? String(error)}`);
					results.errors.push(`(d) acknowledgement with ${setting}: ${(error as Error).message}`);
				}
			}
		}
	} finally {
		await n8n.stop();
		for (const sim of sims) await sim.stop();
	}
	results.totalMs = Date.now() - started;
	const files = writeReport(results, OUT_DIR);
	log(`report: ${files.join(', ')}`);
	log(
		`total ${Math.round(results.totalMs / 1000)} s${results.errors.length ? `, ${results.errors.length} scenario(s) failed` : ''}`,
	);
	if (results.errors.length) process.exitCode = 1;
}

/** The n8n settings the acknowledgement scenario also runs with (the first run: n8n's defaults). */
const ACK_SETTINGS: Array<[string, Record<string, string>]> = [
	['N8N_EXPRESSION_ENGINE_POOL_SIZE=4', { N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' }],
	['N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }],
];

/** Starts another n8n with `extra` set, with the webhook credential, runs `run`, stops it. */
async function withN8n(
	n8nLib: typeof N8nLib,
	extra: Record<string, string>,
	pf: PropertyFinderSimulator,
	run: (n8n: N8nLib.N8nInstance, hooks: CredentialRef) => Promise<unknown>,
) {
	const other = await n8nLib.startN8n({
		userFolder: path.join(REPO, 'bench', 'out', 'n8n-user-settings'),
		clean: true,
		packageTarball: TARBALL,
		env: { N8N_LOG_LEVEL: 'warn', ...extra },
	});
	try {
		const [hooks] = await other.importCredentials([
			{
				name: 'Property Finder, webhooks (simulator)',
				type: 'propertyFinderApi',
				data: { apiKey: pf.apiKey, apiSecret: pf.apiSecret, baseUrl: pf.url },
			},
		]);
		await run(other, { id: String(hooks.id), name: hooks.name });
	} finally {
		await other.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
