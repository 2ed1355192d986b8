/**
 * The queue profile of the end-to-end suite: n8n in queue mode (Postgres, Redis, main, 2
 * workers, 2 webhook processes behind a load balancer) with the package installed in every
 * process. Postgres and Redis come from Debian packages (installed when missing) and run as
 * this suite's own processes on free ports. Needs `npm run build` first.
 *
 *   npm run build && npx jest -c jest.e2e-queue.config.js
 *
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e/queue'],
	testMatch: ['**/*.queue.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	setupFiles: ['<rootDir>/test/harness/setup-env.ts'],
	globalSetup: '<rootDir>/test/e2e/setup/global-setup.ts',
	maxWorkers: 1,
	testTimeout: 300000,
	slowTestThreshold: 120,
};
