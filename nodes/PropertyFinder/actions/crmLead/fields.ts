import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * Field definitions shared by the PF Expert CRM lead operations. The choice lists
 * are the values the API documents; every dropdown still accepts an expression.
 */

function choices(pairs: Array<[string, string]>): INodePropertyOptions[] {
	return pairs.map(([name, value]) => ({ name, value })).sort((a, b) => a.name.localeCompare(b.name));
}

export const STATUS_OPTIONS = choices([
	['Called No Reply', 'calledNoReply'],
	['Contract Sent', 'contractSent'],
	['Contract Signed', 'contractSigned'],
	['Not Interested', 'notInterested'],
	['Not Ready', 'notReady'],
	['Not Yet Contacted', 'notYetContacted'],
	['Prospect', 'prospect'],
	['Qualified', 'qualified'],
	['Viewings In Progress', 'viewingsInProgress'],
]);
export const STATUSES = STATUS_OPTIONS.map((option) => option.value as string);

export const SOURCE_OPTIONS = choices([
	['Offline', 'offline'],
	['Online', 'online'],
	['Other', 'other'],
	['Portal', 'portal'],
	['Property Finder', 'propertyfinder'],
	['Social Media', 'socialMedia'],
]);
export const SOURCES = SOURCE_OPTIONS.map((option) => option.value as string);

export const CHANNEL_OPTIONS = choices([
	['Bayut', 'bayut'],
	['Call Tracking', 'callTracking'],
	['Dubizzle', 'dubizzle'],
	['Email', 'email'],
	['Email Marketing', 'emailMarketing'],
	['Expo', 'expo'],
	['Facebook', 'facebook'],
	['Google', 'google'],
	['Gulf News', 'gulfNews'],
	['Just Property', 'justProperty'],
	['Just Rentals', 'justRentals'],
	['LinkedIn', 'linkedIn'],
	['Online Marketing', 'onlineMarketing'],
	['Other Offline', 'otherOffline'],
	['Other Online', 'otherOnline'],
	['Other Portal', 'otherPortal'],
	['Other Social Media', 'otherSocialMedia'],
	['Our Website', 'ourWebsite'],
	['Outdoor', 'outdoor'],
	['Phone', 'phone'],
	['Print', 'print'],
	['Referral', 'referral'],
	['SMS', 'sms'],
	['Twitter', 'twitter'],
	['Walk In', 'walkIn'],
]);

export const TITLE_OPTIONS = choices([
	['Miss', 'miss'],
	['Mr', 'mr'],
	['Mrs', 'mrs'],
	['Ms', 'ms'],
]);
export const TITLES = TITLE_OPTIONS.map((option) => option.value as string);

export const FINANCIAL_OPTIONS = choices([
	['Cash', 'cash'],
	['Mortgage', 'mortgage'],
	['Other', 'other'],
]);
export const FINANCIALS = FINANCIAL_OPTIONS.map((option) => option.value as string);

export const QUALITY_OPTIONS = choices([
	['Average', 'average'],
	['Excellent', 'excellent'],
	['Good', 'good'],
	['Hot', 'hot'],
	['Poor', 'poor'],
	['Spam', 'spam'],
]);
export const QUALITIES = QUALITY_OPTIONS.map((option) => option.value as string);

export const MORTGAGE_STATUS_OPTIONS = choices([
	['In Process', 'in-process'],
	['Not Pre-Approved', 'not-pre-approved'],
	['Pre-Approved', 'pre-approved'],
]);
export const MORTGAGE_STATUSES = MORTGAGE_STATUS_OPTIONS.map((option) => option.value as string);

export const CATEGORY_OPTIONS = choices([
	['Commercial', 'commercial'],
	['Residential', 'residential'],
]);
export const CATEGORIES = CATEGORY_OPTIONS.map((option) => option.value as string);

export const OFFERING_TYPE_OPTIONS = choices([
	['Rent', 'rent'],
	['Sale', 'sale'],
]);

export const expandDataOption: INodeProperties = {
	displayName: 'Expand Related Data',
	name: 'expandData',
	type: 'boolean',
	default: false,
	description: 'Whether to return the assigned user, notes and preferences in full instead of by ID (sends X-MyCRM-Expand-Data)',
};

export const leadIdProperty: INodeProperties = {
	displayName: 'Lead ID',
	name: 'leadId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '35436',
	description: 'The numeric ID PF Expert CRM gave the lead',
};

export const leadIdsProperty: INodeProperties = {
	displayName: 'Lead IDs',
	name: 'leadIds',
	type: 'string',
	required: true,
	default: '',
	placeholder: '35436, 35437, 35440',
	description: 'Comma-separated lead IDs, or a list of IDs mapped from the input with an expression',
};

/** The wishlist (`preference`) fields, as a fixed collection: every field shows at once. */
export function preferenceProperty(required: boolean): INodeProperties {
	const numberText = (displayName: string, name: string, placeholder: string, description: string) => ({
		displayName,
		name,
		type: 'string' as const,
		default: '',
		placeholder,
		description,
	});
	return {
		displayName: 'Preference',
		name: 'preference',
		type: 'fixedCollection',
		required,
		placeholder: 'Add Wishlist',
		default: {},
		description: 'What the lead is looking for (the wishlist)',
		typeOptions: { multipleValues: false },
		options: [
			{
				displayName: 'Wishlist',
				name: 'values',
				values: [
					{
						displayName: 'Types',
						name: 'types',
						type: 'string',
						default: '',
						placeholder: '2, 5',
						description: 'Property type IDs, comma-separated (e.g. 2 for apartment)',
					},
					{
						displayName: 'Locations',
						name: 'locations',
						type: 'string',
						default: '',
						placeholder: 'are.2.15, are.3.1200',
						description: 'Location IDs, comma-separated',
					},
					numberText('Min Price', 'fromPrice', '1,200,000', 'Lowest price in AED. Accepts 1200000, 1,200,000 or 1.2M.'),
					numberText('Max Price', 'toPrice', '1,500,000', 'Highest price in AED. Accepts 1500000, 1,500,000 or 1.5M.'),
					{
						displayName: 'Offering Type',
						name: 'offeringType',
						type: 'options',
						options: OFFERING_TYPE_OPTIONS,
						default: 'sale',
					},
					{
						displayName: 'Amenities',
						name: 'amenities',
						type: 'string',
						default: '',
						placeholder: '1, 2',
						description: 'Amenity IDs, comma-separated; leave empty for none',
					},
					numberText('Min Size', 'fromSize', '900', 'Smallest size in sq ft'),
					numberText('Max Size', 'toSize', '1200', 'Largest size in sq ft'),
					numberText('Min Bedrooms', 'fromBedroom', '2', 'Fewest bedrooms (0 for a studio)'),
					numberText('Max Bedrooms', 'toBedroom', '3', 'Most bedrooms'),
					numberText('Min Bathrooms', 'fromBathroom', '2', 'Fewest bathrooms'),
					numberText('Max Bathrooms', 'toBathroom', '3', 'Most bathrooms'),
				],
			},
		],
	};
}

/** The lead fields of create (top level there) and update (all inside "Update Fields"). */
export function mainLeadFields(required: boolean): INodeProperties[] {
	const req = required ? { required: true } : {};
	return [
		{
			displayName: 'Title',
			name: 'title',
			type: 'options',
			options: TITLE_OPTIONS,
			default: 'mr',
			...req,
		},
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			default: '',
			placeholder: 'Johnny',
			...req,
		},
		{
			displayName: 'Last Name',
			name: 'lastName',
			type: 'string',
			default: '',
			placeholder: 'Smith',
			...req,
		},
		{
			displayName: 'Mobile',
			name: 'mobile',
			type: 'string',
			default: '',
			placeholder: '+971501234567',
			description: 'Sent in international format (+9715…) unless "Normalize Phone" is off in Options',
			...req,
		},
		{
			displayName: 'Category',
			name: 'category',
			type: 'options',
			options: CATEGORY_OPTIONS,
			default: 'residential',
			description: 'The property category the lead is searching in',
			...req,
		},
		{
			displayName: 'Country',
			name: 'country',
			type: 'string',
			default: '',
			placeholder: 'AE',
			description: "The lead's country (two-letter code)",
			...req,
		},
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: STATUS_OPTIONS,
			default: 'notYetContacted',
			...req,
		},
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			options: SOURCE_OPTIONS,
			default: 'propertyfinder',
			...req,
		},
		{
			displayName: 'Source Channel',
			name: 'sourceChannel',
			type: 'options',
			options: CHANNEL_OPTIONS,
			default: 'email',
			description:
				'Must belong to the source (e.g. Bayut or Dubizzle for Portal). For source Other, enter your own channel with an expression.',
			...req,
		},
		{
			displayName: 'Financial',
			name: 'financial',
			type: 'options',
			options: FINANCIAL_OPTIONS,
			default: 'cash',
			description: 'How the lead will pay',
			...req,
		},
		preferenceProperty(required),
	];
}

/** The optional fields ("Additional Fields" on create, part of "Update Fields" on update). */
export const optionalLeadFields: INodeProperties[] = [
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		placeholder: 'Dubai Marina',
	},
	{
		displayName: 'Assigned User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: '12',
		description: 'ID of the agent the lead is assigned to (needs the lead.update.other right)',
	},
	{
		displayName: 'City',
		name: 'city',
		type: 'string',
		default: '',
		placeholder: 'Dubai',
	},
	{
		displayName: 'Custom Fields (JSON)',
		name: 'customFields',
		type: 'json',
		default: '{}',
		description: 'Custom lead fields by field ID, e.g. {"1": "2 pets"}',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
	},
	{
		displayName: 'Middle Name',
		name: 'middleName',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Mortgage Status',
		name: 'mortgageStatus',
		type: 'options',
		options: MORTGAGE_STATUS_OPTIONS,
		default: 'pre-approved',
	},
	{
		displayName: 'Notes',
		name: 'notes',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Added to the lead as a note',
	},
	{
		displayName: 'P.O. Box',
		name: 'pobox',
		type: 'string',
		default: '',
		placeholder: '15109',
	},
	{
		displayName: 'Properties',
		name: 'properties',
		type: 'string',
		default: '',
		placeholder: '1, 2, 3',
		description: 'IDs of the properties the lead selected, comma-separated',
	},
	{
		displayName: 'Quality',
		name: 'quality',
		type: 'options',
		options: QUALITY_OPTIONS,
		default: 'average',
	},
];

// ---------------------------------------------------------------------------------------
// Reading the preference collection (the field readers are in nodes/shared/validate.ts).

/** The wishlist values whether the parameter came as a fixed collection or a plain object. */
export function preferenceValues(raw: unknown): IDataObject | undefined {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
	const object = raw as IDataObject;
	const inner = object.values ?? object.wishlist;
	if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner as IDataObject;
	return Object.keys(object).length > 0 ? object : undefined;
}
