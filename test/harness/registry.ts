/**
 * The package's node and credential types, found the way n8n finds them: from the `n8n`
 * block of package.json (its dist paths mapped back to the TypeScript sources).
 */
import * as path from 'node:path';
import type { ICredentialType, INodeType } from 'n8n-workflow';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(path.join(root, 'package.json')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

/** Why a registered file could not be loaded (reported when a test asks for its type). */
export const loadErrors: Record<string, string> = {};

function loadClasses<T>(distPath: string): T[] {
	const source = path.join(root, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	let module: Record<string, unknown>;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		module = require(source) as Record<string, unknown>;
	} catch (error) {
		// One broken node must not hide the others; a test of the broken one still fails.
		loadErrors[distPath] = (error as Error).message;
		return [];
	}
	return Object.values(module)
		.filter((value): value is new () => T => typeof value === 'function')
		.map((Class) => new Class());
}

export function nodeTypesByName(): Record<string, INodeType> {
	const types = pkg.n8n.nodes.flatMap((file) => loadClasses<INodeType>(file));
	return Object.fromEntries(types.map((type) => [type.description.name, type]));
}

export function credentialTypesByName(): Record<string, ICredentialType> {
	const types = pkg.n8n.credentials.flatMap((file) => loadClasses<ICredentialType>(file));
	return Object.fromEntries(types.map((type) => [type.name, type]));
}
