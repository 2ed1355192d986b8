/**
 * The Property Finder Trigger's versions: version 2 is what the editor adds, and a delivery to
 * it must not need n8n's expression engine (n8n 2.41 `parseRequestBody` evaluates the options of
 * a version-1 webhook node with it on every request; `evaluateDescriptionProperty` does so for a
 * webhook description field that is an expression). Saved version-1 workflows keep working.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PropertyFinderTrigger } from '../../nodes/PropertyFinderTrigger/PropertyFinderTrigger.node';

const description = new PropertyFinderTrigger().description;

function containsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(containsExpression);
	if (value && typeof value === 'object') return Object.values(value).some(containsExpression);
	return false;
}

describe('Property Finder Trigger versions', () => {
	test('version 1 stays (saved workflows), version 2 is the default and the newest', () => {
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
	});

	test('the webhook description has no expression: n8n resolves it without its engine', () => {
		expect(description.webhooks?.length).toBeGreaterThan(0);
		for (const webhook of description.webhooks ?? []) expect(containsExpression(webhook)).toBe(false);
	});

	test('the example workflows use version 2', () => {
		const dir = path.join(__dirname, '..', '..', 'examples');
		const triggers = fs
			.readdirSync(dir)
			.filter((file) => file.endsWith('.json'))
			.flatMap((file) => (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: Array<{ type: string; typeVersion: number }> }).nodes)
			.filter((node) => node.type.endsWith('.propertyFinderTrigger'));
		expect(triggers.length).toBeGreaterThan(0);
		expect(triggers.map((node) => node.typeVersion)).toEqual(triggers.map(() => 2));
	});
});
