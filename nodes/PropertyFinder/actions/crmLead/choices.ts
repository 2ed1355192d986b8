import { choices } from '../../../shared/fields';

/**
 * The values PF Expert CRM documents for the lead's choice fields: the dropdowns' options
 * and, next to each, the list its reader accepts. Every dropdown still takes an expression.
 */

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
