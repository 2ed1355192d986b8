import { simplifyLead } from '../../nodes/PropertyFinder/shared/lead';
import {
	PfDateError,
	clampCreatedAtFrom,
	leadQuery,
	listValue,
	pfService,
	toPfDate,
} from '../../nodes/PropertyFinder/transport/enterprise';

const DAY = 24 * 60 * 60 * 1000;

describe('toPfDate', () => {
	test.each([
		['2025-04-30T09:54:18+04:00', 'UTC', '2025-04-30T05:54:18Z'],
		['2025-04-30T09:54:18.123Z', 'UTC', '2025-04-30T09:54:18Z'],
		['2025-04-30T09:54:18', 'Asia/Dubai', '2025-04-30T05:54:18Z'],
		['2025-04-30', 'Asia/Dubai', '2025-04-29T20:00:00Z'],
		['2025-01-15T12:00:00', 'America/New_York', '2025-01-15T17:00:00Z'],
		['2025-07-15T12:00:00', 'America/New_York', '2025-07-15T16:00:00Z'],
		['1746000000', 'UTC', '2025-04-30T08:00:00Z'],
	])('%s in %s → %s', (input, zone, expected) => {
		expect(toPfDate(input, zone)).toBe(expected);
	});

	test('Date objects, epoch ms and Luxon-like objects', () => {
		expect(toPfDate(new Date('2025-04-30T08:00:00Z'))).toBe('2025-04-30T08:00:00Z');
		expect(toPfDate(1746000000000)).toBe('2025-04-30T08:00:00Z');
		expect(toPfDate({ toMillis: () => 1746000000000 })).toBe('2025-04-30T08:00:00Z');
	});

	test.each(['tomorrow', '', null, '2025-13-45T99:00:00Z'])('%p is not a date', (input) => {
		expect(() => toPfDate(input)).toThrow(PfDateError);
	});
});

describe('clampCreatedAtFrom', () => {
	const now = Date.parse('2025-06-01T00:00:00Z');
	test('older than 88 days is moved to 88 days ago', () => {
		expect(clampCreatedAtFrom('2025-01-01T00:00:00Z', now)).toEqual({
			value: new Date(now - 88 * DAY).toISOString().replace('.000Z', 'Z'),
			clamped: true,
		});
	});
	test('inside the window is unchanged', () => {
		expect(clampCreatedAtFrom('2025-05-01T00:00:00Z', now)).toEqual({ value: '2025-05-01T00:00:00Z', clamped: false });
	});
});

describe('leadQuery', () => {
	test('lists as arrays under their own names (sent repeated), scalars as text, dates as UTC Z', () => {
		expect(
			leadQuery({
				channel: ['email'],
				listingReference: 'A-1, A-2',
				publicProfileId: [1001],
				senderPhone: '0501234567',
				senderEmail: 'X@Y.COM',
				search: ' foo ',
				listingCategory: 'commercial',
				createdAtTo: '2025-04-30T09:54:18+04:00',
				status: [],
				tag: '',
			}),
		).toEqual({
			channel: ['email'],
			listingReference: ['A-1', 'A-2'],
			publicProfileId: ['1001'],
			senderPhone: ['+971501234567'],
			senderEmail: ['x@y.com'],
			search: 'foo',
			// An array in the API description too; one value goes out as listingCategory=commercial.
			listingCategory: ['commercial'],
			createdAtTo: '2025-04-30T05:54:18Z',
		});
	});

	test('listValue accepts arrays and comma-separated text', () => {
		expect(listValue(' a, ,b ')).toEqual(['a', 'b']);
		expect(listValue([1, ' 2 '])).toEqual(['1', '2']);
		expect(listValue(undefined)).toEqual([]);
	});
});

describe('pfService error messages', () => {
	test('legacy problem format', () => {
		expect(
			pfService.errorMessage({ type: 'SCHEMA_VALIDATION', title: 'Bad Request', detail: '', errors: [{ detail: 'is required', pointer: '/apiKey' }] }),
		).toBe('Bad Request (/apiKey: is required)');
	});
	test('problem-json-v2 with trace id', () => {
		expect(
			pfService.errorMessage({
				type: 'NOT_FOUND',
				code: 'NOT_FOUND',
				title: 'Not Found',
				detail: 'Lead not found',
				status: 404,
				attributes: { trace_id: 'abc123' },
				errors: [],
			}),
		).toBe('Not Found: Lead not found [trace id abc123]');
	});
	test('no body', () => {
		expect(pfService.errorMessage(undefined)).toBeUndefined();
	});
});

describe('simplifyLead', () => {
	test('the flat shape from a sparse lead, with webhook event fields', () => {
		expect(simplifyLead({ id: 'email_lead_1', channel: 'email', sender: { name: 'A B', contacts: [{ type: 'email', value: 'a@b.co' }] } }, { id: 'evt-1', type: 'lead.created' })).toEqual({
			id: 'email_lead_1',
			name: 'A B',
			phone: null,
			email: 'a@b.co',
			whatsapp: null,
			channel: 'email',
			status: null,
			entityType: null,
			listingId: null,
			listingReference: null,
			agentPublicProfileId: null,
			projectId: null,
			developerId: null,
			callRecordingUrl: null,
			callTalkTime: null,
			responseLink: null,
			tags: [],
			distributionType: null,
			createdAt: null,
			eventId: 'evt-1',
			eventType: 'lead.created',
		});
	});
	test('a delivery payload (no id, no createdAt): the id is entity.id, createdAt the event timestamp', () => {
		const payload = {
			channel: 'call',
			status: 'sent',
			entityType: 'listing',
			publicProfile: { id: 1001 },
			sender: { name: 'A B', contacts: [{ type: 'phone', value: '+971501234567' }] },
		};
		const simple = simplifyLead(payload, {
			id: 'evt-2',
			type: 'lead.assigned',
			timestamp: '2026-01-02T03:04:05Z',
			entity: { id: 'call_lead_7', type: 'lead' },
		});
		expect(simple.id).toBe('call_lead_7');
		expect(simple.createdAt).toBe('2026-01-02T03:04:05Z');
		expect(simple.agentPublicProfileId).toBe(1001);
		expect([simple.eventId, simple.eventType]).toEqual(['evt-2', 'lead.assigned']);
	});
	test('the lead keeps its own createdAt and distributionType when it has them', () => {
		const simple = simplifyLead(
			{ id: 'x', createdAt: '2025-05-05T05:05:05Z', distributionType: 'project_cta' },
			{ id: 'e', type: 'lead.updated', timestamp: '2026-01-01T00:00:00Z', entity: { id: 'x', type: 'lead' } },
		);
		expect([simple.createdAt, simple.distributionType]).toEqual(['2025-05-05T05:05:05Z', 'project_cta']);
	});
	test('a WhatsApp lead without a whatsappUsername contact uses the phone', () => {
		const simple = simplifyLead({ channel: 'whatsapp', sender: { contacts: [{ type: 'phone', value: '+971501234567' }] } });
		expect(simple.whatsapp).toBe('+971501234567');
		expect(simple.phone).toBe('+971501234567');
	});
});
