import type { ICredentialDataDecryptedObject, ICredentialsDecrypted } from 'n8n-workflow';

import { credentialSecretValues, secretPattern } from '../redact';
import type { RequestContext } from './types';

/**
 * The credential a node run uses, read once per run instead of once per request.
 *
 * `this.getCredentials()` reads the credential from n8n's database, decrypts it and resolves
 * its expressions every time it is called; a request used to call it three times (the base
 * URL, n8n's authentication, the secrets to redact). Held per context object (a node run, a
 * poll, a webhook request), in a WeakMap, so it lives exactly as long as n8n's context and is
 * never shared between runs: a credential edited in the UI takes effect at the next run.
 *
 * The same object is given to n8n's `httpRequestWithAuthentication` as `credentialsDecrypted`:
 * n8n still runs the credential's `authenticate` and `preAuthentication` on it, and a token
 * n8n refreshes is merged into it (n8n's `Object.assign`), so later requests of the run use it.
 */
export interface HeldCredential {
	data: ICredentialDataDecryptedObject;
	/** What `httpRequestWithAuthentication` takes as `credentialsDecrypted`. */
	decrypted: ICredentialsDecrypted;
	/** The last secret pattern built from `data` (see secretsOf). */
	secrets?: { key: string; pattern: RegExp | undefined };
}

const held = new WeakMap<object, Map<string, Promise<HeldCredential>>>();

export async function heldCredential(ctx: RequestContext, type: string): Promise<HeldCredential> {
	let byType = held.get(ctx);
	if (!byType) {
		byType = new Map();
		held.set(ctx, byType);
	}
	let entry = byType.get(type);
	if (!entry) {
		entry = (async () => {
			const data = (await ctx.getCredentials(type)) as ICredentialDataDecryptedObject;
			const reference = ctx.getNode().credentials?.[type];
			return {
				data,
				decrypted: { id: reference?.id ?? '', name: reference?.name ?? '', type, data },
			};
		})();
		byType.set(type, entry);
		// A failed read is not kept: the next request asks n8n again (and gets n8n's own error).
		entry.catch(() => byType?.delete(type));
	}
	return await entry;
}

/**
 * The credential's secrets (and `extra`) as one pattern, rebuilt only when a value changed
 * (a refreshed token): building every spelling of every secret costs more than a request's
 * own work.
 */
export function secretsOf(credential: HeldCredential, extra: string[] = []): RegExp | undefined {
	const values = [...credentialSecretValues(credential.data), ...extra];
	const key = values.join('\u0000');
	if (credential.secrets?.key !== key) credential.secrets = { key, pattern: secretPattern(values) };
	return credential.secrets.pattern;
}
