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

/** The envelope of a webhook delivery (`WHBaseEvent`): the lead's id is `entity.id`. */
export interface LeadDelivery {
	id: string;
	type: string;
	timestamp?: unknown;
	entity?: unknown;
}

/**
 * The flat lead of a lead from GET /v1/leads, or — with `delivery` — of a webhook delivery's
 * `payload`, which carries no id, `createdAt`, tags or call: the id is then the event's
 * `entity.id` and `createdAt` the event's `timestamp` (when the payload has none).
 */
export function simplifyLead(lead: IDataObject, delivery?: LeadDelivery): IDataObject {
	const sender = asObject(lead.sender);
	const contacts = (Array.isArray(sender.contacts) ? sender.contacts : []).map(asObject);
	const listing = asObject(lead.listing);
	const call = asObject(lead.call);
	const phone = contact(contacts, 'phone', 'mobile');
	const whatsappContact = contact(contacts, 'whatsappUsername', 'whatsapp');
	const whatsapp = whatsappContact ?? (lead.channel === 'whatsapp' ? phone : null);

	const entityId = asObject(delivery?.entity).id;
	const simple: IDataObject = {
		id: orNull((entityId === undefined || entityId === null || entityId === '' ? lead.id : String(entityId)) as string),
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
		distributionType: orNull(lead.distributionType as string),
		createdAt: orNull((lead.createdAt ?? (typeof delivery?.timestamp === 'string' ? delivery.timestamp : undefined)) as string),
	};
	if (delivery) {
		simple.eventId = delivery.id;
		simple.eventType = delivery.type;
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
