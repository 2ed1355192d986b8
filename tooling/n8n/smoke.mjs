#!/usr/bin/env node
// Smoke test of the n8n driver (tooling/n8n: provisioning and index.cjs).
//
//   node tooling/n8n/smoke.mjs [--package path/to/n8n-nodes-x-1.0.0.tgz ...] [--keep]
//
// Provisions n8n (cached), builds a throw-away community package in a temp dir, starts n8n
// with it installed from its tarball, then checks: a Manual Trigger -> Set -> Code (task
// runner) -> community node workflow run over REST; a community credential created and tested (right and wrong key, the
// editor's test and the public API's); a Webhook workflow activated, called and deactivated.
// Extra --package tarballs are installed too and their node types listed. --keep leaves the
// user folder in place. Exits non-zero on the first failed check.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { startN8n, nodeOutput } from './index.cjs';

const args = process.argv.slice(2);
const extraPackages = [];
for (let i = 0; i < args.length; i++)
	if (args[i] === '--package') extraPackages.push(path.resolve(args[++i]));
const keep = args.includes('--keep');

const log = (...a) => console.log('[smoke]', ...a);
function check(cond, what, detail) {
	if (!cond) {
		console.error(
			`[smoke] FAILED: ${what}${detail === undefined ? '' : `\n${typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)}`}`,
		);
		process.exitCode = 1;
		throw new Error(what);
	}
	log(`ok: ${what}`);
}

// --- a minimal community package, compiled JS, packed with npm pack ---------------------------
function buildDemoPackage(dir) {
	const w = (rel, text) => {
		fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		fs.writeFileSync(path.join(dir, rel), text);
	};
	w(
		'package.json',
		JSON.stringify(
			{
				name: 'n8n-nodes-smoke-demo',
				version: '0.0.1',
				description: 'Throw-away package for the n8n tooling smoke test',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					nodes: ['dist/nodes/SmokeDemo/SmokeDemo.node.js'],
					credentials: ['dist/credentials/SmokeDemoApi.credentials.js'],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	w(
		'dist/credentials/SmokeDemoApi.credentials.js',
		`"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class SmokeDemoApi {
	constructor() {
		this.name = 'smokeDemoApi';
		this.displayName = 'Smoke Demo API';
		this.properties = [
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1' },
		];
		this.authenticate = { type: 'generic', properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } } };
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/check' } };
	}
}
exports.SmokeDemoApi = SmokeDemoApi;
`,
	);
	w(
		'dist/nodes/SmokeDemo/SmokeDemo.node.js',
		`"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
class SmokeDemo {
	constructor() {
		this.description = {
			displayName: 'Smoke Demo',
			name: 'smokeDemo',
			group: ['transform'],
			version: 1,
			description: 'Adds a greeting; optionally calls the API of its credential',
			defaults: { name: 'Smoke Demo' },
			inputs: ['main'],
			outputs: ['main'],
			usableAsTool: true,
			credentials: [{ name: 'smokeDemoApi', required: false }],
			properties: [
				{ displayName: 'Greeting', name: 'greeting', type: 'string', default: 'hello' },
				{ displayName: 'Call API', name: 'callApi', type: 'boolean', default: false },
			],
		};
	}
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const json = { ...items[i].json, greeting: this.getNodeParameter('greeting', i), fromCommunityNode: true };
			if (this.getNodeParameter('callApi', i)) {
				const creds = await this.getCredentials('smokeDemoApi');
				json.api = await this.helpers.httpRequestWithAuthentication.call(this, 'smokeDemoApi', {
					method: 'GET', url: creds.baseUrl + '/echo', json: true,
				});
			}
			out.push({ json, pairedItem: { item: i } });
		}
		return [out];
	}
}
exports.SmokeDemo = SmokeDemo;
`,
	);
	const r = spawnSync('npm', ['pack', '--silent'], { cwd: dir, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
	return path.join(dir, r.stdout.trim().split('\n').pop());
}

// --- a tiny API for the credential: /check (credential test) and /echo ------------------------
function startDemoApi() {
	const GOOD = 'good-key';
	const server = http.createServer((req, res) => {
		const key = req.headers['x-api-key'];
		res.setHeader('content-type', 'application/json');
		if (key !== GOOD) {
			res.statusCode = 401;
			return res.end(JSON.stringify({ error: 'invalid api key' }));
		}
		res.end(JSON.stringify({ ok: true, path: req.url }));
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, url: `http://127.0.0.1:${server.address().port}`, GOOD }),
		),
	);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-smoke-'));
const demoTgz = buildDemoPackage(path.join(work, 'pkg'));
log(`demo package: ${demoTgz}`);
const api = await startDemoApi();

const tStart = Date.now();
let n8n;
try {
	n8n = await startN8n({
		userFolder: path.join(work, 'user'),
		packageTarball: [demoTgz, ...extraPackages],
	});
} catch (e) {
	console.error(`[smoke] FAILED: n8n did not start: ${e.message}`);
	api.server.close();
	process.exit(1);
}
const timings = { coldStartToReadyMs: n8n.readyMs, startIncludingLoginMs: Date.now() - tStart };
log(`n8n ${n8n.baseUrl} ready in ${n8n.readyMs} ms (pid ${n8n.pid}), log: ${n8n.logFile}`);

try {
	// 1. The community package's node type is known to n8n.
	const types = await n8n.rest('POST', '/node-types', {
		nodeInfos: n8n.packages.flatMap((p) => {
			const pkg = JSON.parse(fs.readFileSync(path.join(p.dir, 'package.json'), 'utf8'));
			return (pkg.n8n.nodes || []).map((f) => ({
				name: `${p.name}.${path
					.basename(f)
					.replace(/\.node\.js$/, '')
					.replace(/^./, (c) => c.toLowerCase())}`,
				version: 1,
			}));
		}),
	});
	// (the reply carries the descriptions of the requested types that exist, names unprefixed)
	log(
		'node types loaded from tarballs:',
		types.map((t) => `${t.name} (${t.displayName})`).join(', '),
	);
	check(
		types.some((t) => t.displayName === 'Smoke Demo'),
		'community node type n8n-nodes-smoke-demo.smokeDemo is loaded',
	);

	// 2. Credentials of the community credential type; the editor's test and the public API's.
	const [good, bad] = await n8n.importCredentials([
		{ name: 'Smoke good', type: 'smokeDemoApi', data: { apiKey: api.GOOD, baseUrl: api.url } },
		{ name: 'Smoke bad', type: 'smokeDemoApi', data: { apiKey: 'wrong', baseUrl: api.url } },
	]);
	log(`credentials created: ${good.id}, ${bad.id}`);
	let t = Date.now();
	const testGood = await n8n.testCredential(good.id);
	timings.credentialTestMs = Date.now() - t;
	const testBad = await n8n.testCredential(bad.id);
	log('credential test (editor) good:', JSON.stringify(testGood), 'bad:', JSON.stringify(testBad));
	check(testGood.status === 'OK', 'credential test passes with the right key', testGood);
	check(testBad.status === 'Error', 'credential test fails with a wrong key', testBad);
	const overridden = await n8n.testCredential(bad.id, { apiKey: api.GOOD });
	check(
		overridden.status === 'OK',
		'credential test with data overriding the stored key',
		overridden,
	);
	if (n8n.hasPublicCredentialTest) {
		const pubGood = await n8n.testCredentialPublicApi(good.id);
		const pubBad = await n8n.testCredentialPublicApi(bad.id);
		log(
			'credential test (public API) good:',
			JSON.stringify(pubGood),
			'bad:',
			JSON.stringify(pubBad),
		);
		check(
			pubGood.status === 'OK' && pubBad.status === 'Error',
			'public API credential test agrees',
		);
	} else {
		log(`n8n ${n8n.n8nVersion} has no public-API credential test; skipped`);
	}
	await n8n.updateCredential(bad.id, { data: { apiKey: api.GOOD, baseUrl: api.url } });
	const fixed = await n8n.testCredential(bad.id);
	check(fixed.status === 'OK', 'credential updated (PATCH) and retested', fixed);
	await n8n.updateCredential(bad.id, { data: { apiKey: 'wrong', baseUrl: api.url } });

	// 3. Manual Trigger -> Set -> community node (calls the API with the credential).
	const manual = await n8n.createWorkflow(
		{
			name: 'Smoke: manual',
			nodes: [
				{
					id: crypto.randomUUID(),
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: crypto.randomUUID(),
					name: 'Set',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [220, 0],
					parameters: {
						assignments: {
							assignments: [
								{ id: crypto.randomUUID(), name: 'lead', value: 'Jane Doe', type: 'string' },
								{ id: crypto.randomUUID(), name: 'beds', value: 3, type: 'number' },
							],
						},
						options: {},
					},
				},
				{
					id: crypto.randomUUID(),
					name: 'Code',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [330, 0],
					parameters: {
						jsCode:
							'return $input.all().map((i) => ({ json: { ...i.json, viaTaskRunner: true } }));',
					},
				},
				{
					id: crypto.randomUUID(),
					name: 'Demo',
					type: 'n8n-nodes-smoke-demo.smokeDemo',
					typeVersion: 1,
					position: [440, 0],
					parameters: { greeting: 'hi from the tarball', callApi: true },
					credentials: { smokeDemoApi: { id: 'placeholder', name: 'placeholder' } },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
				Set: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
				Code: { main: [[{ node: 'Demo', type: 'main', index: 0 }]] },
			},
		},
		{ credentials: { smokeDemoApi: good } },
	);
	t = Date.now();
	const run = await n8n.runWorkflow(manual.id);
	timings.manualRunViaRestMs = Date.now() - t;
	log(`manual run: execution ${run.id} status ${run.status} in ${timings.manualRunViaRestMs} ms`);
	log('Set output:', JSON.stringify(nodeOutput(run, 'Set')));
	log('Demo output:', JSON.stringify(nodeOutput(run, 'Demo')));
	check(run.status === 'success', 'manual workflow run succeeded', run.data?.resultData?.error);
	check(nodeOutput(run, 'Set')?.[0]?.lead === 'Jane Doe', 'Set node output is there');
	check(nodeOutput(run, 'Code')?.[0]?.viaTaskRunner === true, 'Code node ran in the task runner');
	const demoOut = nodeOutput(run, 'Demo')?.[0];
	check(
		demoOut?.fromCommunityNode === true && demoOut?.api?.ok === true,
		'community node ran and called its API with the credential',
	);
	const listed = await n8n.listExecutions(manual.id);
	check(listed.length === 1 && listed[0].id === run.id, 'listExecutions returns the run');

	// 4. Webhook workflow: activate, call, deactivate.
	const hookPath = `smoke-${crypto.randomUUID().slice(0, 8)}`;
	const hook = await n8n.createWorkflow({
		name: 'Smoke: webhook',
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', options: {} },
			},
			{
				id: crypto.randomUUID(),
				name: 'Demo',
				type: 'n8n-nodes-smoke-demo.smokeDemo',
				typeVersion: 1,
				position: [220, 0],
				parameters: { greeting: 'webhook says hi' },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Demo', type: 'main', index: 0 }]] } },
	});
	t = Date.now();
	const activated = await n8n.activateWorkflow(hook.id);
	timings.activateMs = Date.now() - t;
	check(
		activated.active === true,
		`webhook workflow activated (activeVersionId ${activated.activeVersionId})`,
	);
	t = Date.now();
	const resp = await n8n.callWebhook(hookPath, { body: { lead: 'from webhook' } });
	timings.webhookCallMs = Date.now() - t;
	log(
		`POST ${n8n.webhookUrl(hookPath)} -> ${resp.status} ${resp.text} (${timings.webhookCallMs} ms)`,
	);
	check(
		resp.status === 200 &&
			resp.body?.greeting === 'webhook says hi' &&
			resp.body?.body?.lead === 'from webhook',
		'webhook answered with the workflow output',
	);
	const [hookExec] = await n8n.waitForExecutions(hook.id, { count: 1 });
	check(
		hookExec.mode === 'webhook' && hookExec.status === 'success',
		`webhook execution ${hookExec.id} recorded (mode ${hookExec.mode})`,
	);
	const deactivated = await n8n.deactivateWorkflow(hook.id);
	check(deactivated.active === false, 'webhook workflow deactivated');
	const gone = await n8n.callWebhook(hookPath, { body: {}, retry404Ms: 0 });
	check(
		gone.status === 404,
		`webhook answers 404 after deactivation (${gone.status} ${gone.text.slice(0, 300)})`,
	);
} catch (e) {
	process.exitCode = 1;
	if (!String(e.message).length || !e.stack.includes('check (')) console.error('[smoke] ERROR:', e);
} finally {
	const t = Date.now();
	await n8n.stop();
	timings.stopMs = Date.now() - t;
	api.server.close();
	const left = spawnSync('ps', ['-o', 'pid=,cmd=', '-g', String(n8n.pid)], {
		encoding: 'utf8',
	}).stdout.trim();
	if (left) {
		console.error(`[smoke] FAILED: processes left in n8n's group:\n${left}`);
		process.exitCode = 1;
	} else {
		log('ok: n8n and its task runner stopped');
	}
	log('timings (ms):', JSON.stringify(timings));
	if (keep) log(`kept ${work}`);
	else fs.rmSync(work, { recursive: true, force: true });
}
if (!process.exitCode) log('all checks passed');
