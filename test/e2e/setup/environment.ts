/**
 * One real n8n with this package installed from its `npm pack` tarball, the simulators of
 * every API, credentials pointing at them and the example workflows imported: what the
 * end-to-end suite runs against (and what a local sandbox needs).
 *
 *   const env = await startEnvironment();
 *   const { id } = await env.importExample('webhookToInfinity');
 *   ...
 *   await env.stop();
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type {
	CredentialRef,
	N8nInstance,
	StartOptions,
	Workflow,
	WorkflowJson,
} from '../../../tooling/n8n/index.cjs';
import { startN8n } from '../../../tooling/n8n/index.cjs';
import type { ExampleKey, LocalOptions } from './examples';
import { EXAMPLES, localExample } from './examples';
import type { CredentialType, Simulators, StartSimulatorsOptions } from './simulators';
import { credentialInputs, startSimulators } from './simulators';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * `npm pack` of the built package into `destination`; returns the tarball's path. The package
 * must have been built (`npm run build`): the tarball holds dist/ only.
 */
export function packPackage(destination: string): string {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter(
		(file) => !fs.existsSync(path.join(REPO_ROOT, file)),
	);
	if (missing.length > 0) {
		throw new Error(
			`The package is not built (missing ${missing.join(', ')}): run \`npm run build\` first.`,
		);
	}
	fs.mkdirSync(destination, { recursive: true });
	// Test tooling, not node code: packing the package is what the suite is about.
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
	const result = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: { ...process.env, npm_config_loglevel: 'error' },
	});
	if (result.status !== 0)
		throw new Error(`npm pack failed (exit ${result.status}):\n${result.stderr}`);
	const start = result.stdout.indexOf('[');
	const [info] = JSON.parse(result.stdout.slice(start)) as Array<{ filename: string }>;
	const tarball = path.join(destination, path.basename(info.filename));
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
	return tarball;
}

export interface Environment {
	n8n: N8nInstance;
	sims: Simulators;
	/** The credential created for each type (named as in the examples). */
	credentials: Record<CredentialType, CredentialRef>;
	tarball: string;
	workDir: string;
	/** Imports an example, adapted for local use, with the credentials bound. */
	importExample(
		key: ExampleKey,
		options?: LocalOptions,
	): Promise<{ workflow: Workflow; json: WorkflowJson }>;
	stop(options?: { keepFiles?: boolean }): Promise<void>;
}

export interface EnvironmentOptions {
	/** Where the tarball and the n8n user folder go (a fresh temp dir by default). */
	workDir?: string;
	simulators?: StartSimulatorsOptions;
	n8n?: StartOptions;
}

export async function startEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
	const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'property-leads-e2e-'));
	const tarball = packPackage(path.join(workDir, 'pack'));
	const sims = await startSimulators(options.simulators);
	let n8n: N8nInstance | undefined;
	try {
		n8n = await startN8n({
			userFolder: path.join(workDir, 'n8n'),
			clean: true,
			packageTarball: tarball,
			...options.n8n,
		});
		const created = await n8n.importCredentials(credentialInputs(sims));
		const credentials = {} as Record<CredentialType, CredentialRef>;
		for (const credential of created) {
			credentials[credential.type as CredentialType] = {
				id: String(credential.id),
				name: credential.name,
			};
		}
		const instance = n8n;
		return {
			n8n: instance,
			sims,
			credentials,
			tarball,
			workDir,
			async importExample(key, local = {}) {
				const json = localExample(EXAMPLES[key], local);
				const workflow = await instance.importWorkflow(json, { credentials });
				return { workflow, json };
			},
			async stop({ keepFiles = false } = {}) {
				await instance.stop();
				await sims.stop();
				if (!keepFiles) fs.rmSync(workDir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await n8n?.stop();
		await sims.stop();
		throw error;
	}
}
