/**
 * Jest globalSetup of the end-to-end suite: provisions Node 24 + n8n (cached outside the
 * clone; the first run on a clean machine installs it, ~6 minutes) before any test timer
 * starts, and checks that the package was built.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { provisionN8n } from '../../../tooling/n8n/index.cjs';

export default async function globalSetup(): Promise<void> {
	const root = path.resolve(__dirname, '..', '..', '..');
	if (
		!fs.existsSync(path.join(root, 'dist', 'package.json')) &&
		!fs.existsSync(path.join(root, 'dist', 'nodes'))
	) {
		throw new Error('The end-to-end suite installs the built package: run `npm run build` first.');
	}
	const started = Date.now();
	const host = await provisionN8n();
	process.stderr.write(
		`[e2e] n8n ${host.n8nVersion} on Node ${host.nodeVersion} ${host.installedNow ? `installed in ${Math.round((Date.now() - started) / 1000)} s` : 'from the cache'}: ${host.hostDir}\n`,
	);
}
