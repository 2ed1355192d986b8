#!/usr/bin/env node
// `npm run screenshots`: the README's pictures of the n8n editor, taken by headless Chromium
// from the sandbox (`npm start`). Uses the running sandbox, or starts one and stops it after.
//
//   npm run screenshots                    all pictures into docs/images/
//   npm run screenshots -- --out /tmp/x    somewhere else
//   CHROMIUM=/path/to/chrome npm run screenshots
//
// Needs Chromium (Debian: apt-get install chromium; /usr/bin/chromium by default). Driven over
// the DevTools protocol with playwright-core (no browser download). Not part of `npm test`.
//
// Pictures: node-picker.png (our nodes in the node picker, with icons), one example-*.png per
// example workflow (an execution of it: green nodes with item counts), one node-*.png per node
// (its parameter panel, opened on an execution so input and output are real data), and
// executions.png (the executions list).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { DEFAULT_OWNER, N8nInstance, provisionN8n } from '../tooling/n8n/index.cjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE_FILE = path.join(ROOT, '.sandbox', 'sandbox.json');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 900 };

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const OUT = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(ROOT, 'docs', 'images'));

const t0 = Date.now();
const log = (...a) =>
	console.log(`[screenshots ${String(Math.round((Date.now() - t0) / 1000)).padStart(3)} s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

let sandboxChild; // a sandbox this script started
let chrome; // the Chromium process
let userDataDir;

async function cleanup() {
	if (chrome && chrome.exitCode === null) chrome.kill('SIGTERM');
	if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
	if (sandboxChild && sandboxChild.exitCode === null) {
		log('stopping the sandbox this script started …');
		const exited = new Promise((r) => sandboxChild.once('exit', r));
		process.kill(-sandboxChild.pid, 'SIGINT');
		await Promise.race([exited, sleep(60000)]);
	}
}
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		void cleanup().then(() => process.exit(130));
	});
}

// ------------------------------------------------------------------------------------------
// The sandbox

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function readState() {
	try {
		const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
		return alive(state.pid) ? state : undefined;
	} catch {
		return undefined;
	}
}

async function sandbox() {
	let state = readState();
	if (state) {
		log(`using the running sandbox (${state.url}, pid ${state.pid})`);
		return state;
	}
	log('no sandbox running: starting one (npm start) …');
	fs.rmSync(STATE_FILE, { force: true });
	sandboxChild = spawn(process.execPath, [path.join(ROOT, 'scripts', 'sandbox.mjs')], {
		cwd: ROOT,
		detached: true, // its own process group: SIGINT reaches it like Ctrl-C does
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	for (const stream of [sandboxChild.stdout, sandboxChild.stderr]) {
		stream.on('data', (d) => process.stdout.write(String(d).replace(/^(?=.)/gm, '  | ')));
	}
	const deadline = Date.now() + 20 * 60 * 1000; // the first run provisions n8n (~7 min)
	while (!(state = readState())) {
		if (sandboxChild.exitCode !== null)
			throw new Error(`the sandbox exited (${sandboxChild.exitCode})`);
		if (Date.now() > deadline) throw new Error('the sandbox did not come up within 20 minutes');
		await sleep(1000);
	}
	return state;
}

/**
 * For every example workflow, the execution to show: the successful one that ran the most
 * nodes (e.g. the Infinity CRM example's duplicate path: e-mail and CSV too). Waits until each
 * workflow has one (the poller's first lead takes about a minute and a half).
 */
async function pickExecutions(n8n, workflows) {
	const deadline = Date.now() + 5 * 60 * 1000;
	const picked = new Map();
	for (;;) {
		for (const wf of workflows) {
			const list = (await n8n.listExecutions(wf.id, { status: 'success', limit: 20 })).slice(0, 12);
			let best = picked.get(wf.id);
			for (const summary of list) {
				if (best && Number(summary.id) <= Number(best.id) && best.ran >= wf.nodeCount) continue;
				const ex = await n8n.getExecution(summary.id);
				const ran = Object.keys(ex.data?.resultData?.runData || {}).length;
				if (!best || ran > best.ran) best = { id: summary.id, ran, execution: ex };
			}
			if (best) picked.set(wf.id, best);
		}
		const missing = workflows.filter((wf) => {
			const best = picked.get(wf.id);
			// The webhook examples should show their full path (duplicates, assignment) if it ran.
			return !best || (wf.trigger !== 'manual' && best.ran < Math.min(wf.nodeCount, 3));
		});
		if (!missing.length) return picked;
		if (Date.now() > deadline) {
			log(
				`no (complete) execution yet for: ${missing.map((w) => w.name).join('; ')} — using what there is`,
			);
			return picked;
		}
		log(`waiting for executions of: ${missing.map((w) => `"${w.name}"`).join(', ')} …`);
		await sleep(15000);
	}
}

// ------------------------------------------------------------------------------------------
// Chromium

async function launchChromium() {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install chromium) or set CHROMIUM=/path/to/chrome`,
		);
	}
	userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-screenshots-chromium-'));
	chrome = spawn(
		CHROMIUM,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-quic',
			'--hide-scrollbars',
			`--user-data-dir=${userDataDir}`,
			'--remote-debugging-address=127.0.0.1',
			'--remote-debugging-port=0',
			`--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
			'about:blank',
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	const wsUrl = await new Promise((resolve, reject) => {
		let err = '';
		const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${err}`)), 30000);
		chrome.stderr.on('data', (d) => {
			err += d;
			const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		chrome.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${err}`)));
	});
	const browser = await chromium.connectOverCDP(wsUrl);
	const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
	return { browser, page: await context.newPage() };
}

async function login(page, state) {
	await page.goto(`${state.url}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', state.owner.email);
	await page.fill('input[name=password]', state.owner.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30000 });
}

/** Closes the popovers n8n shows on top of a workflow (the Production Checklist of published ones). */
async function dismissPopovers(page) {
	const close = page.locator('[data-test-id=suggested-actions-close]');
	if (
		await close.waitFor({ state: 'visible', timeout: 2500 }).then(
			() => true,
			() => false,
		)
	) {
		await close.click().catch(() => {});
		await close.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => {});
	}
}

async function openCanvas(page, url) {
	await page.goto(url);
	await page.waitForSelector('[data-test-id=canvas-node]', { timeout: 30000 });
	await dismissPopovers(page);
	await sleep(1200); // the canvas zooms to fit
}

async function shot(page, file, opts = {}) {
	const target = path.join(OUT, file);
	await (opts.locator
		? opts.locator.screenshot({ path: target })
		: page.screenshot({ path: target, clip: opts.clip }));
	log(`saved ${path.relative(ROOT, target)}`);
	return target;
}

/** Puts PNGs side by side (columns of stacked images) on one page and takes that. */
async function compose(page, file, columns) {
	const img = (f) => `<img src="data:image/png;base64,${fs.readFileSync(f).toString('base64')}">`;
	await page.setContent(`<!doctype html><html><body style="margin:0;background:#f5f5f5">
		<div id="board" style="display:inline-flex;gap:16px;padding:16px;align-items:flex-start;background:#f5f5f5">
		${columns
			.map(
				(col) =>
					`<div style="display:flex;flex-direction:column;gap:16px">${col
						.map(
							(f) =>
								`<div style="border:1px solid #ddd;border-radius:8px;overflow:hidden;background:#fff;line-height:0">${img(f)}</div>`,
						)
						.join('')}</div>`,
			)
			.join('')}
		</div></body></html>`);
	await page.waitForLoadState('load');
	await shot(page, file, { locator: page.locator('#board') });
}

// ------------------------------------------------------------------------------------------

async function nodePicker(page, state, workflows) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-picker-'));
	// A workflow that is not published (no checklist popover), with a trigger: the picker then
	// offers every node ("What happens next?").
	const host = workflows.find((w) => w.trigger === 'manual') || workflows[0];
	await page.setViewportSize({ width: VIEWPORT.width, height: 1300 }); // room for every action
	await openCanvas(page, `${state.url}/workflow/${host.id}`);
	const panel = page.locator('[data-test-id=node-creator]');
	const parts = [];
	for (const query of ['Property Finder', 'Infinity', 'AlterEstate', 'ClosingDealz']) {
		await page.click('[data-test-id=node-creator-plus-button]');
		await panel.waitFor();
		await page.keyboard.type(query);
		await page.waitForSelector('[data-test-id=node-creator] [data-test-id=item-iterator-item]');
		await sleep(800);
		const items = page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]');
		const box = await panel.boundingBox();
		const last = await items.last().boundingBox();
		const file = path.join(tmp, `${kebab(query.replace(/\s+/g, ''))}.png`);
		await page.screenshot({
			path: file,
			clip: { x: box.x, y: box.y, width: box.width, height: last.y + last.height + 16 - box.y },
		});
		parts.push(file);
		if (query === 'Property Finder') {
			// The app's entry: its actions (the triggers are the other entries).
			await items.first().click();
			await sleep(1000);
			const triggers = page.locator(
				'[data-test-id=node-creator] [data-test-id=node-creator-category-item]:has-text("Triggers")',
			);
			if (await triggers.count()) {
				await triggers.first().click(); // expand the triggers under the actions
				await sleep(800);
			}
			await page.mouse.move(5, 5);
			await sleep(300);
			const actions = path.join(tmp, 'property-finder-actions.png');
			const end = await items.last().boundingBox();
			const top = await panel.boundingBox();
			await page.screenshot({
				path: actions,
				clip: { x: top.x, y: top.y, width: top.width, height: end.y + end.height + 16 - top.y },
			});
			parts.push(actions);
		}
		for (let i = 0; i < 3 && (await panel.isVisible()); i++) {
			await page.keyboard.press('Escape');
			await sleep(300);
		}
	}
	const [pf, pfActions, ...others] = parts;
	await compose(page, 'node-picker.png', [[pf, ...others], [pfActions]]);
	await page.setViewportSize(VIEWPORT);
	fs.rmSync(tmp, { recursive: true, force: true });
}

async function main() {
	const started = Date.now();
	fs.mkdirSync(OUT, { recursive: true });
	const state = await sandbox();
	// hostDir: the library reads execution data with the provisioned n8n's own parser.
	const { hostDir } = await provisionN8n();
	const n8n = new N8nInstance({
		baseUrl: state.url,
		hostDir,
		owner: { ...DEFAULT_OWNER, ...state.owner },
	});
	await n8n.login(state.owner);

	const workflows = [];
	for (const w of state.workflows) {
		const full = await n8n.getWorkflow(w.id);
		const nodes = full.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
		workflows.push({ ...w, nodes, nodeCount: nodes.length });
	}
	const picked = await pickExecutions(n8n, workflows);
	log(
		`executions: ${workflows.map((w) => `"${w.name}" #${picked.get(w.id)?.id ?? '–'}`).join(', ')}`,
	);

	const { browser, page } = await launchChromium();
	try {
		await login(page, state);
		log('logged in');

		await nodePicker(page, state, workflows);

		// Each example after a run, and the parameter panel of each of our nodes on that run.
		const panels = new Map(); // node type -> { wf, node }
		for (const wf of workflows) {
			for (const node of wf.nodes) {
				if (!node.type.startsWith(`${PACKAGE}.`) || !picked.get(wf.id)) continue;
				const ran = picked.get(wf.id).execution.data.resultData.runData[node.name];
				if (!ran) continue;
				const current = panels.get(node.type);
				// Prefer the create operation (the richest form), else the first one met.
				if (
					!current ||
					(node.parameters?.operation === 'create' &&
						current.node.parameters?.operation !== 'create')
				) {
					panels.set(node.type, { wf, node });
				}
			}
		}
		for (const wf of workflows) {
			const best = picked.get(wf.id);
			if (!best) continue;
			const url = `${state.url}/workflow/${wf.id}/executions/${best.id}`;
			await openCanvas(page, url);
			await shot(page, `example-${path.basename(wf.file, '.json')}.png`);
			for (const [type, { wf: owner, node }] of panels) {
				if (owner !== wf) continue;
				await openCanvas(page, url);
				await page.dblclick(`[data-test-id=canvas-node][data-node-name="${node.name}"]`);
				await page.waitForSelector('[data-test-id=ndv]', { state: 'visible' });
				await page.mouse.move(VIEWPORT.width / 2, 10); // no hover highlight in the data tables
				await sleep(1500);
				await shot(page, `node-${kebab(type.split('.').pop())}.png`);
			}
		}

		await page.goto(`${state.url}/home/executions`);
		await page.waitForSelector('text=Auto refresh', { timeout: 30000 });
		await sleep(2500);
		// The list only (the insights above it are aggregated later and read 0 at first).
		const top = await page.locator('text=Auto refresh').boundingBox();
		const table = await page.locator('table').first().boundingBox();
		const y = Math.max(0, top.y - 70);
		await shot(page, 'executions.png', {
			clip: {
				x: Math.max(0, table.x - 24),
				y,
				width: Math.min(VIEWPORT.width, table.width + 48),
				height: VIEWPORT.height - y,
			},
		});
	} finally {
		await browser.close().catch(() => {});
	}
	log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${OUT}`);
}

main()
	.catch((e) => {
		console.error(`[screenshots] FAILED: ${e.stack || e.message}`);
		process.exitCode = 1;
	})
	.finally(() => cleanup());
