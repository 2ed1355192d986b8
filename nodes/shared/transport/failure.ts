/**
 * What one attempt's failure was, dug out of whatever the HTTP layer threw, and the few facts
 * about answer bodies the retry rules and the error messages both read.
 */

/** Facts about one failed attempt. */
export interface AttemptFailure {
	statusCode?: number;
	body?: unknown;
	headers: Record<string, string>;
	code?: string;
	rawMessage: string;
}

export function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
			if (value !== undefined && value !== null) out[key.toLowerCase()] = String(value);
		}
	}
	return out;
}

export function describeAttemptFailure(error: unknown): AttemptFailure {
	const chain: Array<Record<string, unknown>> = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		chain.push(current as Record<string, unknown>);
		current = (current as { cause?: unknown }).cause;
	}
	const failure: AttemptFailure = { headers: {}, rawMessage: '' };
	for (const link of chain) {
		const response = link.response as
			| { status?: number; statusCode?: number; data?: unknown; body?: unknown; headers?: unknown }
			| undefined;
		if (response && failure.statusCode === undefined) {
			failure.statusCode = response.status ?? response.statusCode;
			failure.body = response.data ?? response.body;
			failure.headers = lowerCaseHeaders(response.headers);
		}
		if (!failure.code && typeof link.code === 'string') failure.code = link.code;
		if (!failure.rawMessage && typeof link.message === 'string') failure.rawMessage = link.message;
	}
	if (failure.statusCode === undefined) {
		const httpCode = Number((error as { httpCode?: string }).httpCode);
		if (Number.isInteger(httpCode) && httpCode >= 100) failure.statusCode = httpCode;
	}
	if (!failure.code && /timeout|timed out/i.test(failure.rawMessage)) failure.code = 'ETIMEDOUT';
	if (!failure.code && /socket hang up|ECONNRESET/i.test(failure.rawMessage)) failure.code = 'ECONNRESET';
	return failure;
}

export function looksLikeHtml(body: unknown) {
	return typeof body === 'string' && /^\s*</.test(body);
}

/** Parse a body the HTTP layer left as text; not ok when it is not JSON. */
export function parseJsonText(body: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(body) as unknown };
	} catch {
		return { ok: false };
	}
}
