import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { heldCredential } from './credential';
import { apiRequest } from './request';
import type { ApiResponse, RequestContext, ServiceRequest, ServiceSpec } from './types';

/**
 * The one request function every service uses: the service's credential, its base URL (the
 * credential's, or the service's default), the path, then apiRequest. A service file holds
 * only its ServiceSpec and names the function `requestFor(spec)` gives it.
 */

/** Join a credential's base URL and a path without doubling or losing the slash. */
export function joinUrl(baseUrl: unknown, path: string): string {
	const base = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	return `${base}/${path.replace(/^\/+/, '')}`;
}

/** The credential's Base URL (or the service's default), without an ending the paths carry. */
export function baseUrlOf(service: ServiceSpec, credentials: ICredentialDataDecryptedObject): string {
	const base = String(credentials.baseUrl || service.defaultBaseUrl)
		.trim()
		.replace(/\/+$/, '');
	const suffix = service.baseUrlSuffix;
	return suffix && base.endsWith(suffix) ? base.slice(0, -suffix.length) : base;
}

export async function serviceRequest<T = IDataObject>(
	this: RequestContext,
	service: ServiceSpec,
	request: ServiceRequest,
	itemIndex?: number,
): Promise<ApiResponse<T>> {
	const credentials = (await heldCredential(this, service.credentialType)).data;
	const required = service.requiredCredential;
	if (required && String(credentials[required.field] ?? '').trim() === '') {
		throw new NodeOperationError(this.getNode(), required.message, { itemIndex, description: required.fix });
	}
	const url = joinUrl(baseUrlOf(service, credentials), request.path);
	try {
		return (await apiRequest.call(
			this,
			service,
			{ arrayFormat: service.arrayFormat, ...request, url },
			itemIndex,
		)) as ApiResponse<T>;
	} catch (error) {
		// Whatever escapes apiRequest leaves as an n8n error with the item (apiRequest's own are).
		if (!(error instanceof NodeApiError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		const apiError: NodeApiError = error;
		throw apiError;
	}
}

/** A service's request function: `export const infinityRequest = requestFor(infinityService)`. */
export function requestFor(service: ServiceSpec) {
	return async function (
		this: RequestContext,
		request: ServiceRequest,
		itemIndex?: number,
	): Promise<ApiResponse<IDataObject>> {
		return (await serviceRequest.call(this, service, request, itemIndex)) as ApiResponse<IDataObject>;
	};
}
