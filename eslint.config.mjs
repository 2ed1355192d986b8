import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

// Node and credential code (nodes/, credentials/) keeps every rule of n8n's community-node
// scanner. Tests, simulators, benchmarks and tooling run in plain Node.js, so they may use
// Node's modules, timers, `process` and the console.
const toolingGlobs = ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'tooling/**/*.ts'];

export default [
	// Build output, benchmark and sandbox working folders (they hold n8n user folders).
	globalIgnores(['dist', 'bench/out', '.sandbox', '.e2e', 'coverage']),
	...config,
	{
		files: toolingGlobs,
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'no-console': 'off',
			// Test fixtures hold placeholder keys for the simulators, never real secrets.
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			// Simulators and tooling are not nodes: NodeApiError has no meaning there.
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
];
