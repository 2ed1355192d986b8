/**
 * What a verifier and a user read about the package: every node and credential links to its
 * own README section (an anchor that exists, once), the codex links too, and package.json
 * names the repository the provenance will point at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const REPO = 'https://github.com/property-leads/n8n-nodes-property-leads';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	keywords: string[];
	homepage: string;
	repository: { type: string; url: string };
	bugs?: { url: string };
	n8n: { nodes: string[]; credentials: string[] };
};
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Explicit anchors of the README (`<a id="…"></a>`), each with how often it occurs. */
function anchors(): Map<string, number> {
	const counts = new Map<string, number>();
	for (const m of readme.matchAll(/<a id="([^"]+)"><\/a>/g))
		counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
	return counts;
}

/** The anchor of a README link of this repository, or the reason it is not one. */
function anchorOf(url: unknown): string {
	if (typeof url !== 'string') return `not a string: ${String(url)}`;
	if (!url.startsWith(`${REPO}#`)) return `not a README anchor of ${REPO}: ${url}`;
	return url.slice(REPO.length + 1);
}

/** The TypeScript source of a compiled entry of package.json's n8n block. */
function sourceOf(distFile: string): string {
	return path.join(ROOT, distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

function loadClass(distFile: string): new () => Record<string, unknown> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(sourceOf(distFile)) as Record<string, new () => Record<string, unknown>>;
	const base = path.basename(distFile).split('.')[0];
	return mod[base];
}

describe('documentation links', () => {
	const known = anchors();

	test('the README anchors are unique', () => {
		expect([...known].filter(([, count]) => count > 1)).toEqual([]);
	});

	test.each(pkg.n8n.nodes)('node %s links to its README section', (file) => {
		const Node = loadClass(file);
		const description = new Node().description as { documentationUrl?: string; name: string };
		const anchor = anchorOf(description.documentationUrl);
		expect(known.has(anchor) ? 'ok' : anchor).toBe('ok');
		// Its own section: one per node, named after it.
		expect(anchor).toMatch(/^node-/);
	});

	test('no two nodes share a section', () => {
		const urls = pkg.n8n.nodes.map(
			(file) =>
				(new (loadClass(file))().description as { documentationUrl: string }).documentationUrl,
		);
		expect(new Set(urls).size).toBe(urls.length);
	});

	test.each(pkg.n8n.credentials)('credential %s links to its README section', (file) => {
		const Credential = loadClass(file);
		const anchor = anchorOf(new Credential().documentationUrl);
		expect(known.has(anchor) ? 'ok' : anchor).toBe('ok');
		expect(anchor).toMatch(/^credential-/);
	});

	test.each(pkg.n8n.nodes)('codex of %s links to existing sections', (file) => {
		const codexFile = sourceOf(file).replace(/\.ts$/, '.json');
		const codex = JSON.parse(fs.readFileSync(codexFile, 'utf8')) as {
			resources: Record<string, Array<{ url: string }>>;
		};
		const links = Object.values(codex.resources).flat();
		expect(links.length).toBeGreaterThan(0);
		expect(links.map((l) => anchorOf(l.url)).filter((a) => !known.has(a))).toEqual([]);
		const Node = loadClass(file);
		const { documentationUrl } = new Node().description as { documentationUrl: string };
		expect(codex.resources.primaryDocumentation).toEqual([{ url: documentationUrl }]);
	});
});

describe('package.json', () => {
	test('names the repository, its issues and README, and is findable as a community node', () => {
		expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
		expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
		expect(pkg.homepage.startsWith(REPO)).toBe(true);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(new Set(pkg.keywords).size).toBe(pkg.keywords.length);
		expect(pkg.name).toMatch(/^n8n-nodes-/);
	});

	test('SECURITY.md says how to report a vulnerability and what the package stores', () => {
		const security = fs.readFileSync(path.join(ROOT, 'SECURITY.md'), 'utf8');
		expect(security).toMatch(/## Reporting a vulnerability/);
		expect(security).toContain(`${REPO}/security/advisories/new`);
		// The stored things named in the code: cached tokens and the triggers' static data.
		for (const stored of [
			'cached bearer tokens',
			'token issued for',
			'signing secret',
			'static data',
		])
			expect(security.toLowerCase()).toContain(stored);
	});
});
