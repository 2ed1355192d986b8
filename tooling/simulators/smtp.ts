/**
 * A tiny SMTP sink on 127.0.0.1 so n8n's Send Email node (nodemailer) succeeds offline:
 * EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, AUTH PLAIN and AUTH LOGIN (any user and
 * password are accepted, and recorded). No TLS: the `smtp` credential needs `secure: false`
 * and `disableStartTls: true` (STARTTLS is not offered anyway). Every accepted message is kept
 * in `messages`, with its envelope, headers and body, for tests to assert on.
 *
 *   const smtp = new SmtpSink();
 *   await smtp.start();                 // smtp.port
 *   ... n8n sends mail ...
 *   smtp.messages[0].subject, .to, .text
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SmtpMessage {
	/** MAIL FROM address (without brackets). */
	from: string;
	/** RCPT TO addresses. */
	to: string[];
	/** The user of AUTH PLAIN/LOGIN, when the client authenticated. */
	authUser?: string;
	/** The message as sent (headers and body, dot-unstuffed, CRLF line ends). */
	raw: string;
	/** Header names lower-cased; repeated headers joined with ", ". */
	headers: Record<string, string>;
	subject: string;
	/** The body after the headers, as sent. */
	body: string;
	/** The body decoded from quoted-printable or base64 (single-part messages). */
	text: string;
	receivedAt: number;
}

export interface SmtpSessionLog {
	/** Commands as received; AUTH payloads are replaced by "***". */
	commands: string[];
	closedAt?: number;
}

/** Unfolds header lines and decodes RFC 2047 "encoded words" (UTF-8, B or Q) in values. */
function parseHeaders(head: string): Record<string, string> {
	const headers: Record<string, string> = {};
	const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
	for (const line of unfolded.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = decodeWords(line.slice(colon + 1).trim());
		headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
	}
	return headers;
}

function decodeWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(
			/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
			(_all, charset: string, encoding: string, text: string) => {
				const enc = /utf-?8/i.test(charset) ? 'utf8' : 'latin1';
				if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString(enc);
				const bytes = text
					.replace(/_/g, ' ')
					.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
						String.fromCharCode(parseInt(hex, 16)),
					);
				return Buffer.from(bytes, 'latin1').toString(enc);
			},
		);
}

/** Decodes a quoted-printable body (what nodemailer uses for non-ASCII text). */
export function decodeQuotedPrintable(text: string): string {
	const bytes = text
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
	return Buffer.from(bytes, 'latin1').toString('utf8');
}

function address(arg: string): string {
	const match = /<([^>]*)>/.exec(arg);
	return (match ? match[1] : arg.split(/\s+/)[0]).trim();
}

type State = 'command' | 'data' | 'authPlain' | 'authLoginUser' | 'authLoginPassword';

export class SmtpSink {
	readonly messages: SmtpMessage[] = [];

	readonly sessions: SmtpSessionLog[] = [];

	/** Reply to AUTH with 535 (to test a wrong password). */
	rejectAuth = false;

	private server?: net.Server;

	private readonly sockets = new Set<net.Socket>();

	constructor(readonly hostname = 'smtp-sink.local') {}

	get port(): number {
		const addr = this.server?.address() as AddressInfo | undefined;
		if (!addr) throw new Error('SMTP sink is not running');
		return addr.port;
	}

	get host(): string {
		return '127.0.0.1';
	}

	/** The credential data n8n's `smtp` credential type needs to reach this sink. */
	credentialData(user = 'sandbox-smtp-user', password = 'sandbox-smtp-password') {
		return {
			host: this.host,
			port: this.port,
			secure: false,
			disableStartTls: true,
			user,
			password,
		};
	}

	async start(port = 0): Promise<number> {
		this.server = net.createServer((socket) => this.session(socket));
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		return this.port;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
		this.server = undefined;
	}

	reset() {
		this.messages.length = 0;
		this.sessions.length = 0;
		this.rejectAuth = false;
	}

	/** Resolves when at least `count` messages have arrived (or rejects after `timeoutMs`). */
	async waitForMessages(count: number, timeoutMs = 10_000): Promise<SmtpMessage[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.messages.length < count) {
			if (Date.now() > deadline) {
				throw new Error(
					`SMTP sink: ${this.messages.length}/${count} messages after ${timeoutMs} ms`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		return this.messages.slice();
	}

	private session(socket: net.Socket) {
		this.sockets.add(socket);
		const log: SmtpSessionLog = { commands: [] };
		this.sessions.push(log);
		let buffer = '';
		let state: State = 'command';
		let from: string | undefined;
		let to: string[] = [];
		let authUser: string | undefined;
		let data: string[] = [];

		const reply = (line: string) => {
			if (!socket.destroyed) socket.write(`${line}\r\n`);
		};
		const resetEnvelope = () => {
			from = undefined;
			to = [];
			data = [];
		};
		const acceptAuth = (user: string | undefined) => {
			if (this.rejectAuth) return reply('535 5.7.8 Authentication credentials invalid');
			authUser = user;
			reply('235 2.7.0 Authentication successful');
		};
		const decodePlain = (payload: string) => {
			// authzid \0 authcid \0 password
			const parts = Buffer.from(payload, 'base64').toString('utf8').split('\0');
			return parts.length >= 3 ? parts[1] : parts[0];
		};

		const command = (line: string) => {
			const [verbRaw, ...rest] = line.split(' ');
			const verb = verbRaw.toUpperCase();
			const arg = rest.join(' ');
			log.commands.push(verb === 'AUTH' ? `AUTH ${rest[0] ?? ''} ***` : line);
			switch (verb) {
				case 'EHLO':
					return reply(
						[
							`250-${this.hostname} greets ${arg || 'client'}`,
							'250-8BITMIME',
							'250-SMTPUTF8',
							'250-SIZE 52428800',
							'250 AUTH PLAIN LOGIN',
						].join('\r\n'),
					);
				case 'HELO':
					return reply(`250 ${this.hostname}`);
				case 'AUTH': {
					const mechanism = (rest[0] ?? '').toUpperCase();
					if (mechanism === 'PLAIN') {
						if (rest[1]) return acceptAuth(decodePlain(rest[1]));
						state = 'authPlain';
						return reply('334 ');
					}
					if (mechanism === 'LOGIN') {
						if (rest[1]) {
							authUser = Buffer.from(rest[1], 'base64').toString('utf8');
							state = 'authLoginPassword';
							return reply(`334 ${Buffer.from('Password:').toString('base64')}`);
						}
						state = 'authLoginUser';
						return reply(`334 ${Buffer.from('Username:').toString('base64')}`);
					}
					return reply('504 5.5.4 Unrecognized authentication type');
				}
				case 'MAIL':
					if (!/^FROM:/i.test(arg)) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
					resetEnvelope();
					from = address(arg.slice(5));
					return reply('250 2.1.0 OK');
				case 'RCPT':
					if (from === undefined) return reply('503 5.5.1 MAIL first');
					if (!/^TO:/i.test(arg)) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
					to.push(address(arg.slice(3)));
					return reply('250 2.1.5 OK');
				case 'DATA':
					if (from === undefined || to.length === 0) return reply('503 5.5.1 RCPT first');
					state = 'data';
					data = [];
					return reply('354 End data with <CR><LF>.<CR><LF>');
				case 'RSET':
					resetEnvelope();
					return reply('250 2.0.0 OK');
				case 'NOOP':
					return reply('250 2.0.0 OK');
				case 'QUIT':
					reply('221 2.0.0 Bye');
					return socket.end();
				case 'STARTTLS':
					return reply('454 4.7.0 TLS not available');
				default:
					return reply('502 5.5.2 Command not implemented');
			}
		};

		const line = (text: string) => {
			switch (state) {
				case 'data': {
					if (text === '.') {
						const raw = data.join('\r\n');
						const split = raw.indexOf('\r\n\r\n');
						const head = split >= 0 ? raw.slice(0, split) : raw;
						const body = split >= 0 ? raw.slice(split + 4) : '';
						const headers = parseHeaders(head);
						const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
						const decoded =
							encoding === 'quoted-printable'
								? decodeQuotedPrintable(body)
								: encoding === 'base64'
									? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
									: body;
						this.messages.push({
							from: from ?? '',
							to,
							authUser,
							raw,
							headers,
							subject: headers.subject ?? '',
							body,
							text: decoded,
							receivedAt: Date.now(),
						});
						state = 'command';
						resetEnvelope();
						return reply(`250 2.0.0 OK: queued as ${this.messages.length}`);
					}
					data.push(text.startsWith('..') ? text.slice(1) : text);
					return;
				}
				case 'authPlain':
					state = 'command';
					return acceptAuth(decodePlain(text));
				case 'authLoginUser':
					authUser = Buffer.from(text, 'base64').toString('utf8');
					state = 'authLoginPassword';
					return reply(`334 ${Buffer.from('Password:').toString('base64')}`);
				case 'authLoginPassword':
					state = 'command';
					return acceptAuth(authUser);
				default:
					return command(text);
			}
		};

		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
				const text = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				line(text);
			}
		});
		socket.on('error', () => socket.destroy());
		socket.on('close', () => {
			log.closedAt = Date.now();
			this.sockets.delete(socket);
		});
		reply(`220 ${this.hostname} ESMTP sink ready`);
	}
}
