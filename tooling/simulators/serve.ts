/**
 * The simulators of the local sandbox (`npm start`): all four APIs on fixed ports of
 * 127.0.0.1, seeded with demo data, plus a feed that keeps Property Finder leads arriving.
 *
 *   startSandboxSimulators()   Property Finder (Enterprise API + webhooks), PF Expert CRM,
 *                              Infinity CRM, AlterEstate, ClosingDealz; demo agents, listings,
 *                              past leads, and "returning customers" already known to the
 *                              CRMs (so some new leads are duplicates); an SMTP sink that
 *                              accepts the workflows' e-mails
 *   sandboxCredentials(sims)   the n8n credentials pointing at them (placeholder keys)
 *   startLeadFeed(sims)        every 10–20 s a new lead in Property Finder, delivered signed to
 *                              every webhook subscription (what the Property Finder Trigger
 *                              registered) and visible to the Polling Trigger's next poll
 *
 * scripts/sandbox.mjs compiles this folder (tsconfig.sim.json) and loads it. It also runs on
 * its own, for pointing another n8n at the simulators:
 *
 *   npx tsc -p tsconfig.sim.json && node .sandbox/sim/serve.js
 */
import * as net from 'node:net';

import { AlterEstateSimulator } from './alterEstate';
import { ClosingDealzSimulator } from './closingDealz';
import { InfinitySimulator } from './infinity';
import { EXPERT_TOKEN_PATH, PfExpertSimulator } from './pfExpert';
import type { PfContact, PfLead } from './propertyFinder';
import { PropertyFinderSimulator, pfKeyPair } from './propertyFinder';
import type { DeliveryResult } from './propertyFinderWebhooks';
import { PropertyFinderWebhooks } from './propertyFinderWebhooks';
import { SmtpSink } from './smtp';

export const SANDBOX_PORTS = {
	propertyFinder: 5701,
	pfExpert: 5702,
	infinity: 5703,
	alterEstate: 5704,
	closingDealz: 5705,
	smtp: 5706,
};

export type SandboxPorts = typeof SANDBOX_PORTS;

/** Placeholder keys the simulators accept; never real ones. */
export const SANDBOX_KEYS = {
	propertyFinder: pfKeyPair('sandbox'),
	pfExpert: { apiKey: 'sandbox-pfx-key', apiSecret: 'sandbox-pfx-secret' },
	infinity: { apiKey: 'sandbox-infinity-key' },
	alterEstate: { apiKey: 'sandbox-alterestate-key', publicToken: 'sandbox-alterestate-aetoken' },
	closingDealz: { apiKey: 'sandbox-closingdealz-key' },
	smtp: { user: 'sandbox-smtp-user', password: 'sandbox-smtp-password' },
};

/** Credential names the sandbox creates in n8n (one per credential type). */
export const SANDBOX_CREDENTIAL_NAMES = {
	propertyFinderApi: 'Property Finder (sandbox)',
	propertyFinderExpertApi: 'PF Expert CRM (sandbox)',
	infinityCrmApi: 'Infinity CRM (sandbox)',
	alterEstateApi: 'AlterEstate (sandbox)',
	closingDealzApi: 'ClosingDealz (sandbox)',
	smtp: 'Mail sink (sandbox)',
};

/** People who enquired before: already in Infinity CRM, AlterEstate and PF Expert CRM. */
export const RETURNING_CUSTOMERS = [
	{ name: 'Khalid Al Marri', phone: '+971501112233', email: 'khalid.almarri@mail.example' },
	{ name: 'Elena Popescu', phone: '+971552223344', email: 'elena.popescu@mail.example' },
	{ name: 'Rahul Verma', phone: '+971563334455', email: 'rahul.verma@mail.example' },
];

const FIRST = [
	'Mariam',
	'Yousef',
	'Hannah',
	'Arjun',
	'Layla',
	'Daniel',
	'Noura',
	'Viktor',
	'Amina',
	'Tom',
	'Reem',
	'Carlos',
];
const LAST = [
	'Al Suwaidi',
	'Baker',
	'Iyer',
	'Haddad',
	'Kowalski',
	'Nasser',
	'Okoro',
	'Fischer',
	'Rahimi',
	'Costa',
	'Santos',
];
const CHANNELS: Array<PfLead['channel']> = ['whatsapp', 'call', 'email'];
const STATUSES: Array<PfLead['status']> = ['sent', 'delivered', 'read'];
const HOUR = 60 * 60 * 1000;

export interface SandboxSimulators {
	propertyFinder: PropertyFinderSimulator;
	webhooks: PropertyFinderWebhooks;
	pfExpert: PfExpertSimulator;
	infinity: InfinitySimulator;
	alterEstate: AlterEstateSimulator;
	closingDealz: ClosingDealzSimulator;
	smtp: SmtpSink;
	urls: Record<keyof SandboxPorts, string>;
	stop(): Promise<void>;
}

function assertPortFree(port: number, what: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `port ${port} (${what} simulator) is already in use — is another sandbox running?`
						: `cannot listen on 127.0.0.1:${port} (${what} simulator): ${error.message}`,
				),
			),
		);
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
	});
}

/** A lead id in Property Finder's style, unique across sandbox runs (n8n keeps what it saw). */
function leadIdFactory() {
	const run = Date.now().toString(36);
	let n = 0;
	return (channel: string) => `${channel}_lead_${run}${String(++n).padStart(3, '0')}`;
}

let nextLeadId = leadIdFactory();
let leadCount = 0;

/**
 * A realistic new Property Finder lead on one of the live listings, assigned to the listing's
 * agent. Every fourth lead is a returning customer (a duplicate in the CRMs).
 */
export function newPfLead(pf: PropertyFinderSimulator, createdAt = pf.now): PfLead {
	const n = leadCount++;
	const channel = CHANNELS[n % CHANNELS.length];
	const live = pf.listings.filter((listing) => listing.state.stage === 'live');
	const listing = live[n % live.length];
	const returning =
		n % 4 === 3 ? RETURNING_CUSTOMERS[Math.floor(n / 4) % RETURNING_CUSTOMERS.length] : undefined;
	const name = returning?.name ?? `${FIRST[n % FIRST.length]} ${LAST[(n * 5) % LAST.length]}`;
	const phone =
		returning?.phone ??
		`+97150${String(2_000_000 + ((n * 7_919 + Date.now()) % 7_000_000)).padStart(7, '0')}`;
	const email = returning?.email ?? `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@mail.example`;
	// Property Finder sends the e-mail of the enquirer's account with every lead, calls included.
	const contacts: PfContact[] = [
		{ type: 'phone', value: phone },
		{ type: 'email', value: email },
	];
	return pf.addLead({
		id: nextLeadId(channel),
		entityType: 'listing',
		channel,
		status: STATUSES[n % STATUSES.length],
		sender: { name, contacts },
		publicProfile: { id: listing.assignedTo.id },
		listing: { id: listing.id, reference: listing.reference },
		responseLink: channel === 'whatsapp' ? `https://wa.propertyfinder.ae/r/${n}` : null,
		tags: n % 5 === 0 ? ['hot'] : [],
		createdAt: new Date(createdAt).toISOString(),
		...(channel === 'call'
			? {
					call: {
						talkTime: 40 + (n % 7) * 11,
						waitTime: 4,
						recordFile: `https://recordings.propertyfinder.ae/${n}.mp3`,
					},
				}
			: {}),
	});
}

async function post(url: string, headers: Record<string, string>, body: unknown) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	if (response.status >= 300)
		throw new Error(`seeding ${url} failed: ${response.status} ${await response.text()}`);
}

/** Starts every simulator on its fixed port and seeds the demo data. */
export async function startSandboxSimulators(
	ports: SandboxPorts = SANDBOX_PORTS,
): Promise<SandboxSimulators> {
	const names: Record<keyof SandboxPorts, string> = {
		propertyFinder: 'Property Finder',
		pfExpert: 'PF Expert CRM',
		infinity: 'Infinity CRM',
		alterEstate: 'AlterEstate',
		closingDealz: 'ClosingDealz',
		smtp: 'SMTP sink',
	};
	for (const key of Object.keys(ports) as Array<keyof SandboxPorts>)
		await assertPortFree(ports[key], names[key]);

	nextLeadId = leadIdFactory();
	leadCount = 0;
	const propertyFinder = new PropertyFinderSimulator(
		SANDBOX_KEYS.propertyFinder.apiKey,
		SANDBOX_KEYS.propertyFinder.apiSecret,
	);
	const webhooks = new PropertyFinderWebhooks(propertyFinder);
	const pfExpert = new PfExpertSimulator(
		SANDBOX_KEYS.pfExpert.apiKey,
		SANDBOX_KEYS.pfExpert.apiSecret,
	);
	const infinity = new InfinitySimulator(SANDBOX_KEYS.infinity.apiKey);
	const alterEstate = new AlterEstateSimulator(
		SANDBOX_KEYS.alterEstate.apiKey,
		SANDBOX_KEYS.alterEstate.publicToken,
	);
	const closingDealz = new ClosingDealzSimulator(SANDBOX_KEYS.closingDealz.apiKey);
	const smtp = new SmtpSink('mail-sink.sandbox');
	const all = [propertyFinder, pfExpert, infinity, alterEstate, closingDealz];
	const started: Array<{ stop(): Promise<void> }> = [];
	const stop = async () => {
		await Promise.all(started.map((server) => server.stop()));
	};
	try {
		const urls = {} as Record<keyof SandboxPorts, string>;
		for (const [key, sim] of [
			['propertyFinder', propertyFinder],
			['pfExpert', pfExpert],
			['infinity', infinity],
			['alterEstate', alterEstate],
			['closingDealz', closingDealz],
		] as const) {
			urls[key] = await sim.start(ports[key]);
			started.push(sim);
		}
		await smtp.start(ports.smtp);
		started.push(smtp);
		urls.smtp = `smtp://127.0.0.1:${smtp.port}`;

		// The agents of Property Finder are AlterEstate users too (same e-mail), so a lead can be
		// given to the agent of the listing it came from.
		let agentId = 140;
		for (const user of propertyFinder.users.filter((candidate) => candidate.status === 'active')) {
			alterEstate.agents.push({
				id: agentId++,
				full_name: `${user.firstName} ${user.lastName ?? ''}`.trim(),
				email: user.email,
				phone: user.mobile ?? '',
				active: true,
			});
		}

		// Property Finder: a few leads of the last days (the node's Get Many has data; the
		// Polling Trigger starts after them and emits only what arrives from now on).
		for (let i = 6; i >= 1; i--) newPfLead(propertyFinder, propertyFinder.now - i * 7 * HOUR);

		// Returning customers, created through each CRM's own API.
		for (const customer of RETURNING_CUSTOMERS) {
			await post(
				`${urls.infinity}/api/crm/external/leads`,
				{ 'x-api-key': SANDBOX_KEYS.infinity.apiKey },
				{
					name: customer.name,
					phone: customer.phone,
					email: customer.email,
					lead_source: 'website',
				},
			);
			await post(
				`${urls.alterEstate}/api/v1/leads/`,
				{ Authorization: `Token ${SANDBOX_KEYS.alterEstate.apiKey}` },
				{
					full_name: customer.name,
					phone: customer.phone,
					email: customer.email,
					notes: 'Enquired last month through the website',
				},
			);
			const [first, ...rest] = customer.name.split(' ');
			pfExpert.now = Date.now() - 30 * 24 * HOUR;
			pfExpert.addLead({
				first_name: first,
				last_name: rest.join(' '),
				mobile: customer.phone,
				email: customer.email,
			});
		}
		pfExpert.now = Date.now();
		for (const sim of all) sim.resetLog();
		return {
			propertyFinder,
			webhooks,
			pfExpert,
			infinity,
			alterEstate,
			closingDealz,
			smtp,
			urls,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The n8n credentials of the sandbox: name, type and plaintext data, for n8n's REST API. */
export function sandboxCredentials(sims: Pick<SandboxSimulators, 'urls' | 'smtp'>) {
	const { urls } = sims;
	return [
		{
			name: SANDBOX_CREDENTIAL_NAMES.propertyFinderApi,
			type: 'propertyFinderApi',
			data: { ...SANDBOX_KEYS.propertyFinder, baseUrl: urls.propertyFinder },
		},
		{
			name: SANDBOX_CREDENTIAL_NAMES.propertyFinderExpertApi,
			type: 'propertyFinderExpertApi',
			data: {
				...SANDBOX_KEYS.pfExpert,
				baseUrl: urls.pfExpert,
				tokenUrl: `${urls.pfExpert}${EXPERT_TOKEN_PATH}`,
			},
		},
		{
			name: SANDBOX_CREDENTIAL_NAMES.infinityCrmApi,
			type: 'infinityCrmApi',
			data: { ...SANDBOX_KEYS.infinity, baseUrl: urls.infinity },
		},
		{
			name: SANDBOX_CREDENTIAL_NAMES.alterEstateApi,
			type: 'alterEstateApi',
			data: { ...SANDBOX_KEYS.alterEstate, baseUrl: urls.alterEstate },
		},
		{
			name: SANDBOX_CREDENTIAL_NAMES.closingDealzApi,
			type: 'closingDealzApi',
			data: { ...SANDBOX_KEYS.closingDealz, baseUrl: urls.closingDealz },
		},
		{
			name: SANDBOX_CREDENTIAL_NAMES.smtp,
			type: 'smtp',
			data: sims.smtp.credentialData(SANDBOX_KEYS.smtp.user, SANDBOX_KEYS.smtp.password),
		},
	];
}

export interface FedLead {
	lead: PfLead;
	/** One entry per webhook delivery (event × subscription); empty when nothing is subscribed. */
	deliveries: Array<DeliveryResult & { type: string }>;
	/** Distinct webhook URLs the events went to. */
	webhooks: number;
	/** How often each event was sent to each URL (Property Finder delivers at least once). */
	repeat: number;
	/** Set when a delivery failed to reach its URL at all. */
	error?: string;
}

export interface LeadFeed {
	/** Adds one lead now and delivers its events (also used by the feed's timer). */
	next(): Promise<FedLead>;
	stop(): void;
}

/**
 * Keeps leads arriving: every `minMs`–`maxMs` a new lead in the Property Finder simulator,
 * then its Lead Created and Lead Assigned events signed and delivered to every subscription
 * (every third lead's events are delivered twice, as Property Finder's at-least-once delivery
 * does). `onLead` is told about each.
 */
export function startLeadFeed(
	sims: Pick<SandboxSimulators, 'propertyFinder' | 'webhooks'> & Partial<SandboxSimulators>,
	options: {
		minMs?: number;
		maxMs?: number;
		onLead?: (fed: FedLead) => void;
		firstInMs?: number;
	} = {},
): LeadFeed {
	const minMs = options.minMs ?? 10_000;
	const maxMs = options.maxMs ?? 20_000;
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	let fed = 0;

	const next = async (): Promise<FedLead> => {
		const lead = newPfLead(sims.propertyFinder);
		const repeat = ++fed % 3 === 0 ? 2 : 1;
		const deliveries: FedLead['deliveries'] = [];
		const urls = new Set<string>();
		let error: string | undefined;
		for (const event of sims.webhooks.leadEvents(lead)) {
			for (const subscription of sims.webhooks.subscriptions)
				if (subscription.eventType === event.type) urls.add(subscription.url);
			try {
				const results = await sims.webhooks.dispatch(event, { repeat });
				deliveries.push(...results.map((result) => ({ ...result, type: event.type })));
			} catch (cause) {
				error = (cause as Error).message;
			}
		}
		// Keep the simulators' request logs small during a long session.
		for (const sim of [
			sims.propertyFinder,
			sims.pfExpert,
			sims.infinity,
			sims.alterEstate,
			sims.closingDealz,
		]) {
			if (sim && sim.requests.length > 2000) sim.requests.splice(0, sim.requests.length - 1000);
		}
		if (sims.smtp && sims.smtp.messages.length > 500) {
			sims.smtp.messages.splice(0, sims.smtp.messages.length - 250);
			sims.smtp.sessions.splice(0, Math.max(0, sims.smtp.sessions.length - 250));
		}
		return { lead, deliveries, webhooks: urls.size, repeat, error };
	};

	const schedule = (delay: number) => {
		if (stopped) return;
		timer = setTimeout(() => {
			next()
				.then((result) => options.onLead?.(result))
				.catch((error) =>
					options.onLead?.({
						lead: undefined as unknown as PfLead,
						deliveries: [],
						webhooks: 0,
						repeat: 0,
						error: String(error),
					}),
				)
				.finally(() => schedule(minMs + Math.random() * (maxMs - minMs)));
		}, delay);
	};
	schedule(options.firstInMs ?? minMs);

	return {
		next,
		stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
		},
	};
}

/** One line about a fed lead, for the sandbox's console. */
export function describeFedLead(fed: FedLead): string {
	if (!fed.lead) return `lead feed failed: ${fed.error}`;
	const { lead } = fed;
	const phone = lead.sender.contacts.find((contact) => contact.type === 'phone')?.value ?? '';
	const returning = RETURNING_CUSTOMERS.some((customer) => customer.phone === phone)
		? ' (returning customer)'
		: '';
	const head = `new ${lead.channel} lead ${lead.id} "${lead.sender.name}" ${phone}${returning} on ${lead.listing?.reference}`;
	if (fed.error) return `${head} → webhook delivery failed: ${fed.error}`;
	if (fed.deliveries.length === 0)
		return `${head} → no webhook subscribed (is a Property Finder Trigger workflow active?)`;
	const types = [...new Set(fed.deliveries.map((delivery) => delivery.type))];
	const failed = fed.deliveries.filter((delivery) => delivery.status >= 300);
	const what = `${types.join(' + ')}${fed.repeat > 1 ? ` (each sent ${fed.repeat}×, as Property Finder may)` : ''} to ${fed.webhooks} webhook${fed.webhooks === 1 ? '' : 's'}`;
	if (failed.length === 0) return `${head} → ${what}: all 200`;
	return `${head} → ${what}: ${failed.length} answered ${[...new Set(failed.map((delivery) => delivery.status))].join('/')}`;
}

if (require.main === module) {
	void (async () => {
		const sims = await startSandboxSimulators();
		console.log(
			'Sandbox simulators (placeholder keys, see SANDBOX_KEYS in tooling/simulators/serve.ts):',
		);
		for (const [key, url] of Object.entries(sims.urls)) console.log(`  ${key.padEnd(15)} ${url}`);
		const feed = startLeadFeed(sims, {
			onLead: (fed) => console.log(`[feed] ${describeFedLead(fed)}`),
		});
		const shutdown = () => {
			feed.stop();
			void sims.stop().then(() => process.exit(0));
		};
		process.once('SIGINT', shutdown);
		process.once('SIGTERM', shutdown);
	})().catch((error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
