/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite runs a real n8n: jest.e2e.config.js.
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	setupFiles: ['<rootDir>/test/harness/setup-env.ts'],
	// Fails a test whose simulator answered outside its API description.
	setupFilesAfterEnv: ['<rootDir>/test/harness/contracts.ts'],
	testTimeout: 60000,
	// Each test file starts its own simulators on random ports; two workers fit CI's two cores.
	maxWorkers: 2,
};
