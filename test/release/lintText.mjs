#!/usr/bin/env node
// Lints TypeScript sources given as text with this repository's ESLint config (the one
// `npm run lint` uses), each as if it stood at its `filePath`. Reads a JSON array of
// { filePath, code } from the file named by the first argument; prints ESLint's results as
// JSON. Used by test/release/descriptionLint.test.ts, which cannot load ESLint's ESM config
// inside jest.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-plugin-n8n-nodes-base checks fixed fake file names when NODE_ENV is 'test' (see
// scripts/scan-package.mjs): lint as `npm run lint` does.
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { ESLint } = await import('eslint');
const eslint = new ESLint({ cwd: root });
const sources = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const { filePath, code } of sources) {
	const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
	results.push({
		filePath,
		messages: result.messages.map(({ ruleId, severity, message, line }) => ({ ruleId, severity, message, line })),
	});
}
process.stdout.write(JSON.stringify(results));
