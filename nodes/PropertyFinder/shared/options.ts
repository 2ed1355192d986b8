/**
 * Kept for the Property Finder lead operations, which import the timeout option from here; the
 * one definition (and its reader, `readTimeout`) is in nodes/shared/fields.ts.
 */
export { timeoutOption as requestTimeoutOption } from '../../shared/fields';
