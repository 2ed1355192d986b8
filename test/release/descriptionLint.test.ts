/**
 * n8n's lint rules on node descriptions (sorted options, `noDataExpression`, an action in
 * sentence case on every operation, "Get many" wording, final periods, no `required: false`…)
 * read object literals. The action nodes build their dropdowns with nodes/shared/registry.ts
 * and some fields with shared helpers, so `npm run lint` does not see those in the source. This
 * test writes each loaded node description out whole, as the literals it amounts to, at the
 * node file's own path, and lints that with the repository's ESLint config.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INodeTypeDescription } from 'n8n-workflow';

import { nodeTypesByName } from '../harness/registry';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(path.join(ROOT, 'package.json')) as { n8n: { nodes: string[] } };

interface LintMessage {
	ruleId: string | null;
	severity: number;
	message: string;
	line: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A value as TypeScript source, with unquoted keys as a developer writes them. */
function literal(value: unknown, indent = ''): string {
	const inner = `${indent}\t`;
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
	}
	if (value && typeof value === 'object') {
		const entries = Object.entries(value).filter(([, v]) => v !== undefined);
		if (entries.length === 0) return '{}';
		const lines = entries.map(([k, v]) => `${inner}${IDENTIFIER.test(k) ? k : `'${k}'`}: ${literal(v, inner)},`);
		return `{\n${lines.join('\n')}\n${indent}}`;
	}
	if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
	return String(value);
}

/** Connection lists as n8n's lint wants them written (NodeConnectionTypes, not strings). */
function connections(value: INodeTypeDescription['inputs']): string {
	if (typeof value === 'string') return literal(value, '\t\t');
	return `[${value.map((c) => (c === 'main' ? 'NodeConnectionTypes.Main' : literal(c))).join(', ')}]`;
}

/** The node file as it would read with its description and dropdowns written out. */
function source(className: string, description: INodeTypeDescription): string {
	const { inputs, outputs, ...rest } = description;
	// Every property, as n8n loads it: the dropdowns and the fields that helpers build
	// (shared/alreadySent.ts, the PF Expert wishlist…), which `npm run lint` cannot see.
	const body = literal(rest, '\t').replace(/\n\t}$/, '');
	return [
		"import type { INodeType, INodeTypeDescription } from 'n8n-workflow';",
		"import { NodeConnectionTypes } from 'n8n-workflow';",
		'',
		`export class ${className} implements INodeType {`,
		`\tdescription: INodeTypeDescription = ${body}`,
		`\t\tinputs: ${connections(inputs)},`,
		`\t\toutputs: ${connections(outputs)},`,
		'\t};',
		'}',
		'',
	].join('\n');
}

/** The messages of each source, in the order given. */
function lint(sources: Array<{ filePath: string; code: string }>): LintMessage[][] {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'description-lint-'));
	try {
		const input = path.join(dir, 'sources.json');
		fs.writeFileSync(input, JSON.stringify(sources));
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
		const run = spawnSync(process.execPath, [path.join(__dirname, 'lintText.mjs'), input], {
			cwd: ROOT,
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		if (run.status !== 0) throw new Error(`lintText.mjs failed (exit ${run.status}):\n${run.stderr}`);
		const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: LintMessage[] }>;
		return results.map((r) => r.messages);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Each registered node: its source path, class name and description. */
const types = nodeTypesByName();
const registered = pkg.n8n.nodes.map((dist) => {
	const filePath = dist.replace(/^dist\//, '').replace(/\.js$/, '.ts');
	const className = path.basename(filePath).split('.')[0];
	const type = Object.values(types).find((t) => t.constructor.name === className);
	if (!type) throw new Error(`${filePath}: no node type ${className} loaded`);
	return { filePath, className, description: type.description };
});
const nodes = registered;
const actionNodes = registered.filter((n) => n.description.properties.some((p) => p.name === 'resource'));

/** A copy of a description with its longest operation dropdown title-cased and reversed. */
function spoiled(description: INodeTypeDescription): INodeTypeDescription {
	const copy = JSON.parse(JSON.stringify(description)) as INodeTypeDescription;
	const [dropdown] = copy.properties
		.filter((p) => p.name === 'operation')
		.sort((a, b) => (b.options?.length ?? 0) - (a.options?.length ?? 0));
	if (!dropdown?.options) throw new Error('no operation dropdown');
	const options = dropdown.options as Array<{ action?: string }>;
	for (const option of options) option.action = option.action?.replace(/ (\w)/g, (_, c: string) => ` ${c.toUpperCase()}`);
	options.reverse();
	return copy;
}

describe('node descriptions, written out, pass n8n’s lint', () => {
	const propertyFinder = nodes.find((n) => n.className === 'PropertyFinder')!;
	const [spoiledResult, ...results] = lint([
		{ filePath: propertyFinder.filePath, code: source('PropertyFinder', spoiled(propertyFinder.description)) },
		...nodes.map(({ filePath, className, description }) => ({ filePath, code: source(className, description) })),
	]);

	test.each(nodes.map((n, index) => [n.filePath, index] as const))('%s', (_, index) => {
		const problems = results[index]
			.filter((m) => m.severity === 2)
			// The written-out class has the description only; the trigger's webhookMethods live in
			// the real file, which `npm run lint` checks.
			.filter((m) => m.ruleId !== '@n8n/community-nodes/webhook-lifecycle-complete')
			.map((m) => `${m.line}: ${m.ruleId ?? ''} ${m.message}`);
		expect(problems).toEqual([]);
	});

	test('the lint reads the written-out lists: an unsorted, title-cased dropdown fails', () => {
		expect(actionNodes.map((n) => n.className).sort()).toEqual(['AlterEstate', 'ClosingDealz', 'InfinityCrm', 'PropertyFinder']);
		expect(nodes).toHaveLength(6);
		const rules = new Set(spoiledResult.map((m) => m.ruleId));
		expect(rules).toContain('n8n-nodes-base/node-param-options-type-unsorted-items');
		expect(rules).toContain('n8n-nodes-base/node-param-operation-option-action-miscased');
	});
});
