/**
 * Turns the benchmark results into bench/REPORT.md, a chart (SVG) and results.json.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { CpuRow } from './scenarios/cpu';

export type Role = 'ours' | 'oursMax' | 'oursAuto' | 'httpDefault' | 'httpTuned' | 'httpTunedArray';

export interface Measured {
	sample: number;
	wallMs: number;
	requests: number;
	created: number;
	failed: number;
	rejected429: number;
}

export interface CrmRow {
	scenario:
		| 'closingDealz'
		| 'closingDealzTwice'
		| 'infinity'
		| 'alterEstate'
		| 'infinityCapacity'
		| 'alterEstateCapacity';
	role: Role;
	variant: string;
	tuning: string;
	/** Leads of the scenario; the numbers below are for this many (extrapolated if so marked). */
	leads: number;
	/** Leads actually sent in this run. */
	sample: number;
	extrapolated: boolean;
	/** The sending node's run time as n8n records it. */
	wallMs: number;
	/** The whole execution, measured (sample size when extrapolated). */
	executionMs: number;
	requests: number;
	created: number;
	failed: number;
	rejected429: number;
	/** Answers 429 or 503 (a server at its capacity); when absent, the 429 count. */
	refused?: number;
	/** First request to last answer in the simulator's log (the sending, without n8n's preparation). */
	apiMs?: number;
	peakInFlight: number;
	status: string;
	measured?: Measured;
	note?: string;
}

export interface PollRow {
	variant: string;
	run: 'backlog' | 'idle';
	requests: number;
	tokenCalls: number;
	pageRequests: number;
	emitted: number;
	apiMs: number;
	totalMs: number;
	staticDataBytes: number;
	note: string;
}

export interface AckRow {
	/** The n8n setting of the n8n it ran in ("default": n8n's defaults). */
	setting?: string;
	variant: string;
	checks: string;
	/** Median latency of single deliveries sent one at a time. */
	singleP50: number;
	deliveries: number;
	concurrency: number;
	p50: number;
	p90: number;
	p99: number;
	max: number;
	mean: number;
	non2xx: number;
	executions: number;
	/** The burst Property Finder makes: deliveries sent at once, answered with a 2xx within 5 s. */
	burstDeliveries?: number;
	burstFirstTry?: number;
	/** Rounds until every delivery was answered (Property Finder-style resends), and what never was. */
	burstRounds?: number;
	burstUnacknowledged?: number;
	/** Leads in the burst, and the executions it started (ours: one per lead). */
	burstLeads?: number;
	burstExecutions?: number;
}

export interface BenchResults {
	quick: boolean;
	startedAt: string;
	machine: { os: string; cpu: string; cores: number; memoryGiB: number };
	versions: { benchNode: string; n8n: string; n8nNode: string; package: string; commit: string };
	settings: { latencyMs: number; limits: string[]; sizes: Record<string, number>; poolSize?: string; expressionEngine?: string; lazyAcquire?: boolean };
	crm: CrmRow[];
	polling: PollRow[];
	ack: AckRow[];
	cpu: CpuRow[];
	/** n8n's own per-item cost: an Edit Fields node with the four mappings our ClosingDealz node gets. */
	reference?: { items: number; editFieldsMs: number };
	errors: string[];
	totalMs: number;
}

// ------------------------------------------------------------------------------- formatting

function roundsText(row: AckRow): string {
	if (row.burstRounds === undefined) return '–';
	return row.burstUnacknowledged ? `${row.burstRounds}, ${row.burstUnacknowledged} never answered` : String(row.burstRounds);
}

function burstText(row?: AckRow): string {
	return row?.burstDeliveries ? `${row.burstFirstTry ?? 0}/${row.burstDeliveries}` : 'not measured';
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

export function duration(ms: number): string {
	if (!Number.isFinite(ms)) return '–';
	if (ms < 1_000) return `${(ms / 1000).toFixed(2)} s`;
	if (ms < 100_000) return `${(ms / 1000).toFixed(1)} s`;
	if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
	const minutes = Math.round(ms / 60_000);
	return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const msText = (ms: number) =>
	Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : '–';

function ratio(ours: number, other: number): string {
	if (!Number.isFinite(ours) || !Number.isFinite(other) || other <= 0) return '–';
	const r = ours / other;
	return r >= 10 ? `${Math.round(r)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toFixed(3)}×`;
}

function speedup(ours: number, other: number): string {
	const r = other / ours;
	return r >= 10 ? `${Math.round(r).toLocaleString('en-US')}×` : `${r.toFixed(1)}×`;
}

const TITLES: Record<CrmRow['scenario'], string> = {
	closingDealz: 'ClosingDealz',
	closingDealzTwice: 'ClosingDealz, two executions started at once',
	infinity: 'Infinity CRM',
	alterEstate: 'AlterEstate',
	infinityCapacity: 'Infinity CRM against a capacity limit',
	alterEstateCapacity: 'AlterEstate against a capacity limit',
};

const SCENARIOS = [
	'closingDealz',
	'closingDealzTwice',
	'infinity',
	'alterEstate',
	'infinityCapacity',
	'alterEstateCapacity',
] as const;

const refusedOf = (row: CrmRow) => row.refused ?? row.rejected429;

function crmTable(rows: CrmRow[]): string {
	const ours = rows.find((row) => row.role === 'ours');
	const lines = [
		'| Variant | Set-up | Wall time | Execution | Requests | Leads created | Leads failed | Refused (429/503) | Peak in flight | Ours ÷ this (time) |',
		'|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
	];
	for (const row of rows) {
		const mark = row.extrapolated ? ' ¹' : '';
		const lossy = row.failed > 0 && !row.role.startsWith('ours');
		lines.push(
			`| ${row.role.startsWith('ours') ? `**${row.variant}**` : row.variant} | ${row.tuning} | ${duration(row.wallMs)}${mark} | ${duration(row.executionMs)}${row.extrapolated ? ` (${int(row.sample)} leads)` : ''} | ${int(row.requests)}${mark} | ${int(row.created)}${mark} | ${int(row.failed)}${mark} | ${int(refusedOf(row))}${mark} | ${int(row.peakInFlight)} | ${row === ours || !ours ? '1' : `${ratio(ours.wallMs, row.wallMs)}${lossy ? ' (loses leads)' : ''}`} |`,
		);
	}
	const notes = rows.filter((row) => row.measured);
	for (const row of notes) {
		const m = row.measured!;
		lines.push(
			'',
			`¹ *${row.variant}*: measured on ${int(m.sample)} leads (${duration(m.wallMs)}, ${int(m.requests)} requests, ${int(m.created)} created, ${int(m.failed)} failed, ${int(m.rejected429)} answered 429${row.note ? `; the node stopped with "${row.note}"` : ''}) and extrapolated to ${int(row.leads)}: ${
				row.role === 'httpDefault'
					? 'one request per lead; time scaled linearly; the burst lasts under a minute, so the limit admits 100 requests and refuses the rest.'
					: 'requests, time and outcomes scaled linearly (the pacing interval dominates the time).'
			}`,
		);
	}
	return lines.join('\n');
}

// ------------------------------------------------------------------------------- chart

const COLORS: Record<Role, string> = {
	ours: '#1b7f3b',
	oursMax: '#5fb37a',
	oursAuto: '#0e5c2a',
	httpDefault: '#c0392b',
	httpTuned: '#d68910',
	httpTunedArray: '#2e6fb7',
};

/** Axis label for a power of ten seconds: "0.1 s", "10 s", "1000 s (17 min)". */
function tickLabel(seconds: number): string {
	const text = `${seconds < 1 ? seconds.toFixed(1) : Math.round(seconds)} s`;
	if (seconds < 600) return text;
	return seconds < 7200
		? `${text} (${Math.round(seconds / 60)} min)`
		: `${text} (${(seconds / 3600).toFixed(1)} h)`;
}

/** The acknowledgement rows measured with n8n's defaults (the main table and the chart). */
function defaultAck(results: BenchResults): AckRow[] {
	return results.ack.filter((row) => (row.setting ?? 'default') === 'default');
}

/** Short names for the acknowledgement receivers in the chart. */
function ackLabel(variant: string): string {
	if (variant.startsWith('Ours')) return variant.includes('version 1') ? 'Ours: PF Trigger v1' : 'Ours: Property Finder Trigger';
	return variant.includes('expression')
		? 'Webhook node, 1 expression option'
		: 'Webhook node (bare)';
}

const esc = (text: string) =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chartSvg(results: BenchResults): string {
	const ackRows = defaultAck(results);
	const width = 980;
	const labelW = 330;
	const barX = labelW + 10;
	const barW = 420;
	const rowH = 22;
	const parts: string[] = [];
	let y = 40;

	// Panel 1: wall time per variant, log scale.
	const times = results.crm.map((row) => row.wallMs).filter((ms) => ms > 0 && Number.isFinite(ms));
	const minExp = Math.floor(Math.log10(Math.max(0.1, Math.min(...times, 1_000) / 1000)));
	const maxExp = Math.ceil(Math.log10(Math.max(...times, 10_000) / 1000));
	const xOf = (ms: number) =>
		barX + ((Math.log10(Math.max(ms, 1) / 1000) - minExp) / (maxExp - minExp)) * barW;
	parts.push(
		`<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">Time to send the leads (log scale) — shorter is better; ✗ = leads not created</text>`,
	);
	const panelTop = y;
	for (const scenario of SCENARIOS) {
		const rows = results.crm.filter((row) => row.scenario === scenario);
		if (rows.length === 0) continue;
		y += 8;
		parts.push(
			`<text x="10" y="${y + 12}" font-size="13" font-weight="bold">${esc(`${TITLES[scenario]}, ${int(rows[0].leads)} leads`)}</text>`,
		);
		y += 18;
		for (const row of rows) {
			const x2 = xOf(row.wallMs);
			const fill = row.extrapolated ? `url(#hatch-${row.role})` : COLORS[row.role];
			parts.push(
				`<text x="${labelW}" y="${y + 15}" text-anchor="end" font-size="12">${esc(row.variant)}</text>`,
			);
			parts.push(
				`<rect x="${barX}" y="${y + 3}" width="${Math.max(1, x2 - barX).toFixed(1)}" height="${rowH - 6}" fill="${fill}" stroke="${COLORS[row.role]}"/>`,
			);
			const failed = row.failed > 0 ? `  ✗ ${int(row.failed)} failed` : '';
			parts.push(
				`<text x="${(x2 + 6).toFixed(1)}" y="${y + 15}" font-size="12">${esc(duration(row.wallMs))}${row.extrapolated ? ' (extrapolated)' : ''}<tspan fill="#c0392b" font-weight="bold">${esc(failed)}</tspan></text>`,
			);
			y += rowH;
		}
	}
	for (let e = minExp; e <= maxExp; e++) {
		const x = xOf(10 ** e * 1000);
		parts.push(
			`<line x1="${x.toFixed(1)}" y1="${panelTop}" x2="${x.toFixed(1)}" y2="${y + 4}" stroke="#ccc" stroke-dasharray="3,3"/>`,
		);
		parts.push(
			`<text x="${x.toFixed(1)}" y="${y + 18}" text-anchor="middle" font-size="11" fill="#555">${esc(tickLabel(10 ** e))}</text>`,
		);
	}
	y += 40;

	// Panel 2: acknowledgement latency.
	if (ackRows.length > 0) {
		parts.push(
			`<text x="${width / 2}" y="${y}" text-anchor="middle" font-size="16" font-weight="bold">Webhook acknowledgement under ${ackRows[0].concurrency} concurrent deliveries (p50 / p99)</text>`,
		);
		y += 14;
		const maxMs = Math.max(...ackRows.map((row) => row.p99), 1);
		const scale = barW / maxMs;
		for (const row of ackRows) {
			const color = row.variant.startsWith('Ours')
				? COLORS.ours
				: row.variant.includes('expression')
					? '#aab7b8'
					: '#5d6d7e';
			for (const [name, value] of [
				['p50', row.p50],
				['p99', row.p99],
			] as const) {
				parts.push(
					`<text x="${labelW}" y="${y + 15}" text-anchor="end" font-size="12">${esc(`${ackLabel(row.variant)} — ${name}`)}</text>`,
				);
				parts.push(
					`<rect x="${barX}" y="${y + 3}" width="${Math.max(1, value * scale).toFixed(1)}" height="${rowH - 6}" fill="${color}" opacity="${name === 'p50' ? 0.6 : 1}"/>`,
				);
				parts.push(
					`<text x="${(barX + value * scale + 6).toFixed(1)}" y="${y + 15}" font-size="12">${esc(msText(value))}</text>`,
				);
				y += rowH;
			}
		}
		y += 10;
	}

	// Legend.
	y += 10;
	let lx = 10;
	const legend: Array<[Role, string]> = [
		['ours', 'ours (defaults)'],
		['oursAuto', 'ours, Map Automatically'],
		['httpDefault', 'HTTP Request, default'],
		['httpTuned', 'HTTP Request, tuned (batching)'],
		['httpTunedArray', 'HTTP Request, tuned (arrays of 100)'],
	];
	legend.forEach(([role, text], index) => {
		if (index === 3) {
			lx = 10;
			y += 22;
		}
		parts.push(`<rect x="${lx}" y="${y}" width="14" height="14" fill="${COLORS[role]}"/>`);
		parts.push(`<text x="${lx + 18}" y="${y + 12}" font-size="12">${esc(text)}</text>`);
		lx += 40 + text.length * 6.5;
	});
	parts.push(
		`<rect x="${lx}" y="${y}" width="14" height="14" fill="url(#hatch-httpTuned)" stroke="#555"/>`,
	);
	parts.push(
		`<text x="${lx + 18}" y="${y + 12}" font-size="12">hatched: extrapolated from a sample</text>`,
	);
	y += 30;

	const patterns = (Object.keys(COLORS) as Role[])
		.map(
			(role) =>
				`<pattern id="hatch-${role}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS[role]}" stroke-width="3"/></pattern>`,
		)
		.join('');
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">`,
		`<defs>${patterns}</defs>`,
		`<rect width="100%" height="100%" fill="#fff"/>`,
		...parts,
		'</svg>',
		'',
	].join('\n');
}

// ------------------------------------------------------------------------------- report

function headline(results: BenchResults): string[] {
	const out: string[] = [];
	const find = (scenario: CrmRow['scenario'], role: Role) =>
		results.crm.find((row) => row.scenario === scenario && row.role === role);
	const cdOurs = find('closingDealz', 'ours');
	const cdAuto = find('closingDealz', 'oursAuto');
	const cdDefault = find('closingDealz', 'httpDefault');
	const cdPaced = find('closingDealz', 'httpTuned');
	const cdArrays = find('closingDealz', 'httpTunedArray');
	const twiceOurs = find('closingDealzTwice', 'ours');
	const twiceArrays = find('closingDealzTwice', 'httpTunedArray');
	const reference = results.reference;
	if (cdOurs) {
		out.push(
			`- **ClosingDealz, ${int(cdOurs.leads)} leads**: ours sends ${int(cdOurs.requests)} requests and creates all ${int(cdOurs.created)} leads in ${duration(cdOurs.wallMs)}, ${int(cdOurs.rejected429)} answers 429` +
				(reference
					? ` (${duration(reference.editFieldsMs)} of it is n8n resolving the four field mappings of each item, as measured with an Edit Fields node)`
					: '') +
				'.' +
				(cdAuto
					? ` With **Map Automatically** (input columns named like the fields, no expression per field) it takes ${duration(cdAuto.wallMs)} — **${speedup(cdAuto.wallMs, cdOurs.wallMs)} faster** than the four-expression mapping — with ${int(cdAuto.requests)} requests and ${int(cdAuto.created)} leads created (${cdAuto.note ?? ''}).`
					: '') +
				(cdDefault
					? ` The HTTP Request node with default settings sends ${int(cdDefault.requests)} requests${cdDefault.extrapolated ? ' (extrapolated)' : ''} and creates ${int(cdDefault.created)} leads: **${int(cdDefault.failed)} fail** with 429.`
					: '') +
				(cdPaced
					? ` Paced so that none fail (one request every 650 ms), it needs ${duration(cdPaced.wallMs)} (extrapolated from ${int(cdPaced.sample)} leads): **ours is ${speedup(cdOurs.wallMs, cdPaced.wallMs)} faster**.`
					: '') +
				(cdArrays
					? ` With a Code node grouping the leads into arrays of 100, it sends ${int(cdArrays.requests)} requests in ${duration(cdArrays.wallMs)} — ${speedup(cdArrays.wallMs, cdOurs.wallMs)} faster than ours within one execution, with one result per 100 leads instead of one per lead and no validation` +
						(twiceOurs && twiceArrays
							? `; started twice at once it **loses ${int(twiceArrays.failed)} of ${int(twiceArrays.leads)} leads** to 429s, while ours creates all ${int(twiceOurs.created)} (in ${duration(twiceOurs.wallMs)}: the second execution waits for the shared pacing window).`
							: '.')
					: ''),
		);
	}
	for (const scenario of ['infinity', 'alterEstate'] as const) {
		const ours = find(scenario, 'ours');
		const def = find(scenario, 'httpDefault');
		const tuned = find(scenario, 'httpTuned');
		const auto = find(scenario, 'oursAuto');
		const capOurs = find(`${scenario}Capacity`, 'ours');
		const capDef = find(`${scenario}Capacity`, 'httpDefault');
		if (!ours) continue;
		out.push(
			`- **${TITLES[scenario]}, ${int(ours.leads)} leads**: ours ${duration(ours.wallMs)} with adaptive parallelism (up to ${int(ours.peakInFlight)} requests in flight${ours.apiMs ? `; the sending itself, first request to last answer, ${duration(ours.apiMs)}` : ''})` +
				(auto ? `, ${duration(auto.wallMs)} with Map Automatically` : '') +
				(def
					? `; HTTP Request default ${duration(def.wallMs)} with up to ${int(def.peakInFlight)} in flight (ours ÷ this: **${ratio(ours.wallMs, def.wallMs)}**${auto ? `, with Map Automatically ${ratio(auto.wallMs, def.wallMs)}` : ''})`
					: '') +
				(tuned
					? `; HTTP Request tuned with batching ${duration(tuned.wallMs)} (ours ÷ this: ${ratio(ours.wallMs, tuned.wallMs)})`
					: '') +
				`. Leads failed: ours ${int(ours.failed)}${def ? `, HTTP default ${int(def.failed)}` : ''}${tuned ? `, HTTP tuned ${int(tuned.failed)}` : ''}.` +
				(capOurs && capDef
					? ` Against a server refusing beyond a fixed number of requests in flight: ours creates ${int(capOurs.created)} of ${int(capOurs.leads)} (${int(capOurs.failed)} lost) with ${int(refusedOf(capOurs))} refused requests in ${duration(capOurs.wallMs)}; HTTP Request default creates ${int(capDef.created)} (**${int(capDef.failed)} lost**) with ${int(refusedOf(capDef))} refused.`
					: ''),
		);
	}
	const pollOurs = results.polling.find(
		(row) => row.run === 'backlog' && row.variant.includes('Trigger'),
	);
	const pollIdle = results.polling.find(
		(row) => row.run === 'idle' && row.variant.includes('Trigger'),
	);
	const pollAction = results.polling.find((row) => row.variant.includes('Get Many'));
	const pollHttp = results.polling.find(
		(row) => row.run === 'backlog' && !row.variant.startsWith('Ours'),
	);
	const pollHttpIdle = results.polling.find(
		(row) => row.run === 'idle' && !row.variant.startsWith('Ours'),
	);
	if (pollOurs) {
		const plural = (n: number, word: string) => `${int(n)} ${word}${n === 1 ? '' : 's'}`;
		out.push(
			`- **Property Finder polling, ${int(pollOurs.emitted)}-lead backlog**: one poll reads it with ${plural(pollOurs.requests, 'request')} (${plural(pollOurs.tokenCalls, 'token call')}) in ${duration(pollOurs.apiMs)} and keeps ${int(pollOurs.staticDataBytes)} bytes of state` +
				(pollHttp
					? ` — slower than the HTTP Request node's pagination (${duration(pollHttp.apiMs)})${pollAction ? ` or our Property Finder node (${duration(pollAction.apiMs)})` : ''} reading the same pages: n8n's expression engine costs more per request in a poll (see the caveats)`
					: '') +
				`. An idle poll then costs ${plural(pollIdle?.requests ?? Number.NaN, 'request')} and emits ${int(pollIdle?.emitted ?? Number.NaN)} leads` +
				(pollHttpIdle
					? `; the HTTP Request workflow has no cursor: run again with nothing new, it repeats ${plural(pollHttpIdle.requests, 'request')} and emits all ${int(pollHttpIdle.emitted)} leads again.`
					: '.'),
		);
	}
	const ackOurs = defaultAck(results).find((row) => row.variant === 'Ours: Property Finder Trigger');
	const ackPlain = defaultAck(results).find(
		(row) => !row.variant.startsWith('Ours') && !row.variant.includes('expression'),
	);
	const ackExpr = defaultAck(results).find((row) => row.variant.includes('expression'));
	const lazy = results.ack.filter((row) => row.setting?.includes('LAZY_ACQUIRE'));
	const lazyOurs = lazy.find((row) => row.variant === 'Ours: Property Finder Trigger');
	const lazyPlain = lazy.find((row) => !row.variant.startsWith('Ours') && !row.variant.includes('expression'));

	if (ackOurs) {
		out.push(
			`- **Property Finder Trigger, ${ackOurs.concurrency} concurrent signed deliveries**: acknowledged in p50 ${msText(ackOurs.p50)} / p99 ${msText(ackOurs.p99)} (${msText(ackOurs.singleP50)} one at a time), every signature verified, ${int(ackOurs.executions)} executions for ${int(ackOurs.deliveries)} deliveries, ${int(ackOurs.non2xx)} errors.` +
				(ackPlain
					? ` n8n's bare Webhook node: p50 ${msText(ackPlain.p50)} / p99 ${msText(ackPlain.p99)}`
					: '') +
				(ackExpr
					? `; the same Webhook node with one option set by an expression: p50 ${msText(ackExpr.p50)} / p99 ${msText(ackExpr.p99)} — the gap is n8n's expression isolate, not the trigger's own work.`
					: '.') +
				` Burst of ${ackOurs.burstDeliveries ?? 0} at once, answered within 5 s: ${burstText(ackOurs)} (Webhook node ${burstText(ackPlain)}); with Property Finder-style resends, ${int(ackOurs.burstExecutions ?? Number.NaN)} executions for the burst's ${int(ackOurs.burstLeads ?? Number.NaN)} leads${ackPlain?.burstExecutions !== undefined ? ` (Webhook node: ${int(ackPlain.burstExecutions)}, one per delivery answered)` : ''}.` +
				(lazyOurs && lazyPlain
					? ` **With \`N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true\`** (version 2 of the trigger needs no isolate then): burst ${burstText(lazyOurs)} (Webhook node ${burstText(lazyPlain)}), p50 under ${lazyOurs.concurrency} at once ${msText(lazyOurs.p50)} (Webhook node ${msText(lazyPlain.p50)}).`
					: ''),
		);
	}
	if (results.cpu.length > 0) {
		const worst = results.cpu.reduce((a, b) => (a.usPerItem > b.usPerItem ? a : b));
		out.push(
			`- **CPU**: our per-item work costs at most ${worst.usPerItem.toFixed(1)} µs of CPU per item (${worst.work.split(':')[0]}), i.e. ${duration(worst.cpuMs)} for ${int(worst.items)} items.`,
		);
	}
	return out;
}

export function reportMarkdown(results: BenchResults, chartFile: string): string {
	const m = results.machine;
	const v = results.versions;
	const s = results.settings;
	const sections: string[] = [];
	sections.push(
		`# Benchmarks: this package against n8n's HTTP Request node`,
		'',
		`Produced by \`npm run bench${results.quick ? ' -- --quick' : ''}\` (bench/run.mjs) on ${results.startedAt.slice(0, 10)}; the whole run took ${duration(results.totalMs)}.${results.quick ? ' **Quick run: reduced sizes, not the published numbers.**' : ''}`,
		'',
		...(results.errors.length > 0
			? ['**Scenarios that failed in this run:**', '', ...results.errors.map((e) => `- ${e}`), '']
			: []),
		'## Headline',
		'',
		...headline(results),
		'',
		`![Wall time per scenario and acknowledgement latency](${chartFile})`,
		'',
		'## Machine, versions, settings',
		'',
		'| | |',
		'|---|---|',
		`| Machine | ${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB memory, ${m.os} |`,
		`| n8n | ${v.n8n} on Node ${v.n8nNode}, one instance, SQLite, task runner internal, package installed from its \`npm pack\` tarball |`,
		`| Package | ${v.package} (commit ${v.commit}) |`,
		`| Bench process | Node ${v.benchNode} (drives n8n over its REST API, runs the simulators and the CPU measurements) |`,
		`| Simulator latency | ${s.latencyMs} ms added before every answer |`,
		`| Rate limits | ${s.limits.join('; ')} |`,
		`| Sizes | ${Object.entries(s.sizes)
			.map(([key, value]) => `${key} ${int(value)}`)
			.join(', ')} |`,
		'',
		'## Method',
		'',
		'- One n8n and one set of simulators (real HTTP servers on 127.0.0.1) for every scenario; simulator logs, stored leads and rate-limit windows are reset between variants, and every variant gets its own leads (distinct phones and e-mails).',
		"- Lead scenarios are workflows *Manual Trigger → Code node generating the leads → the node under test*, run through the editor's REST endpoint (`POST /rest/workflows/:id/run`). **Wall time** is the run time n8n records for the node under test (`executionTime` in the run data); **Execution** is the whole execution (`startedAt` → `stoppedAt`, including generating the items and n8n's own overhead).",
		"- **Requests** and **refused** answers (429 and 503) come from the simulator's request log, **leads created** from what the simulator stored, **leads failed** = leads sent − leads created; **peak in flight** is the most requests the simulator was handling at once.",
		'- The HTTP Request node (version 4.5, the one the editor adds in n8n 2.41) uses a Header Auth credential and a JSON body built by an expression. *Default* means nothing but that; *tuned* means its **Batching** option (items per batch + interval) set as a careful user would, plus **On Error: Continue** so one refused request does not stop the run. Node-level *Retry On Fail* was left off: it re-runs the whole node, re-sending items that had already succeeded.',
		'- ClosingDealz one lead per request is bounded by the API itself: 100 requests a minute means 100 leads a minute, so 10,000 leads paced to avoid 429s take at least 100 minutes. That variant ran on a sample and is extrapolated, marked ¹ with its measured numbers below the table; every other row is measured at full size.',
		'- *Arrays of 100* is the best a careful user can do with the HTTP Request node: a Code node groups the leads into arrays of 100, each sent as one request, at most 100 requests per 61 s. It gives up per-lead results (one output item per 100 leads), validation and phone normalisation, and its pacing holds within one execution only (see the two-executions table).',
		'',
	);

	for (const scenario of SCENARIOS) {
		const rows = results.crm.filter((row) => row.scenario === scenario);
		if (rows.length === 0) continue;
		sections.push(`## ${TITLES[scenario]}: ${int(rows[0].leads)} leads`, '', crmTable(rows), '');
		if (scenario === 'closingDealz' && results.reference) {
			sections.push(
				`n8n's own cost of resolving the four field mappings our node is given (\`={{ $json.company }}\` …) for ${int(results.reference.items)} items, measured with an Edit Fields (Set) node holding the same four expressions: ${duration(results.reference.editFieldsMs)}. It is most of our node's wall time with manual mapping; **Map Automatically** reads the fields straight from the item's columns and resolves no expression per field, and the arrays variant resolves one expression per 100 leads, after a Code node has mapped the fields in plain JavaScript.`,
				'',
			);
		}
		if (scenario === 'alterEstateCapacity') {
			sections.push(
				"The simulator refuses every request beyond a fixed number in flight with 503 at once (its capacity mode), without acting on it. The HTTP Request node's default fires every item at once and does not retry: each refused request is a lead lost, and the node stops with an error. Ours halves its window at the first refusal, retries the refused requests (a 503 was not acted on, so a repeat cannot create a duplicate) and settles under the limit.",
				'',
			);
		}
		if (scenario === 'closingDealzTwice') {
			sections.push(
				"Both workflows are started in the same second. Our node keeps one pacing budget per API key for the whole n8n process, so the second execution waits for the window instead of being refused; the HTTP Request node's batching only spaces the requests of its own execution.",
				'',
			);
		}
		if (scenario === 'alterEstate') {
			sections.push(
				"Infinity CRM and AlterEstate document no rate limit and the simulators enforce none in these two tables, so the HTTP Request node's default, which starts the request of every item without waiting for any answer, is not held back by anything. Ours starts with one request, then a few, and grows its window while answers stay healthy and latency flat (AIMD with slow start, like TCP), up to **Parallel Requests** (default 50); it validates every item before the first request, normalises phones and routes duplicates. The capacity-limit tables below show what happens when the server can only take so much.",
				'',
			);
		}
	}

	if (results.polling.length > 0) {
		sections.push(
			`## Property Finder polling: a ${int(results.settings.sizes.backlog)}-lead backlog and an idle poll`,
			'',
			'| Variant | Run | Requests | Token calls | Page requests | Leads emitted | API time | Per request | Total | Static data | How |',
			'|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
			...results.polling.map(
				(row) =>
					`| ${row.variant.startsWith('Ours') ? `**${row.variant}**` : row.variant} | ${row.run} | ${int(row.requests)} | ${int(row.tokenCalls)} | ${int(row.pageRequests)} | ${int(row.emitted)} | ${duration(row.apiMs)} | ${row.requests > 0 ? msText(row.apiMs / row.requests) : '–'} | ${duration(row.totalMs)} | ${row.variant.includes('Trigger') ? `${int(row.staticDataBytes)} B` : '–'} | ${row.note} |`,
			),
			'',
			"API time: first request to last answer in the simulator's log. Total: for ours from the activation request to the end of the execution the poll started (the backlog) or the activation alone (idle); for the HTTP Request node the manual execution. The trigger's token is kept in the credential, so the idle poll needs no token call.",
			'',
		);
	}

	if (results.ack.length > 0) {
		sections.push(
			'## Property Finder Trigger: acknowledgement latency',
			'',
			`Deliveries are signed lead events posted by the simulator's delivery driver (\`deliver()\` in tooling/simulators/propertyFinderWebhooks.ts), first one at a time (n8n idle in between: *unloaded*), then in rounds of ${results.ack[0].concurrency} at once; each round waits until n8n has finished the executions of the previous one. Latency is measured in the sending process, from the request to the answer. Every receiver starts one execution per delivery (receiver → No Operation).`,
			'',
			'| Receiver | Checks | Unloaded p50 | Concurrent deliveries | p50 | p90 | p99 | Max | Mean | Non-2xx | Executions | Burst: answered within 5 s | Burst: rounds until all answered | Burst: executions for 50 leads |',
			'|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
			...defaultAck(results).map(
				(row) =>
					`| ${row.variant.startsWith('Ours') ? `**${row.variant}**` : row.variant} | ${row.checks} | ${msText(row.singleP50)} | ${int(row.deliveries)} | ${msText(row.p50)} | ${msText(row.p90)} | ${msText(row.p99)} | ${msText(row.max)} | ${msText(row.mean)} | ${int(row.non2xx)} | ${int(row.executions)} | ${burstText(row)} | ${roundsText(row)} | ${int(row.burstExecutions ?? Number.NaN)} |`,
			),
			'',
			`Burst: ${results.ack.find((row) => row.burstDeliveries)?.burstDeliveries ?? 0} deliveries posted at once (50 leads × Lead Created, Lead Assigned × 2 copies, as Property Finder repeats), each counted when a 2xx arrives within Property Finder's 5 s on the first try, after the rounds above; the unanswered ones are then resent as Property Finder does (after 2.5 s, the pause doubling, up to 10 rounds), and the executions the burst started are counted: our trigger (Emit Each Lead Once, the default) should start one per lead, n8n's Webhook node one per delivery. n8n's expression engine: ${results.settings.expressionEngine ?? 'default (vm)'}, pool size ${results.settings.poolSize ?? 'default (1)'}.`,
			'',
			"Why the bare Webhook node answers sooner under load with n8n's defaults: n8n 2.41 evaluates expressions in an isolate (`N8N_EXPRESSION_ENGINE=vm`) and, unless `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true`, takes one for the whole webhook phase of every request; the isolate is disposed after the request and a new one is built (its pool only keeps a warm one ready), so under a burst every delivery pays for building one. n8n lets its Webhook node skip this when none of its parameters is an expression; every other webhook node — ours, and the Webhook node itself as soon as one option is an expression — pays it. With lazy acquisition an isolate is built only when an expression is evaluated: version 2 of our trigger evaluates none (version 1 makes n8n evaluate one per request, for the options of n8n's own Webhook node v1), so it answers like the bare Webhook node. Our trigger's own work per delivery (signature, duplicate check, simplifying) is a few microseconds (see the CPU table).",
			'',
		);
		const settings = [...new Set(results.ack.map((row) => row.setting ?? 'default'))];
		if (settings.length > 1) {
			sections.push(
				'### The same receivers with the n8n settings that raise capacity',
				'',
				`Each setting in an n8n of its own started with it (same machine, same simulators), ${results.ack.find((row) => row.setting && row.setting !== 'default')?.deliveries ?? 0} concurrent deliveries in rounds of ${results.ack[0].concurrency} and the same burst; "default" is the table above.`,
				'',
				'| n8n setting | Receiver | Unloaded p50 | p50 at once | p99 at once | Burst: answered within 5 s | Burst: rounds until all answered | Burst: executions for 50 leads |',
				'|---|---|--:|--:|--:|--:|--:|--:|',
				...results.ack.map(
					(row) =>
						`| ${row.setting ?? 'default'} | ${row.variant.startsWith('Ours') ? `**${row.variant}**` : row.variant} | ${msText(row.singleP50)} | ${msText(row.p50)} | ${msText(row.p99)} | ${burstText(row)} | ${roundsText(row)} | ${int(row.burstExecutions ?? Number.NaN)} |`,
				),
				'',
			);
		}
	}

	if (results.cpu.length > 0) {
		sections.push(
			'## CPU cost of our per-item work',
			'',
			'In the bench process (Node ' +
				v.benchNode +
				"), with `process.cpuUsage()`: the operations' real code run by the shared item and batch loops (`runOperation`: validation of every item, phone and budget normalisation, in-run duplicate detection, result shaping, output items with pairedItem), with only the HTTP request replaced by a stub, after one warm-up pass. Inputs use local phone formats (`050 100 0001`) and budgets with words (`1.5M`, `AED 1,200,000`) so the normalisers do real work. n8n's own per-item work (expression resolution, saving the execution) is not included.",
			'',
			'| Work | Items | CPU | Wall | CPU per item |',
			'|---|--:|--:|--:|--:|',
			...results.cpu.map(
				(row) =>
					`| ${row.work} | ${int(row.items)} | ${msText(row.cpuMs)} | ${msText(row.wallMs)} | ${row.usPerItem.toFixed(2)} µs |`,
			),
			'',
		);
	}

	sections.push(
		'## Caveats',
		'',
		'- The simulators model the documented behaviour of the APIs (including the rate limits above), not their real speed: every answer takes the fixed latency. Real servers vary; the ratios matter more than the absolute times.',
		"- n8n 2.41 evaluates expressions in an isolate by default (`N8N_EXPRESSION_ENGINE=vm`). It dominates several numbers here: the Edit Fields reference under the ClosingDealz table, the webhook acknowledgement under load, and the polling trigger's time per page (in a separate check on the same machine, not part of this run, the same poll paged at ≈ 60 ms per request with `N8N_EXPRESSION_ENGINE=legacy` against ≈ 120 ms with the default; the Property Finder node reads the same pages inside an execution at the HTTP Request node's pace).",
		'- Single runs on a 2-core machine: n8n, the simulators and the bench process compete for the same cores; between the runs made while building the benchmark, times moved by up to a quarter, counts (requests, leads created, leads failed) not at all.',
		"- Extrapolated rows (¹) are computed from a sample as stated under their table, because the API's rate limit makes the full run last hours.",
		'- Infinity CRM and AlterEstate have no documented limit, so the unbounded HTTP Request default is not penalised in their main tables; the capacity-limit tables assume a limit the real servers may not have, to show the behaviour when one exists.',
		'- Benchmarks are not tests: nothing here is asserted by the test suite.',
		'',
	);
	return sections.join('\n');
}

/** Writes REPORT.md (or REPORT.quick.md), the chart and results.json into `dir`; returns the paths. */
export function writeReport(results: BenchResults, dir: string): string[] {
	fs.mkdirSync(dir, { recursive: true });
	const base = results.quick ? 'REPORT.quick' : 'REPORT';
	const chart = results.quick ? 'chart.quick.svg' : 'chart.svg';
	const files = [
		path.join(dir, `${base}.md`),
		path.join(dir, chart),
		path.join(dir, results.quick ? 'results.quick.json' : 'results.json'),
	];
	fs.writeFileSync(files[0], reportMarkdown(results, chart));
	fs.writeFileSync(files[1], chartSvg(results));
	fs.writeFileSync(files[2], `${JSON.stringify(results, null, 2)}\n`);
	return files;
}
