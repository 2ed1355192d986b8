/**
 * The GitHub Actions workflows: CI runs the README's test command on Node 20 and 24, and the
 * publish workflow releases through `n8n-node release` with the permissions npm provenance and
 * trusted publishing need. Parsed with the `yaml` package (in node_modules through the tooling).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on': string;
	'timeout-minutes'?: number;
	permissions?: Record<string, string>;
	strategy?: { matrix: Record<string, unknown[]> };
	steps: Step[];
}
interface Workflow {
	name: string;
	on: Record<string, unknown>;
	concurrency?: { group: string; 'cancel-in-progress': boolean };
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
	const text = fs.readFileSync(path.join(ROOT, '.github', 'workflows', file), 'utf8');
	// Strict parse: duplicate keys and other YAML errors throw.
	return parse(text, { uniqueKeys: true, strict: true }) as Workflow;
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	version: string;
	scripts: Record<string, string>;
	repository: { url: string };
};

/** GitHub's filter pattern syntax (the subset used: `*`, `+`, `[...]`) as a RegExp. */
function filterPattern(pattern: string): RegExp {
	let re = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '*') re += '[^/]*';
		else if (c === '+') re += '+';
		else if (c === '[') {
			const end = pattern.indexOf(']', i);
			re += pattern.slice(i, end + 1);
			i = end;
		} else re += c.replace(/[.?^${}()|\\/]/g, '\\$&');
	}
	return new RegExp(`^${re}$`);
}

function allSteps(wf: Workflow): Step[] {
	return Object.values(wf.jobs).flatMap((job) => job.steps);
}

describe('.github/workflows/ci.yml', () => {
	const ci = workflow('ci.yml');

	test('runs on pull requests and pushes to main, superseded runs cancelled', () => {
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(ci.on.push).toEqual({ branches: ['main'] });
		expect(ci.concurrency?.['cancel-in-progress']).toBe(true);
		// The group separates pull requests and branches, so only a newer run of the same one cancels.
		expect(ci.concurrency?.group).toMatch(/github\.(ref|head_ref)|pull_request\.number/);
	});

	test("runs the README's test command (.ci/run → npm test) on Node 20 and 24 with npm's cache", () => {
		const [job] = Object.values(ci.jobs);
		expect(job.strategy?.matrix.node).toEqual([20, 24]);
		expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
		const setup = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setup?.with).toEqual(
			expect.objectContaining({ 'node-version': '${{ matrix.node }}', cache: 'npm' }),
		);
		expect(job.steps.map((s) => s.run?.trim()).filter(Boolean)).toContain('.ci/run');
		const run = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
		expect(run.split('\n')).toContain('npm test');
		expect(fs.statSync(path.join(ROOT, '.ci', 'run')).mode & 0o111).not.toBe(0);
		expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('npm test');
	});
});

describe('.github/workflows/publish.yml', () => {
	const publish = workflow('publish.yml');
	const jobs = Object.values(publish.jobs);

	test('runs only for version tags matching a semver version with a v prefix', () => {
		expect(Object.keys(publish.on)).toEqual(['push']);
		const push = publish.on.push as { tags: string[]; branches?: unknown };
		expect(push.branches).toBeUndefined();
		const matches = (tag: string) => push.tags.some((p) => filterPattern(p).test(tag));
		expect(
			['v0.1.0', 'v1.2.3', 'v2.0.0-rc.1', `v${pkg.version}`].map((t) => [t, matches(t)]),
		).toEqual(['v0.1.0', 'v1.2.3', 'v2.0.0-rc.1', `v${pkg.version}`].map((t) => [t, true]));
		expect(
			['0.1.0', 'main', 'v1', 'v1.2', 'vnext', 'release-1.0.0'].map((t) => [t, matches(t)]),
		).toEqual(['0.1.0', 'main', 'v1', 'v1.2', 'vnext', 'release-1.0.0'].map((t) => [t, false]));
	});

	test('grants exactly id-token: write and contents: read to the publishing job', () => {
		expect(jobs).toHaveLength(1);
		const permissions = jobs[0].permissions ?? publish.permissions;
		expect(permissions).toEqual({ 'id-token': 'write', contents: 'read' });
	});

	test('publishes through `npm run release` (n8n-node release), never a plain npm publish', () => {
		const steps = allSteps(publish);
		const runs = steps.map((s) => s.run ?? '');
		const release = steps.filter((s) => /^\s*npm run release\s*$/m.test(s.run ?? ''));
		expect(release).toHaveLength(1);
		expect(runs.filter((r) => /npm publish/.test(r.replace(/^\s*#.*$/gm, '')))).toEqual([]);
		expect(pkg.scripts.release).toBe('n8n-node release');
		// `npm publish` outside `n8n-node release` (which sets RELEASE_MODE) is refused.
		expect(pkg.scripts.prepublishOnly).toBe('n8n-node prerelease');
		// The release step comes after the install, the tag check and the scanner.
		const index = (re: RegExp) => runs.findIndex((r) => re.test(r));
		expect(index(/npm install/)).toBeGreaterThanOrEqual(0);
		expect(index(/scripts\/scan-package\.mjs/)).toBeGreaterThan(index(/npm install/));
		expect(index(/GITHUB_REF_NAME/)).toBeGreaterThanOrEqual(0);
		expect(steps.indexOf(release[0])).toBeGreaterThan(index(/scripts\/scan-package\.mjs/));
	});

	test('npm trusted publishing: registry set up, npm 11, NPM_TOKEN only as a fallback secret', () => {
		const steps = allSteps(publish);
		const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setup?.with?.['registry-url']).toBe('https://registry.npmjs.org');
		expect(Number(setup?.with?.['node-version'])).toBeGreaterThanOrEqual(24);
		expect(steps.some((s) => /npm install -g npm@\^?11/.test(s.run ?? ''))).toBe(true);
		const release = steps.find((s) => /npm run release/.test(s.run ?? ''));
		expect(release?.env).toEqual({ NPM_TOKEN: '${{ secrets.NPM_TOKEN }}' });
		// The token is used only when the secret is set.
		expect(release?.run).toMatch(/if \[ -n "\$\{NPM_TOKEN\}" \]; then[\s\S]*NODE_AUTH_TOKEN/);
		// Provenance names the repository: package.json must point at it.
		expect(pkg.repository.url).toBe(
			'git+https://github.com/property-leads/n8n-nodes-property-leads.git',
		);
	});
});
