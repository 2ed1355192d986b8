#!/usr/bin/env node
// `npm run bench`: builds and packs the package, compiles the benchmark and the simulators
// (TypeScript → bench/out/), then runs bench/out/bench/main.js, which provisions and starts
// one real n8n with the packed package installed, runs every scenario and writes
// bench/REPORT.md, bench/chart.svg and bench/results.json.
//
//   npm run bench                 the full run (about 10 min on 2 cores)
//   npm run bench -- --quick      reduced sizes, written to bench/out/REPORT.quick.md
//   npm run bench -- --no-build   reuse dist/ as it is (still packs and compiles)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
const args = process.argv.slice(2);
const started = Date.now();

function step(title, command, commandArgs, options = {}) {
	console.error(`\n▶ ${title}`);
	const result = spawnSync(command, commandArgs, {
		cwd: root,
		stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
		encoding: 'utf8',
	});
	if (result.status !== 0) {
		console.error(`${title} failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status || 1);
	}
	return result.stdout;
}

fs.mkdirSync(out, { recursive: true });
if (!args.includes('--no-build'))
	step('build the package (npm run build)', 'npm', ['run', 'build']);

for (const old of fs.readdirSync(out).filter((name) => name.endsWith('.tgz')))
	fs.rmSync(path.join(out, old));
const packed = JSON.parse(
	step('pack it (npm pack)', 'npm', ['pack', '--json', '--pack-destination', out], {
		capture: true,
	}),
);
const tarball = path.join(out, packed[0].filename);
console.error(`  ${path.relative(root, tarball)} (${packed[0].entryCount} files)`);

// A fresh compile: a file left from an earlier layout (nodes/shared/transport.js next to the
// transport/ folder that replaced it) would win Node's module resolution over the new code.
for (const compiled of ['bench', 'nodes', 'credentials', 'test', 'tooling'])
	fs.rmSync(path.join(out, compiled), { recursive: true, force: true });
step(
	'compile the benchmark and the simulators (tsc -p bench)',
	path.join(root, 'node_modules', '.bin', 'tsc'),
	['-p', path.join('bench', 'tsconfig.json')],
);
// The n8n driver (tooling/n8n) runs from its source folder, where its pinned n8n host files
// are: the copy tsc emits of it (allowJs, for its types) is not used. (The simulators in
// tooling/simulators are TypeScript and do run from the compiled copy.)
fs.rmSync(path.join(out, 'tooling', 'n8n'), { recursive: true, force: true });
// The simulators read the API descriptions next to their compiled code.
fs.cpSync(path.join(root, 'tooling', 'simulators', 'spec'), path.join(out, 'tooling', 'simulators', 'spec'), {
	recursive: true,
});

// The commit the report names, and whether the package's sources differ from it.
function commitDescription() {
	const git = (gitArgs) => spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' });
	const head = git(['rev-parse', '--short', 'HEAD']);
	if (head.status !== 0) return 'unknown';
	const dirty = git([
		'status',
		'--porcelain',
		'--',
		'nodes',
		'credentials',
		'package.json',
	]).stdout.trim();
	return dirty ? `${head.stdout.trim()} + uncommitted changes` : head.stdout.trim();
}

const passThrough = args.filter((arg) => arg !== '--no-build');
console.error('\n▶ run the benchmark');
const run = spawnSync(
	process.execPath,
	[
		path.join(out, 'bench', 'main.js'),
		'--tarball',
		tarball,
		'--commit',
		commitDescription(),
		...passThrough,
	],
	{ cwd: root, stdio: 'inherit' },
);
console.error(
	`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s (exit ${run.status ?? run.signal})`,
);
process.exit(run.status ?? 1);
