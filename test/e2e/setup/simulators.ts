/**
 * Every API the package talks to, as simulators on 127.0.0.1 (random ports), plus an SMTP
 * sink for n8n's Send Email node, seeded so the example workflows make sense together:
 * the Property Finder agents exist as AlterEstate users with the same e-mail (so "Related
 * Agent" resolves), and a few older Property Finder leads exist before any poll.
 *
 * Keys are distinct per run (a random suffix), so a leak check can search for them.
 */
import { randomBytes } from 'node:crypto';

import { AlterEstateSimulator } from '../../../tooling/simulators/alterEstate';
import { ClosingDealzSimulator } from '../../../tooling/simulators/closingDealz';
import { InfinitySimulator } from '../../../tooling/simulators/infinity';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from '../../../tooling/simulators/pfExpert';
import { PropertyFinderSimulator, pfKeyPair } from '../../../tooling/simulators/propertyFinder';
import { PropertyFinderWebhooks } from '../../../tooling/simulators/propertyFinderWebhooks';
import { SmtpSink } from '../../../tooling/simulators/smtp';
import type { CredentialInput } from '../../../tooling/n8n/index.cjs';

export interface SimulatorKeys {
	infinityKey: string;
	pfKey: string;
	pfSecret: string;
	expertKey: string;
	expertSecret: string;
	alterEstateKey: string;
	alterEstatePublicToken: string;
	closingDealzKey: string;
	smtpUser: string;
	smtpPassword: string;
}

export interface Simulators {
	keys: SimulatorKeys;
	infinity: InfinitySimulator;
	propertyFinder: PropertyFinderSimulator;
	pfWebhooks: PropertyFinderWebhooks;
	pfExpert: PfExpertSimulator;
	alterEstate: AlterEstateSimulator;
	closingDealz: ClosingDealzSimulator;
	smtp: SmtpSink;
	stop(): Promise<void>;
}

/** Placeholder keys for the simulators (never real ones), unique per call. */
export function simulatorKeys(prefix = 'sandbox'): SimulatorKeys {
	const tag = randomBytes(4).toString('hex');
	const key = (name: string) => `${prefix}-${name}-${tag}`;
	return {
		infinityKey: key('infinity-key'),
		pfKey: pfKeyPair(key('pf')).apiKey,
		pfSecret: pfKeyPair(key('pf')).apiSecret,
		expertKey: key('pfx-key'),
		expertSecret: key('pfx-secret'),
		alterEstateKey: key('alterestate-key'),
		alterEstatePublicToken: key('alterestate-aetoken'),
		closingDealzKey: key('closingdealz-key'),
		smtpUser: key('smtp-user'),
		smtpPassword: key('smtp-password'),
	};
}

export interface StartSimulatorsOptions {
	keys?: SimulatorKeys;
	/** Property Finder leads created before anything polls (default 3, 10 minutes old). */
	existingLeads?: number;
	/** Fixed ports (the sandbox); random when omitted. */
	ports?: Partial<
		Record<
			'infinity' | 'propertyFinder' | 'pfExpert' | 'alterEstate' | 'closingDealz' | 'smtp',
			number
		>
	>;
}

export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<Simulators> {
	const keys = options.keys ?? simulatorKeys();
	const infinity = new InfinitySimulator(keys.infinityKey);
	const propertyFinder = new PropertyFinderSimulator(keys.pfKey, keys.pfSecret);
	const pfWebhooks = new PropertyFinderWebhooks(propertyFinder);
	const pfExpert = new PfExpertSimulator(keys.expertKey, keys.expertSecret);
	const alterEstate = new AlterEstateSimulator(keys.alterEstateKey, keys.alterEstatePublicToken);
	const closingDealz = new ClosingDealzSimulator(keys.closingDealzKey);
	const smtp = new SmtpSink();

	// The brokerage's Property Finder agents are AlterEstate users with the same login e-mail.
	let nextAgentId = 200;
	for (const user of propertyFinder.users.filter((candidate) => candidate.status === 'active')) {
		alterEstate.agents.push({
			id: nextAgentId++,
			full_name: `${user.firstName} ${user.lastName ?? ''}`.trim(),
			email: user.email,
			phone: user.mobile ?? '',
			active: true,
		});
	}
	const existing = options.existingLeads ?? 3;
	for (let i = 0; i < existing; i++) {
		propertyFinder.addLead({
			createdAt: new Date(propertyFinder.now - (10 - i) * 60_000).toISOString(),
		});
	}

	const ports = options.ports ?? {};
	const started: Array<{ stop(): Promise<void> }> = [];
	try {
		for (const [sim, port] of [
			[infinity, ports.infinity],
			[propertyFinder, ports.propertyFinder],
			[pfExpert, ports.pfExpert],
			[alterEstate, ports.alterEstate],
			[closingDealz, ports.closingDealz],
		] as const) {
			await sim.start(port ?? 0);
			started.push(sim);
		}
		await smtp.start(ports.smtp ?? 0);
		started.push(smtp);
	} catch (error) {
		await Promise.all(started.map((sim) => sim.stop()));
		throw error;
	}

	return {
		keys,
		infinity,
		propertyFinder,
		pfWebhooks,
		pfExpert,
		alterEstate,
		closingDealz,
		smtp,
		async stop() {
			await Promise.all(started.map((sim) => sim.stop()));
		},
	};
}

/** Credential type → the name used for it (the examples reference these types). */
export const CREDENTIAL_NAMES = {
	propertyFinderApi: 'Property Finder account',
	propertyFinderExpertApi: 'PF Expert CRM account',
	infinityCrmApi: 'Infinity CRM account',
	alterEstateApi: 'AlterEstate account',
	closingDealzApi: 'ClosingDealz account',
	smtp: 'SMTP account',
} as const;

export type CredentialType = keyof typeof CREDENTIAL_NAMES;

/** Plaintext credential data pointing every credential at its simulator. */
export function credentialData(sims: Simulators): Record<CredentialType, Record<string, unknown>> {
	const { keys } = sims;
	return {
		propertyFinderApi: {
			apiKey: keys.pfKey,
			apiSecret: keys.pfSecret,
			baseUrl: sims.propertyFinder.url,
		},
		propertyFinderExpertApi: {
			apiKey: keys.expertKey,
			apiSecret: keys.expertSecret,
			baseUrl: sims.pfExpert.url,
			tokenUrl: `${sims.pfExpert.url}${EXPERT_TOKEN_PATH}`,
		},
		infinityCrmApi: { apiKey: keys.infinityKey, baseUrl: sims.infinity.url },
		alterEstateApi: {
			apiKey: keys.alterEstateKey,
			publicToken: keys.alterEstatePublicToken,
			baseUrl: sims.alterEstate.url,
		},
		closingDealzApi: { apiKey: keys.closingDealzKey, baseUrl: sims.closingDealz.url },
		smtp: sims.smtp.credentialData(keys.smtpUser, keys.smtpPassword),
	};
}

/** The credentials to create in n8n (`importCredentials`), one per type. */
export function credentialInputs(sims: Simulators, suffix = ''): CredentialInput[] {
	const data = credentialData(sims);
	return (Object.keys(CREDENTIAL_NAMES) as CredentialType[]).map((type) => ({
		name: `${CREDENTIAL_NAMES[type]}${suffix}`,
		type,
		data: data[type],
	}));
}

/**
 * Every secret the simulators know: configured keys and secrets plus the bearer tokens they
 * issued so far. Call it at the end of a run for a leak check.
 */
export function knownSecrets(sims: Simulators): string[] {
	const { keys } = sims;
	return [
		keys.infinityKey,
		keys.pfKey,
		keys.pfSecret,
		keys.expertKey,
		keys.expertSecret,
		keys.alterEstateKey,
		keys.alterEstatePublicToken,
		keys.closingDealzKey,
		keys.smtpPassword,
		...sims.propertyFinder.tokens.keys(),
		...sims.pfExpert.tokens.keys(),
	];
}
