import type { IDataObject, INodeProperties } from 'n8n-workflow';

/**
 * The flat lead every Property Finder node emits when "Simplify" is on: the fields of the
 * PF leads sync guide (name, phone, email, listing reference, agent…) derived from the real
 * API object, whose contact details live in `sender.contacts`.
 */

function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

function orNull<T>(value: T | undefined | null | ''): T | null {
	return value === undefined || value === null || value === '' ? null : value;
}

function contact(contacts: IDataObject[], ...types: string[]): string | null {
	for (const type of types) {
		const found = contacts.find(
			(entry) => String(entry.type ?? '').toLowerCase() === type.toLowerCase() && !!entry.value,
		);
		if (found) return String(found.value);
	}
	return null;
}

export function simplifyLead(lead: IDataObject, event?: { id: string; type: string }): IDataObject {
	const sender = asObject(lead.sender);
	const contacts = (Array.isArray(sender.contacts) ? sender.contacts : []).map(asObject);
	const listing = asObject(lead.listing);
	const call = asObject(lead.call);
	const phone = contact(contacts, 'phone', 'mobile');
	const whatsappContact = contact(contacts, 'whatsappUsername', 'whatsapp');
	const whatsapp = whatsappContact ?? (lead.channel === 'whatsapp' ? phone : null);

	const simple: IDataObject = {
		id: orNull(lead.id as string),
		name: orNull(sender.name as string),
		phone,
		email: contact(contacts, 'email'),
		whatsapp,
		channel: orNull(lead.channel as string),
		status: orNull(lead.status as string),
		entityType: orNull(lead.entityType as string),
		listingId: orNull(listing.id as string),
		listingReference: orNull(listing.reference as string),
		agentPublicProfileId: orNull(asObject(lead.publicProfile).id as number),
		projectId: orNull(asObject(lead.project).id as string),
		developerId: orNull(asObject(lead.developer).id as string),
		callRecordingUrl: orNull(call.recordFile as string),
		callTalkTime: orNull(call.talkTime as number),
		responseLink: orNull(lead.responseLink as string),
		tags: Array.isArray(lead.tags) ? lead.tags : [],
		createdAt: orNull(lead.createdAt as string),
	};
	if (event) {
		simple.eventId = event.id;
		simple.eventType = event.type;
	}
	return simple;
}

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a flat lead (name, phone, email, WhatsApp, listing reference, agent, call recording…) instead of the raw Property Finder object',
};

/** The channels a Property Finder lead can come through (the API has no "chat"). */
export const LEAD_CHANNEL_OPTIONS = [
	{ name: 'Call', value: 'call' },
	{ name: 'Email', value: 'email' },
	{ name: 'WhatsApp', value: 'whatsapp' },
];

/** What a lead can be about; project leads (Primary Plus) never fire lead.created. */
export const LEAD_ENTITY_TYPE_OPTIONS = [
	{ name: 'Agent', value: 'agent' },
	{ name: 'Company', value: 'company' },
	{ name: 'Developer', value: 'developer' },
	{ name: 'Listing', value: 'listing' },
	{ name: 'Project (Primary Plus)', value: 'project' },
];

/** Property Finder's listing categories and offering types, as the API spells them. */
export const LISTING_CATEGORY_OPTIONS = [
	{ name: 'Commercial', value: 'commercial' },
	{ name: 'Residential', value: 'residential' },
];

export const LISTING_OFFERING_OPTIONS = [
	{ name: 'Rent', value: 'rent' },
	{ name: 'Sale', value: 'sale' },
];
