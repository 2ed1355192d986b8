import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KeyStore } from './claims';
import { claimKeys, nodeKeyStore } from './claims';
import { markOutcomeUnknown } from './outcome';
import { itemRanges } from './progress';
import { leadResult } from './leads';
import { isBlank } from './validate';

/**
 * "Skip Already Sent": the once-only option of every create-lead operation, written once.
 *
 * Each item gets its lead key(s): the "Lead Key" option when set, else the Property Finder
 * lead id when the item is a flat Property Finder lead (an `id` next to `eventId` or `channel`,
 * as the triggers and the Property Finder node emit it), else the operation's contact key (the
 * normalised phone, else the e-mail). The keys live in n8n's processed-items store (scope: this
 * node of this workflow; n8n keeps hashes of them, not the values).
 *
 * - Before anything is sent, every new key is claimed (recorded) at once, which also keeps an
 *   execution starting a moment later from sending the same lead; a key already there skips
 *   its item ("duplicate", `skippedAlreadySent: true`).
 * - A key stays recorded only once the CRM confirmed the item (created or duplicate). A refused
 *   item gives its keys back, and so does every item never sent when the run stops early.
 * - An item whose outcome is unknown (timeout, 5xx, unreadable answer) keeps its keys and is
 *   marked "maybe sent": a later run does not send it again and reports it as "maybe sent"
 *   (an error with `outcomeUnknown`), saying what to look for in the CRM.
 *
 * Two executions handling the same lead at the same moment (two queue-mode workers) are kept
 * from both sending it by how keys are claimed (claims.ts: n8n's store has no lock, so a claim
 * waits a second and checks it still holds its keys); the item of the execution that lost
 * comes out as a duplicate.
 */

export interface OnceOnlySpec<P> {
	/** The service's name in messages, e.g. "Infinity CRM". */
	service: string;
	/** Contact keys in order of preference (`phone:+9715…`, `email:…`); the first one is used. */
	contactKeys(prepared: P): Array<string | undefined | null>;
	/**
	 * Also key a Property Finder lead by its contact, not only its id (a service without a
	 * duplicate check of its own, whose memory was kept by contact before).
	 */
	alwaysContactKey?: boolean;
	/** Extra fields on the result of a skipped item. */
	describeSkipped?(prepared: P): IDataObject;
}

export interface OnceOnlyOptions {
	skipAlreadySent?: boolean;
	historySize?: number;
	leadKey?: unknown;
}

const LABELS: Record<string, { short: string; long: string }> = {
	pf: { short: 'Property Finder lead', long: 'Property Finder lead ID' },
	key: { short: 'Lead Key', long: 'Lead Key' },
	phone: { short: 'phone', long: 'phone number' },
	email: { short: 'email', long: 'e-mail' },
	company: { short: 'company', long: 'company' },
};

function parts(key: string) {
	const [kind, ...rest] = key.split(':');
	return { kind, value: rest.join(':'), label: LABELS[kind] ?? { short: kind, long: kind } };
}

/** The marker kept next to a key whose item may or may not have been stored. */
function maybeKey(key: string): string {
	return `maybe:${key}`;
}

/** The Property Finder lead id of a flat Property Finder lead (see the contract), else undefined. */
export function propertyFinderLeadId(json: IDataObject): string | undefined {
	if (isBlank(json.id) || typeof json.id === 'object') return undefined;
	if (!('eventId' in json) && !('channel' in json)) return undefined;
	return String(json.id).trim();
}

/** The contact keys of a create-lead operation: the normalised phone, then the e-mail. */
export function phoneThenEmail(phone: unknown, email: unknown): Array<string | undefined> {
	const text = (value: unknown) => (isBlank(value) || typeof value === 'object' ? undefined : String(value).trim());
	const mail = text(email)?.toLowerCase();
	return [text(phone) && `phone:${text(phone)}`, mail && `email:${mail}`];
}

export type Settled = 'confirmed' | 'unknown' | 'refused';

/** One run's use of the store. Created only when "Skip Already Sent" is on. */
export class AlreadySent<P> {
	private readonly keys = new Map<number, string[]>();

	private readonly prepared = new Map<number, P>();

	/** Keys this run claimed and nobody has confirmed or given back yet. */
	private readonly pending = new Set<string>();

	/** Keys this run keeps (confirmed, or maybe sent): recorded once more at its end. */
	private readonly kept = new Set<string>();

	private readonly store: KeyStore;

	/** Marks this run's claims (claims.ts). */
	private readonly token: string;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly spec: OnceOnlySpec<P>,
		maxEntries: number,
	) {
		this.store = nodeKeyStore(ctx, maxEntries);
		this.token = `${ctx.getExecutionId() ?? ''}.${Math.random().toString(36).slice(2, 10)}`;
	}

	static open<P>(ctx: IExecuteFunctions, spec: OnceOnlySpec<P> | undefined): AlreadySent<P> | undefined {
		if (!spec) return undefined;
		const options = ctx.getNodeParameter('options', 0, {}) as OnceOnlyOptions;
		if (options.skipAlreadySent !== true) return undefined;
		const size = Number(options.historySize);
		return new AlreadySent(ctx, spec, Number.isFinite(size) && size > 0 ? Math.floor(size) : 10000);
	}

	/** Work out the item's keys (in the prepare phase: a bad Lead Key fails before any request). */
	read(itemIndex: number, prepared: P): string[] {
		const options = this.ctx.getNodeParameter('options', itemIndex, {}) as OnceOnlyOptions;
		const contact = this.spec.contactKeys(prepared).find((key): key is string => !!key);
		let keys: string[];
		if (!isBlank(options.leadKey)) {
			if (typeof options.leadKey === 'object') {
				throw new NodeOperationError(this.ctx.getNode(), 'Lead Key: must be text or a number, not an object or list', {
					itemIndex,
					description: 'Set Lead Key (Options) to one value that identifies the lead, e.g. {{ $json.id }}.',
				});
			}
			keys = [`key:${String(options.leadKey).trim()}`];
		} else {
			const pfId = propertyFinderLeadId(this.ctx.getInputData()[itemIndex]?.json ?? {});
			if (pfId !== undefined) {
				keys = [`pf:${pfId}`];
				if (this.spec.alwaysContactKey && contact) keys.push(contact);
			} else keys = contact ? [contact] : [];
		}
		this.keys.set(itemIndex, keys);
		this.prepared.set(itemIndex, prepared);
		return keys;
	}

	keysOf(itemIndex: number): string[] {
		return this.keys.get(itemIndex) ?? [];
	}

	/**
	 * Claim the keys of `itemIndexes` (the items about to be sent) and say which are not to be
	 * sent: a "duplicate" result for a lead sent before, a "maybe sent" error for one whose
	 * earlier outcome is unknown. Without "Continue On Fail" a maybe-sent item stops the run
	 * here, before any request, with every claim given back.
	 */
	async claim(itemIndexes: number[]): Promise<Map<number, IDataObject | Error>> {
		const skipped = new Map<number, IDataObject | Error>();
		const all = [...new Set(itemIndexes.flatMap((item) => this.keysOf(item)))];
		if (all.length === 0) return skipped;
		const claim = await claimKeys(this.store, all, this.token);
		for (const key of claim.won) this.pending.add(key);
		const maybe = await this.maybeSent([...claim.seen]);
		const maybeItems: number[] = [];
		const unsettledItems: number[] = [];
		for (const itemIndex of itemIndexes) {
			const keys = this.keysOf(itemIndex);
			const maybeKeyOfItem = keys.find((key) => maybe.has(key));
			const seen = keys.find((key) => claim.seen.has(key));
			const lost = keys.find((key) => claim.lost.has(key));
			if (maybeKeyOfItem) {
				maybeItems.push(itemIndex);
				skipped.set(itemIndex, this.maybeSentError(itemIndex, maybeKeyOfItem));
			} else if (seen || lost) {
				const key = (seen ?? lost) as string;
				const { label } = parts(key);
				const prepared = this.prepared.get(itemIndex) as P;
				skipped.set(
					itemIndex,
					leadResult(
						'duplicate',
						{
							message: seen
								? `Already sent to ${this.spec.service} by an earlier execution of this workflow (same ${label.short}); not sent again`
								: `Being sent to ${this.spec.service} by another execution of this workflow running at the same moment (same ${label.short}); not sent here`,
						},
						{ skippedAlreadySent: true, leadKey: key, ...(this.spec.describeSkipped?.(prepared) ?? {}) },
					),
				);
			} else if (keys.some((key) => claim.unsettled.has(key))) {
				unsettledItems.push(itemIndex);
				skipped.set(itemIndex, this.unsettledError(itemIndex));
			}
		}
		if (unsettledItems.length > 0 && !this.ctx.continueOnFail()) {
			await this.releaseUnsent();
			const error = this.unsettledError(unsettledItems[0]);
			error.message = `Not sent (items ${itemRanges(unsettledItems)}): other executions kept overwriting these leads' records in n8n's processed-items store, so they could not be reserved; nothing was sent`;
			throw error;
		}
		if (maybeItems.length > 0 && !this.ctx.continueOnFail()) {
			await this.releaseUnsent();
			const error = this.maybeSentError(maybeItems[0], this.keysOf(maybeItems[0]).find((key) => maybe.has(key)) as string);
			error.message = `Items ${itemRanges(maybeItems)} may already be in ${this.spec.service}: an earlier execution sent them but never learned whether ${this.spec.service} stored them; nothing was sent`;
			throw error;
		}
		return skipped;
	}

	/**
	 * The CRM's answer for these items: confirmed (created or duplicate) keeps their keys;
	 * unknown keeps them and marks them "maybe sent"; refused gives them back.
	 */
	async settle(itemIndexes: number[], outcome: Settled): Promise<void> {
		const keys = [...new Set(itemIndexes.flatMap((item) => this.keysOf(item)))].filter((key) => this.pending.has(key));
		if (keys.length === 0) return;
		if (outcome === 'refused') {
			await this.release(keys);
			return;
		}
		if (outcome === 'unknown') {
			await this.store.record(keys.map(maybeKey));
		}
		for (const key of keys) {
			this.pending.delete(key);
			this.kept.add(key);
			if (outcome === 'unknown') this.kept.add(maybeKey(key));
		}
	}

	/** Give back every claim not settled (the run stopped before sending those items). */
	async releaseUnsent(): Promise<void> {
		await this.release([...this.pending]);
	}

	/**
	 * The end of a run that was not stopped: give back what was never sent, and record what the
	 * run keeps once more (a write of another execution at the same instant can have dropped it
	 * from n8n's store: claims.ts).
	 */
	async finish(): Promise<void> {
		await this.releaseUnsent();
		await this.store.record([...this.kept]);
	}

	private async release(keys: string[]) {
		if (keys.length === 0) return;
		await this.store.remove(keys);
		for (const key of keys) this.pending.delete(key);
	}

	/** Which of `keys` belong to an item whose outcome an earlier execution did not learn. */
	private async maybeSent(keys: string[]): Promise<Set<string>> {
		if (keys.length === 0) return new Set();
		// The store has no "check without recording": check, then give back what this recorded.
		const result = await this.store.record(keys.map(maybeKey));
		if (result.new.length > 0) await this.store.remove(result.new);
		return new Set(result.processed.map((key) => String(key).slice('maybe:'.length)));
	}

	private unsettledError(itemIndex: number) {
		return new NodeOperationError(
			this.ctx.getNode(),
			`Not sent: other executions kept overwriting this lead's record in n8n's processed-items store, so it could not be reserved for this execution`,
			{
				itemIndex,
				description: `Nothing was sent to ${this.spec.service} for this item. Run it again once fewer executions of this workflow run at the same time.`,
			},
		);
	}

	private maybeSentError(itemIndex: number, key: string) {
		const { service } = this.spec;
		const { kind, value, label } = parts(key);
		// What to search the CRM for: the contact when the key is not one.
		const contact = this.spec.contactKeys(this.prepared.get(itemIndex) as P).find((entry): entry is string => !!entry);
		const search = kind === 'pf' || kind === 'key' ? (contact ? parts(contact) : undefined) : { label, value };
		return markOutcomeUnknown(new NodeOperationError(
			this.ctx.getNode(),
			`Maybe sent: an earlier execution sent this lead (${label.long} ${value}) but did not learn whether ${service} stored it; not sent again`,
			{
				itemIndex,
				description: `${search ? `Search ${service} for the ${search.label.long} ${search.value}.` : `Search ${service} for this lead.`} If the lead is there, nothing is missing. If it is not, send this item once with "Skip Already Sent" off.`,
			},
		));
	}
}
