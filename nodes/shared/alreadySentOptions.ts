import type { INodeProperties } from 'n8n-workflow';

/** The options of "Skip Already Sent" (alreadySent.ts) as every create-lead operation shows them. */

const CONTACT = 'the phone, else the e-mail';

/** `contact`: what identifies a lead that is not a Property Finder lead (default phone, else e-mail). */
export function skipAlreadySentOption(
	service: string,
	{ noDuplicateCheck = false, contact = CONTACT }: { noDuplicateCheck?: boolean; contact?: string } = {},
): INodeProperties {
	return {
		displayName: 'Skip Already Sent',
		name: 'skipAlreadySent',
		type: 'boolean',
		default: false,
		description: `Whether to skip leads this node already sent in an earlier execution (same Lead Key: the Property Finder lead ID for a Property Finder lead, else ${contact}).${noDuplicateCheck ? ` ${service} itself does not detect duplicates.` : ''} Skipped items are not sent. They come out as duplicates. Adds about a second to an execution that sends new leads (the check that no other execution sends them at the same moment).`,
	};
}

export function leadKeyOption(contact = CONTACT): INodeProperties {
	return {
		displayName: 'Lead Key',
		name: 'leadKey',
		type: 'string',
		default: '',
		placeholder: '={{ $json.reference }}',
		description: `With "Skip Already Sent" on: what identifies a lead across executions. Empty: the Property Finder lead ID when the input item is a Property Finder lead, else ${contact}. Set an expression to use something else.`,
	};
}

export const historySizeOption: INodeProperties = {
	displayName: 'Remembered Leads',
	name: 'historySize',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 10000,
	description:
		'With "Skip Already Sent" on: how many sent leads this node remembers. The oldest are forgotten first.',
};

/**
 * The three options of "Skip Already Sent" as every create-lead operation offers them
 * (its options collection sorts them in among the rest).
 */
export function onceOnlyOptions(
	service: string,
	settings: { noDuplicateCheck?: boolean; contact?: string } = {},
): INodeProperties[] {
	return [historySizeOption, leadKeyOption(settings.contact), skipAlreadySentOption(service, settings)];
}
