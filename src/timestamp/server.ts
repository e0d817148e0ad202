/**
 * HTTP front of the built-in TSA (RFC 3161 §3.4 "time-stamp protocol via HTTP"): POST application/timestamp-query
 * to / or /tsa, answer application/timestamp-reply. Optional HTTP Basic authentication, as ETDA's service uses.
 * `createTsaRequestHandler` is framework-neutral so the Fastify app can mount it; `createTsaHttpServer` wraps it
 * in a plain node:http server. Node only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { TimeStampAuthority } from './authority/time-stamp-authority.js';
import { TimestampError } from './errors.js';

export interface TsaHttpOptions {
  /** When both are set, requests must carry matching HTTP Basic credentials (else 401). */
  username?: string;
  password?: string;
  /** Largest request body accepted (default 16 KiB; a request is ~100 bytes). */
  maxBodyBytes?: number;
  /** Paths answered (default ['/', '/tsa']). */
  paths?: readonly string[];
}

export interface TsaHttpReply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type TsaRequestHeaders = Record<string, string | string[] | undefined>;

/** Handles one already-read request body. The caller checks method and path (createTsaHttpServer does). */
export type TsaRequestHandler = (body: Uint8Array, headers: TsaRequestHeaders) => Promise<TsaHttpReply>;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function textReply(status: number, text: string, extra: Record<string, string> = {}): TsaHttpReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...extra }, body: new TextEncoder().encode(text + '\n') };
}

const headerValue = (headers: TsaRequestHeaders, name: string): string | undefined => {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

function checkOptions(options: TsaHttpOptions): void {
  if ((options.username === undefined) !== (options.password === undefined)) throw new TimestampError('invalid_input', 'username and password: give both or neither');
  for (const f of ['username', 'password'] as const) {
    if (options[f] !== undefined && (typeof options[f] !== 'string' || options[f] === '')) throw new TimestampError('invalid_input', `${f}: expected a non-empty string`);
  }
  if (options.maxBodyBytes !== undefined && (!Number.isInteger(options.maxBodyBytes) || options.maxBodyBytes < 64)) {
    throw new TimestampError('invalid_input', 'maxBodyBytes: expected an integer ≥ 64');
  }
}

export function createTsaRequestHandler(authority: TimeStampAuthority, options: TsaHttpOptions = {}): TsaRequestHandler {
  if (!authority || typeof authority.respond !== 'function') throw new TimestampError('invalid_input', 'authority: expected a TimeStampAuthority');
  checkOptions(options);
  // Compare digests of the expected credentials in constant time, so neither length nor content leaks by timing.
  const expected = options.username !== undefined ? sha256(`${options.username}:${options.password}`) : undefined;
  const maxBody = options.maxBodyBytes ?? 16 * 1024;

  return async (body, headers) => {
    if (expected) {
      const auth = headerValue(headers, 'authorization') ?? '';
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
      const given = m ? sha256(Buffer.from(m[1]!, 'base64').toString('utf8')) : Buffer.alloc(32);
      if (!m || !timingSafeEqual(given, expected)) {
        return textReply(401, 'authentication required', { 'www-authenticate': 'Basic realm="ekasarn TSA", charset="UTF-8"' });
      }
    }
    const type = (headerValue(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/timestamp-query') return textReply(415, 'expected Content-Type: application/timestamp-query');
    if (!(body instanceof Uint8Array) || body.length === 0) return textReply(400, 'empty request body: expected a DER TimeStampReq');
    if (body.length > maxBody) return textReply(413, `request body larger than ${maxBody} bytes`);
    // Anything else wrong with the body is answered in the protocol itself: a rejection TimeStampResp.
    const reply = await authority.respond(body);
    return { status: 200, headers: { 'content-type': 'application/timestamp-reply', 'cache-control': 'no-store' }, body: reply };
  };
}

/** A node:http server for the TSA. Call `.listen(port, host)` yourself (tests use port 0 on 127.0.0.1). */
export function createTsaHttpServer(authority: TimeStampAuthority, options: TsaHttpOptions = {}): http.Server {
  const handle = createTsaRequestHandler(authority, options);
  const paths = new Set(options.paths ?? ['/', '/tsa']);
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const send = (res: http.ServerResponse, reply: TsaHttpReply): void => {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
    res.end(reply.body);
  };
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!paths.has(path)) return send(res, textReply(404, 'not found'));
    if (req.method !== 'POST') return send(res, textReply(405, 'use POST', { allow: 'POST' }));
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return send(res, textReply(413, `request body larger than ${maxBody} bytes`));
      const body = Buffer.concat(chunks);
      handle(new Uint8Array(body.buffer, body.byteOffset, body.length), req.headers).then(
        (reply) => send(res, reply),
        () => send(res, textReply(500, 'internal error')),
      );
    });
    req.on('error', () => res.destroy());
  });
}
