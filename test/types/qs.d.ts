// The query-string serialiser n8n-core uses for `arrayFormat` (a dependency of n8n-core; no
// @types package installed): only what the tests call.
declare module 'qs' {
	export function stringify(value: unknown, options?: { arrayFormat?: 'indices' | 'brackets' | 'repeat' | 'comma' }): string;
}
