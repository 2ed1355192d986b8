/**
 * CPU cost of this package's own per-item work, measured in-process with process.cpuUsage():
 * the real operation code (validation, phone and budget normalisation, in-run duplicate
 * detection, result shaping, output assembly with pairedItem) run by the shared loop
 * `runOperation`, with only the HTTP request replaced by a stub. n8n's own work (expression
 * resolution, saving execution data) is not included: it is the same for any node.
 */
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { operation as alterEstateCreate } from '../../nodes/AlterEstate/actions/lead/create.operation';
import { operation as closingDealzCreate } from '../../nodes/ClosingDealz/actions/lead/create.operation';
import { operation as infinityCreate } from '../../nodes/InfinityCrm/actions/lead/create.operation';
import { simplifyLead } from '../../nodes/PropertyFinder/shared/lead';
import { advance, initialState } from '../../nodes/PropertyFinderPollingTrigger/state';
import type { RecentEvents } from '../../nodes/PropertyFinderTrigger/delivery';
import { admitDelivery } from '../../nodes/PropertyFinderTrigger/delivery';
import { checkSignature, signBody } from '../../nodes/PropertyFinderTrigger/signing';
import type { BatchOperation, ItemOperation } from '../../nodes/shared/execute';
import { runOperation } from '../../nodes/shared/execute';
import { leadResult } from '../../nodes/shared/leads';
import { PropertyFinderSimulator } from '../../tooling/simulators/propertyFinder';

export interface CpuRow {
	work: string;
	items: number;
	cpuMs: number;
	wallMs: number;
	usPerItem: number;
}

type Params = (name: string, itemIndex: number) => unknown;

const NODE: INode = {
	id: 'bench',
	name: 'Bench',
	type: 'bench',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** The parts of IExecuteFunctions the operations use while preparing and shaping items. */
function context(count: number, params: Params): IExecuteFunctions {
	const items = Array.from({ length: count }, () => ({ json: {} }));
	return {
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = params(name, itemIndex);
			return value === undefined ? fallback : value;
		},
		continueOnFail: () => false,
		getNode: () => NODE,
	} as unknown as IExecuteFunctions;
}

/** Leads as forms and spreadsheets send them: local phone formats, budgets with words. */
function local(i: number) {
	return {
		name: `  Lead ${i} `,
		phone: `05${[0, 2, 4, 5, 6, 8][i % 6]} ${String(1_000_000 + i).slice(-7, -4)} ${String(i).padStart(4, '0').slice(-4)}`,
		email: `Lead${i}@Example.com`,
		budgetMin: i % 2 === 0 ? '1.5M' : 'AED 1,200,000',
		budgetMax: i % 2 === 0 ? '2,000,000' : '2.5m',
	};
}

function measure(work: string, items: number, fn: () => unknown): CpuRow {
	fn(); // warm-up: JIT and lazy initialisation are not per-item costs
	const start = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	const result = fn();
	const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
	const used = process.cpuUsage(start);
	if (result instanceof Promise) throw new Error('measure() takes synchronous work');
	const cpuMs = (used.user + used.system) / 1000;
	return { work, items, cpuMs, wallMs, usPerItem: (cpuMs * 1000) / items };
}

async function measureAsync(
	work: string,
	items: number,
	fn: () => Promise<unknown>,
): Promise<CpuRow> {
	await fn();
	const start = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	await fn();
	const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
	const used = process.cpuUsage(start);
	const cpuMs = (used.user + used.system) / 1000;
	return { work, items, cpuMs, wallMs, usPerItem: (cpuMs * 1000) / items };
}

const created = (i: number) =>
	leadResult('created', { leadId: 100_000 + i, message: null }, { statusCode: 201 });

export async function cpuBenchmarks(count: number): Promise<CpuRow[]> {
	const rows: CpuRow[] = [];
	const leads = Array.from({ length: count }, (_, i) => local(i));

	// Infinity CRM: name, phone (normalised), email, both budgets (parsed, compared).
	const infinity: ItemOperation = {
		...(infinityCreate as ItemOperation),
		send: async (_prepared: unknown, itemIndex: number) => created(itemIndex),
	};
	rows.push(
		await measureAsync(
			'Infinity CRM create: validate, normalise, dedupe, shape',
			count,
			async () => {
				const ctx = context(count, (name, i) => {
					const lead = leads[i];
					if (name === 'name') return lead.name;
					if (name === 'additionalFields') {
						return {
							phone: lead.phone,
							email: lead.email,
							budgetMin: lead.budgetMin,
							budgetMax: lead.budgetMax,
							category: 'Villa',
							emirate: 'dubai',
						};
					}
					if (name === 'options') return {};
					if (name === 'onDuplicate') return 'continue';
					return undefined;
				});
				return await runOperation(ctx, infinity);
			},
		),
	);

	// AlterEstate: required full name, phone, e-mail; budget; listing type.
	const alterEstate: ItemOperation = {
		...(alterEstateCreate as ItemOperation),
		send: async (_prepared: unknown, itemIndex: number) => created(itemIndex),
	};
	rows.push(
		await measureAsync(
			'AlterEstate create: validate, normalise, dedupe, shape',
			count,
			async () => {
				const ctx = context(count, (name, i) => {
					const lead = leads[i];
					if (name === 'fullName') return lead.name;
					if (name === 'phone') return lead.phone;
					if (name === 'email') return lead.email;
					if (name === 'additionalFields')
						return { budget: lead.budgetMin, currency: 'aed', notes: 'From the benchmark' };
					if (name === 'options') return {};
					if (name === 'onDuplicate') return 'continue';
					return undefined;
				});
				return await runOperation(ctx, alterEstate);
			},
		),
	);

	// ClosingDealz: the batch loop, 100 leads per (stubbed) request.
	const closingDealz: BatchOperation = {
		...(closingDealzCreate as BatchOperation),
		onceOnly: undefined,
		sendBatch: async (entries) => entries.map((entry) => created(entry.itemIndex)),
	};
	rows.push(
		await measureAsync(
			'ClosingDealz create: validate, normalise, dedupe, batch, shape',
			count,
			async () => {
				const ctx = context(count, (name, i) => {
					const lead = leads[i];
					if (name === 'additionalFields') {
						return {
							company: `Company ${i}`,
							contactPerson: lead.name,
							email: lead.email,
							phoneNumber: lead.phone,
							labels: 'Property Finder, Hot',
						};
					}
					if (name === 'options') return {};
					if (name === 'onDuplicate') return 'continue';
					return undefined;
				});
				return await runOperation(ctx, closingDealz);
			},
		),
	);

	// Property Finder: the API lead as the simulator serves it, simplified.
	const pf = new PropertyFinderSimulator();
	const raw = Array.from({ length: count }, () => pf.addLead() as unknown as IDataObject);
	rows.push(
		measure('Property Finder: simplify a lead', count, () => raw.map((lead) => simplifyLead(lead))),
	);

	// Polling trigger: fold one poll's leads into the cursor state (dedupe, cursor, trimming).
	const stamps = raw.map((lead, index) => ({
		id: String(lead.id),
		createdAt: Date.parse(String(lead.createdAt)) - (count - index) * 1000,
		index,
	}));
	rows.push(
		measure('Polling trigger: exactly-once state for one poll', count, () =>
			advance(initialState('[]', 0), stamps, { from: 0, to: Date.now(), clamped: false }, Date.now()),
		),
	);

	// Webhook trigger: verify each delivery's HMAC-SHA256 signature.
	const secret = '0123456789abcdef0123456789abcdef';
	const bodies = raw.map((lead) =>
		JSON.stringify({ id: `evt-${String(lead.id)}`, type: 'lead.created', payload: lead }),
	);
	const signatures = bodies.map((body) => signBody(body, secret));
	rows.push(
		measure('Webhook trigger: verify the signature of a delivery', count, () =>
			bodies.map((body, i) => checkSignature(body, signatures[i], secret)),
		),
	);

	// Webhook trigger: the duplicate check of a delivery against a full window (1,000 saved
	// deliveries with event and lead keys, and as many in the process's memory), as each request
	// does with the static data n8n loaded for it.
	const base = Date.now();
	const full: RecentEvents = Array.from({ length: 1000 }, (_, n) => [[`event:s${n}`, `lead:S${n}`], base - 60_000 + n]);
	const memory = { recent: full.map(([keys, at]): [string[], number] => [keys.map((key) => `${key}m`), at]), savedAt: base, repeatSavedAt: base };
	rows.push(
		measure('Webhook trigger: duplicate check against a full window (1,000 saved + 1,000 in memory)', count, () =>
			raw.map((lead, i) => admitDelivery(full, memory, [`event:e${i}`, `lead:${String(lead.id)}`], base + 1)),
		),
	);
	return rows;
}
