/**
 * The local mirror of n8n's package scanner (scripts/scan-package.mjs) must reject what the
 * real scanner rejects, on each of its two legs: a violation only in the TypeScript source
 * fails the source leg, a violation only in the compiled JavaScript fails the tarball leg.
 * (scripts/test.mjs runs the same script on this repository itself.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Leg {
	leg: string;
	/** The folder the leg linted (for the tarball leg: where the packed tarball was extracted). */
	dir: string;
	passed: boolean;
	files: string[];
	details?: string;
}

const SOURCE_FILE = 'credentials/InfinityCrmApi.credentials.ts';
const COMPILED_FILE = 'dist/credentials/InfinityCrmApi.credentials.js';

/**
 * A copy of this package (package.json, sources, build output) with one line added to the
 * credential source and one to its compiled output, each breaking a rule n8n's scanner enforces.
 */
function mutatedCopy(): string {
	if (!fs.existsSync(path.join(ROOT, COMPILED_FILE))) {
		throw new Error('The scanner test packs the built package: run `npm run build` first.');
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-fixture-'));
	for (const entry of ['package.json', 'nodes', 'credentials', 'dist']) {
		fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
	}
	const source = path.join(dir, SOURCE_FILE);
	fs.writeFileSync(
		source,
		`${fs.readFileSync(source, 'utf8')}\nexport const fromEnvironment = process.env.INFINITY_KEY;\n`,
	);
	const compiled = path.join(dir, COMPILED_FILE);
	fs.writeFileSync(compiled, `${fs.readFileSync(compiled, 'utf8')}\nconsole.log('loaded');\n`);
	return dir;
}

/** Files with at least one error in ESLint's stylish output, relative to `dir`. */
function filesWithErrors(details: string | undefined, dir: string): string[] {
	const files: string[] = [];
	let current: string | undefined;
	for (const line of (details ?? '').split('\n')) {
		if (line.startsWith('/')) current = path.relative(dir, line.trim());
		else if (current && /^\s+\d+:\d+\s+error\s/.test(line) && !files.includes(current))
			files.push(current);
	}
	return files;
}

function scan(dir: string): { status: number | null; legs: Leg[]; passed: boolean } {
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
	const r = spawnSync(
		process.execPath,
		[path.join(ROOT, 'scripts', 'scan-package.mjs'), '--dir', dir, '--json'],
		{ cwd: ROOT, encoding: 'utf8' },
	);
	if (!r.stdout.trim().startsWith('{')) throw new Error(`scan-package failed:\n${r.stderr}`);
	const out = JSON.parse(r.stdout) as { legs: Leg[]; passed: boolean };
	return { status: r.status, ...out };
}

const dirs: string[] = [];
afterAll(() => {
	for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('n8n package scanner, both legs', () => {
	test('a violation in the source fails the source leg, one in the build output the tarball leg', () => {
		const dir = mutatedCopy();
		dirs.push(dir);
		const result = scan(dir);
		expect(result.status).toBe(1);
		expect(result.passed).toBe(false);
		const [source, tarball] = result.legs;

		// Source leg: the TypeScript sources and package.json, not the build output.
		expect(source.files).toContain(SOURCE_FILE);
		expect(source.files).toContain('package.json');
		expect(source.files.filter((f) => f.startsWith('dist/'))).toEqual([]);
		expect(source.passed).toBe(false);
		expect(filesWithErrors(source.details, dir)).toEqual([SOURCE_FILE]);
		expect(source.details).toContain('@n8n/community-nodes/no-restricted-globals');

		// Tarball leg: what npm packed (compiled .js and package.json), never .ts or .d.ts.
		expect(tarball.files).toContain(COMPILED_FILE);
		expect(tarball.files).toContain('package.json');
		expect(tarball.files.filter((f) => f.endsWith('.ts'))).toEqual([]);
		expect(tarball.passed).toBe(false);
		expect(filesWithErrors(tarball.details, tarball.dir)).toEqual([COMPILED_FILE]);
		expect(tarball.details).toContain('no-console');
	});
});
