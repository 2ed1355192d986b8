/**
 * The end-to-end suite: a real n8n (Node 24, the version pinned in tooling/n8n/n8n-host) with the
 * package installed from its `npm pack` tarball, driven over its REST API against the
 * simulators. Needs `npm run build` first (scripts/test.mjs builds before it runs this).
 *
 *   npm run build && npx jest -c jest.e2e.config.js
 *
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	setupFiles: ['<rootDir>/test/harness/setup-env.ts'],
	// Fails a test whose simulator answered outside its API description.
	setupFilesAfterEnv: ['<rootDir>/test/harness/contracts.ts'],
	// Provisions n8n before any timer starts (minutes on a clean machine, instant when cached).
	globalSetup: '<rootDir>/test/e2e/setup/global-setup.ts',
	// One n8n is shared by the whole suite; tests run one after the other.
	maxWorkers: 1,
	testTimeout: 180000,
	slowTestThreshold: 60,
};
