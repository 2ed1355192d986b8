// ES module entry point for test/e2e/lib/n8n.cjs (the implementation; see there for usage).
import lib from './n8n.cjs';

export const {
	startN8n,
	provisionN8n,
	runN8nCli,
	installPackageTarball,
	bindCredentials,
	nodeOutput,
	request,
	freePort,
	N8nInstance,
	N8nApiError,
	TEST_ENCRYPTION_KEY,
	DEFAULT_OWNER,
} = lib;
export default lib;
