import { AlterEstateSimulator } from '../../tooling/simulators/alterEstate';
import { ClosingDealzSimulator } from '../../tooling/simulators/closingDealz';
import { InfinitySimulator } from '../../tooling/simulators/infinity';
import { PfExpertSimulator } from '../../tooling/simulators/pfExpert';
import { useSimulator } from './assert';

/**
 * The four CRM simulators a create-lead test runs against (Infinity CRM, AlterEstate,
 * ClosingDealz, PF Expert CRM), started for the file and emptied before each test: no
 * stored leads, no log, no faults, a fresh rate-limit window, no issued tokens. `tag` keeps
 * each file's placeholder keys its own.
 */
export function useCrmSimulators(tag: string) {
	const infinity = useSimulator(new InfinitySimulator(`${tag}-infinity-key`));
	const alter = useSimulator(new AlterEstateSimulator(`${tag}-alter-key`, `${tag}-alter-public`));
	const cdz = useSimulator(new ClosingDealzSimulator(`${tag}-cdz-key`));
	const pfx = useSimulator(new PfExpertSimulator(`${tag}-pfx-key`, `${tag}-pfx-secret`));
	beforeEach(() => {
		for (const sim of [infinity, alter, cdz, pfx]) {
			sim.resetLog();
			sim.clearFaults();
		}
		infinity.leads.length = 0;
		infinity.duplicates.length = 0;
		alter.reset();
		cdz.leads.length = 0;
		cdz.resetRateLimit();
		pfx.leads.length = 0;
		pfx.tokens.clear();
	});
	return { infinity, alter, cdz, pfx };
}
