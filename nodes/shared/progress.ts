import type { IDataObject } from 'n8n-workflow';

import type { Outcome } from './outcome';
import { mayHaveCreated } from './outcome';

/**
 * The account of a run that stopped early (continue-on-fail off): which items were created,
 * which may have been, which failed and which were never sent, so nobody sends a created
 * lead again by re-running the whole input.
 */

/** `0–6, 8, 10–11`: item numbers as ranges. */
export function itemRanges(indices: number[]): string {
	const sorted = [...new Set(indices)].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; i++) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		parts.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
		i = j;
	}
	return parts.join(', ');
}

/** How many created leads the error's description lists one by one (all are in its context). */
const LISTED_IDS = 500;

export interface RunProgress {
	created: Array<{ item: number; leadId: IDataObject[string] }>;
	duplicates: number[];
	failed: number[];
	/** Failed items the API may have acted on. */
	maybeCreated: number[];
	notSent: number[];
}

export function runProgress(itemCount: number, outcomes: Map<number, Outcome>, extraUnknown: number[] = []): RunProgress {
	const progress: RunProgress = { created: [], duplicates: [], failed: [], maybeCreated: [], notSent: [] };
	for (let item = 0; item < itemCount; item++) {
		const outcome = outcomes.get(item);
		if (extraUnknown.includes(item)) progress.maybeCreated.push(item);
		else if (!outcome) progress.notSent.push(item);
		else if ('error' in outcome) {
			if (mayHaveCreated(outcome.error)) {
				progress.maybeCreated.push(item);
			} else progress.failed.push(item);
		} else {
			const json = outcome.json[0] ?? {};
			if (json.outcome === 'duplicate') progress.duplicates.push(item);
			else progress.created.push({ item, leadId: (json.leadId ?? null) as IDataObject[string] });
		}
	}
	return progress;
}

/**
 * The error that stops a run (continue-on-fail off) after some items were already sent: its
 * message says which items were created, so nobody sends them again by re-running the whole
 * input; the description lists their lead ids and what happened to every other item.
 */
export function withProgress<E extends Error>(error: E, progress: RunProgress, failing: number[]): E {
	const { created, duplicates, failed, maybeCreated, notSent } = progress;
	// The error already speaks for its own items.
	const otherMaybe = maybeCreated.filter((item) => !failing.includes(item));
	if (created.length === 0 && otherMaybe.length === 0) return error;
	const items = (list: number[]) => `${list.length === 1 ? 'item' : 'items'} ${itemRanges(list)}`;
	const sentence: string[] = [];
	if (created.length > 0) {
		const were = created.length === 1 ? 'was' : 'were';
		sentence.push(`${items(created.map((entry) => entry.item))} ${were} already created — do not send them again`);
	}
	if (otherMaybe.length > 0) {
		sentence.push(`${items(otherMaybe)} may have been created: check before sending them again`);
	}
	const lines: string[] = [];
	if (created.length > 0) {
		const listed = created
			.slice(0, LISTED_IDS)
			.map((entry) => `item ${entry.item}: ${entry.leadId === null ? 'created (the API returns no id)' : `lead ${String(entry.leadId)}`}`);
		const more = created.length > LISTED_IDS ? `, and ${created.length - LISTED_IDS} more` : '';
		lines.push(`Already created (${created.length}): ${listed.join(', ')}${more}.`);
	}
	if (duplicates.length > 0) lines.push(`Already existed (duplicates): ${items(duplicates)}.`);
	if (maybeCreated.length > 0) lines.push(`Unknown whether created: ${items(maybeCreated)}.`);
	if (failed.length > 0) lines.push(`Failed, not created: ${items(failed)}.`);
	if (notSent.length > 0) lines.push(`Not sent: ${items(notSent)}.`);
	lines.push('To finish, send only the items not created; "Continue On Fail" gives every item its own result.');
	const target = error as E & { description?: string | null; context?: IDataObject };
	target.message = `${error.message} (${sentence.join('; ')})`;
	target.description = [target.description, lines.join(' ')].filter((text) => !!text).join('\n\n');
	if (target.context) {
		target.context.alreadyCreated = created as unknown as IDataObject[];
		target.context.unknownWhetherCreated = maybeCreated;
	}
	return error;
}
