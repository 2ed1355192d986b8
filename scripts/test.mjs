#!/usr/bin/env node
// The test command of the README and of CI: type-check, lint, build, n8n's package scanner
// on the source and the packed tarball (scripts/scan-package.mjs), the jest suites (unit,
// nodes against the simulators, fault injection, release files), the end-to-end suite in a
// real n8n once per supported n8n line (2.41 and 1.123), then its queue profile (n8n in queue
// mode: Postgres, Redis, main, workers, webhook processes). SKIP_E2E=1 skips both for quick
// local loops, SKIP_E2E_QUEUE=1 the queue profile only; CI never skips them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0 };

function step(title, command, args, env = {}) {
	console.log(`\n▶ ${title}`);
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status === 0;
}

function jest(title, args, env = {}) {
	const out = join(root, `.jest-${title.replace(/\W+/g, '-')}.json`);
	rmSync(out, { force: true });
	const ok = step(title, bin('jest'), [...args, '--json', `--outputFile=${out}`], env);
	if (existsSync(out)) {
		const report = JSON.parse(readFileSync(out, 'utf8'));
		totals.passed += report.numPassedTests;
		totals.failed += report.numFailedTests;
		rmSync(out, { force: true });
		if (report.numTotalTests === 0) {
			console.error(`${title}: no test ran`);
			return false;
		}
	}
	return ok;
}

const skipE2e = process.env.SKIP_E2E === '1' && process.env.CI !== 'true';
const results = [
	step('type-check (sources and tests)', bin('tsc'), ['-p', 'tsconfig.test.json']),
	step('lint (n8n community-node rules)', bin('n8n-node'), ['lint']),
	step('build', bin('n8n-node'), ['build']),
	step("n8n's package scanner: source and packed tarball", process.execPath, [
		join(root, 'scripts', 'scan-package.mjs'),
	]),
	jest('jest suites', ['--ci']),
];
if (existsSync(join(root, 'jest.e2e.config.js'))) {
	if (skipE2e) console.log('\n▶ end-to-end suite skipped (SKIP_E2E=1)');
	else {
		// One run per n8n line (scripts/provision-n8n.mjs: 2 = n8n 2.41, 1 = n8n 1.123), both by
		// default: the supported range is n8n 1.123 and 2.41+ (README "Supported n8n versions").
		// N8N_E2E_LINES=2 runs one line only, for quick local loops.
		const lines = (process.env.N8N_E2E_LINES || '2,1').split(',').map((l) => l.trim());
		for (const line of lines.filter(Boolean)) {
			results.push(
				jest(`end-to-end suite (n8n line ${line})`, ['--ci', '-c', 'jest.e2e.config.js'], {
					N8N_LINE: line,
				}),
			);
		}
	}
}
if (existsSync(join(root, 'jest.e2e-queue.config.js'))) {
	const skipQueue = skipE2e || (process.env.SKIP_E2E_QUEUE === '1' && process.env.CI !== 'true');
	if (skipQueue)
		console.log('\n▶ end-to-end queue profile skipped (SKIP_E2E or SKIP_E2E_QUEUE=1)');
	else results.push(jest('end-to-end queue profile', ['--ci', '-c', 'jest.e2e-queue.config.js']));
}

const ok = results.every(Boolean);
console.log(`\n${ok ? 'All checks passed' : 'Some checks FAILED'}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok ? 0 : 1);
