/**
 * Deliveries the way Property Finder makes them in a burst: every event POSTed at once, each
 * counted as acknowledged only when a 2xx answer arrives within the sender's timeout; the
 * ones that were not are sent again (the same event, the same id), round after round, with a
 * doubling pause (2.5 s, 5 s, 10 s, …, at most 30 s), for up to 10 rounds (about 4 minutes of
 * resends: a sender that delivers at least once keeps trying). A request the sender gave up on may still be running
 * in n8n: that is how a resend can start a second execution.
 */
import type { PfEvent } from '../../../tooling/simulators/propertyFinderWebhooks';
import { signPayload } from '../../../tooling/simulators/propertyFinderWebhooks';

export interface Attempt {
	ok: boolean;
	/** HTTP status, or 'timeout' / 'error'. */
	status: number | 'timeout' | 'error';
}

export interface RoundResult {
	sent: number;
	acknowledged: number;
	/** Answers by status within the round ('timeout' for no answer in time). */
	statuses: Record<string, number>;
}

export interface BurstResult {
	deliveries: number;
	firstTryAcknowledged: number;
	rounds: RoundResult[];
	/** Deliveries still not acknowledged after the last round. */
	unacknowledged: number;
	requests: number;
}

export interface BurstOptions {
	/** Signing secret (Property Finder signs with the subscription's secret); none: unsigned. */
	secret?: string;
	/** How long the sender waits for an answer (Property Finder: 5 s). */
	timeoutMs?: number;
	/** Rounds in all, the first included. */
	maxRounds?: number;
	/** Pause before the first resend; it doubles for every further round, up to `maxPauseMs`. */
	pauseMs?: number;
	maxPauseMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(
	url: string,
	event: PfEvent,
	secret: string | undefined,
	timeoutMs: number,
): Promise<Attempt> {
	const raw = JSON.stringify(event);
	const headers: Record<string, string> = {
		'Content-Type': 'application/json',
		'User-Agent': 'PropertyFinder-Webhooks/1.0',
	};
	if (secret) headers['X-Signature'] = signPayload(raw, secret);
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers,
			body: raw,
			signal: AbortSignal.timeout(timeoutMs),
		});
		await response.text();
		return { ok: response.status >= 200 && response.status < 300, status: response.status };
	} catch (error) {
		const name = (error as Error).name;
		return {
			ok: false,
			status: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error',
		};
	}
}

/** Sends every event at once; resends the unacknowledged ones, up to `maxRounds` rounds. */
export async function burst(
	url: string,
	events: PfEvent[],
	options: BurstOptions = {},
): Promise<BurstResult> {
	const timeoutMs = options.timeoutMs ?? 5000;
	const maxRounds = options.maxRounds ?? 10;
	const pauseMs = options.pauseMs ?? 2500;
	const maxPauseMs = options.maxPauseMs ?? 30_000;
	let pending = events.slice();
	const rounds: RoundResult[] = [];
	let requests = 0;
	while (pending.length > 0 && rounds.length < maxRounds) {
		if (rounds.length > 0) await sleep(Math.min(maxPauseMs, pauseMs * 2 ** (rounds.length - 1)));
		const attempts = await Promise.all(
			pending.map((event) => post(url, event, options.secret, timeoutMs)),
		);
		requests += attempts.length;
		const statuses: Record<string, number> = {};
		for (const attempt of attempts)
			statuses[String(attempt.status)] = (statuses[String(attempt.status)] ?? 0) + 1;
		rounds.push({
			sent: pending.length,
			acknowledged: attempts.filter((attempt) => attempt.ok).length,
			statuses,
		});
		pending = pending.filter((_, index) => !attempts[index].ok);
	}
	return {
		deliveries: events.length,
		firstTryAcknowledged: rounds[0]?.acknowledged ?? 0,
		rounds,
		unacknowledged: pending.length,
		requests,
	};
}
