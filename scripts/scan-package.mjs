#!/usr/bin/env node
// n8n's community-package scanner (@n8n/scan-community-package), run locally the way it runs
// on a published version, so that a change which would fail n8n's verification fails our tests.
//
// For a published version the scanner (scanner/scanner.mjs, analyzePackageByName) checks the
// npm provenance attestation, then lints two things with the same ESLint config:
//   1. the source the attestation points at (the GitHub archive of the commit), with
//      SOURCE_FILE_PATTERNS: package.json and {nodes,credentials}/**/*.{js,ts,json};
//   2. the tarball from the registry (`npm pack <name>@<version>`, extracted with
//      --strip-components=1), with ['**/*.js', 'package.json'].
// Here leg 1 is the working tree (node_modules is ignored by the scanner's glob; dist/ does not
// match its patterns) and leg 2 is `npm pack` of the built package, extracted the same way.
// Provenance can only be checked after a real publish from GitHub Actions (see CONTRIBUTING.md).
//
//   node scripts/scan-package.mjs                 both legs on this repository (needs `npm run build`)
//   node scripts/scan-package.mjs --dir <path>    both legs on another package folder
//   node scripts/scan-package.mjs --json          machine-readable result on stdout
// Exit code 0 when both legs pass, 1 otherwise.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The tarball leg's patterns, as in analyzePackageByName. */
export const TARBALL_FILE_PATTERNS = Object.freeze(['**/*.js', 'package.json']);

async function loadScanner() {
	// eslint-plugin-n8n-nodes-base reads NODE_ENV when it loads: under 'test' (jest sets it) its
	// filename and package.json rules check fixed fake names instead of the real files and
	// report errors the real scanner never would. Lint as the scanner does, outside a test run.
	if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
	const file = path.join(
		root,
		'node_modules',
		'@n8n',
		'scan-community-package',
		'scanner',
		'scanner.mjs',
	);
	if (!fs.existsSync(file)) {
		throw new Error(`${file} is missing: install the dev dependencies (npm install)`);
	}
	return await import(pathToFileURL(file).href);
}

/** `npm pack` of `dir` into a temp folder, extracted like the scanner does; returns both paths. */
function packAndExtract(dir, work) {
	const packDir = path.join(work, 'pack');
	fs.mkdirSync(packDir, { recursive: true });
	const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', packDir], {
		cwd: dir,
		encoding: 'utf8',
		env: { ...process.env, npm_config_loglevel: 'error' },
	});
	if (pack.status !== 0) throw new Error(`npm pack failed (exit ${pack.status}):\n${pack.stderr}`);
	const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
	const tarball = path.join(packDir, path.basename(info.filename));
	const packageDir = path.join(work, 'package');
	fs.mkdirSync(packageDir, { recursive: true });
	const tar = spawnSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
		encoding: 'utf8',
	});
	if (tar.status !== 0) throw new Error(`tar -xzf ${tarball} failed:\n${tar.stderr}`);
	return { tarball, packageDir, files: info.files.map((f) => f.path) };
}

/** Files the scanner would lint in `dir` with `patterns` (its own glob and ignores). */
async function filesFor(dir, patterns) {
	const glob = (await import(pathToFileURL(resolveFromScanner('fast-glob')).href)).default;
	return glob
		.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] })
		.sort();
}

function resolveFromScanner(name) {
	const scannerDir = path.join(root, 'node_modules', '@n8n', 'scan-community-package');
	// The scanner's own copy first (it may pin a different version), then the hoisted one.
	for (const base of [path.join(scannerDir, 'node_modules'), path.join(root, 'node_modules')]) {
		const pkgDir = path.join(base, name);
		if (fs.existsSync(path.join(pkgDir, 'package.json'))) {
			const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
			return path.join(pkgDir, pkg.main || 'index.js');
		}
	}
	throw new Error(`${name} not found next to @n8n/scan-community-package`);
}

/**
 * Runs both legs on the package in `dir`. The `dist/` of that package must be built.
 * @returns {Promise<{ passed: boolean, scannerVersion: string, legs: Array<{ leg: string, dir: string, patterns: string[], files: string[], passed: boolean, message?: string, details?: string }> }>}
 */
export async function scanPackage({ dir = root } = {}) {
	const scanner = await loadScanner();
	const scannerVersion = JSON.parse(
		fs.readFileSync(
			path.join(root, 'node_modules', '@n8n', 'scan-community-package', 'package.json'),
			'utf8',
		),
	).version;
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-community-package-'));
	try {
		const legs = [];
		const sourcePatterns = [...scanner.SOURCE_FILE_PATTERNS];
		const source = await scanner.analyzePackage(dir, sourcePatterns);
		legs.push({
			leg: 'source (what the provenance attestation points at)',
			dir,
			patterns: sourcePatterns,
			files: await filesFor(dir, sourcePatterns),
			...pick(source),
		});
		const { packageDir, tarball } = packAndExtract(dir, work);
		const dist = await scanner.analyzePackage(packageDir, [...TARBALL_FILE_PATTERNS]);
		legs.push({
			leg: `tarball (${path.basename(tarball)}, extracted)`,
			dir: packageDir,
			patterns: [...TARBALL_FILE_PATTERNS],
			files: await filesFor(packageDir, [...TARBALL_FILE_PATTERNS]),
			...pick(dist),
		});
		// An empty leg passes in the scanner ("No files found to analyze"); here it is a failure,
		// since it means the patterns no longer see the package (e.g. dist/ not built).
		for (const leg of legs) {
			if (leg.files.length === 0) {
				leg.passed = false;
				leg.message = 'no files matched the scanner patterns (is the package built?)';
			}
		}
		return { passed: legs.every((l) => l.passed), scannerVersion, legs };
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

function pick(r) {
	return { passed: r.passed, message: r.message, details: r.details };
}

async function main() {
	const args = process.argv.slice(2);
	const at = args.indexOf('--dir');
	const dir = path.resolve(at >= 0 ? args[at + 1] : root);
	const started = Date.now();
	const result = await scanPackage({ dir });
	if (args.includes('--json')) {
		process.stdout.write(JSON.stringify(result, null, 2) + '\n');
	} else {
		console.log(`@n8n/scan-community-package ${result.scannerVersion} on ${dir}`);
		for (const leg of result.legs) {
			console.log(
				`${leg.passed ? '✅' : '❌'} ${leg.leg}: ${leg.files.length} files (${leg.patterns.join(', ')})` +
					(leg.passed ? '' : ` — ${leg.message}`),
			);
			if (leg.details) console.log(leg.details);
		}
		console.log(
			`${result.passed ? '✅ both legs pass' : '❌ the scanner would reject this version'} ` +
				`(${((Date.now() - started) / 1000).toFixed(1)} s; provenance is checked only on a published version)`,
		);
	}
	process.exit(result.passed ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
	main().catch((e) => {
		console.error(`scan-package: ${e.stack || e.message}`);
		process.exit(1);
	});
}
