// Node-only: publishes the development CA's CRL and answers OCSP over HTTP. The handlers are framework-neutral
// (method, path, body in; status, headers, body out) so the Fastify app can mount them; a plain node:http server
// around them serves development and tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DevCa } from '../../signing/dev-ca/dev-ca.js';
import { loadCaState, takeNextCrlNumber } from './ca-state-file.js';
import { buildCrl } from './build-crl.js';
import { createOcspResponder, errorResponse } from './ocsp-responder.js';

export interface RevocationServiceOptions {
  ca: DevCa;
  /** Directory of dev-ca-state.json (e.g. <data>/keys). */
  stateDir: string;
  /** The CRL is served at /crl/<crlName>.crl. Default "dev-ca". */
  crlName?: string;
  /** nextUpdate − thisUpdate of published CRLs. Default 24 hours. */
  crlValidityMs?: number;
  /** nextUpdate − thisUpdate of OCSP answers. Default 1 hour. */
  ocspValidityMs?: number;
  /** Largest accepted OCSP request body. Default 64 KiB. */
  maxRequestBytes?: number;
  onError?: (error: unknown) => void;
}

export interface RevocationHttpRequest {
  method: string;
  /** URL path relative to where the handlers are mounted, without the query string (e.g. "/ocsp"). */
  path: string;
  contentType?: string;
  body?: Uint8Array;
}

export interface RevocationHttpResult {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface RevocationHandlers {
  crl(name: string): Promise<RevocationHttpResult>;
  ocspPost(body: Uint8Array, contentType: string | undefined): Promise<RevocationHttpResult>;
  ocspGet(encodedRequest: string): Promise<RevocationHttpResult>;
  /** Routes GET /crl/<name>.crl, POST /ocsp, GET /ocsp/<base64> (and their CORS preflights); undefined for any other path. */
  handle(request: RevocationHttpRequest): Promise<RevocationHttpResult | undefined>;
}

const text = (status: number, message: string): RevocationHttpResult => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: new TextEncoder().encode(message + '\n'),
});

/**
 * CRLs and OCSP answers are public, signed data: any web page may fetch them, so the browser verifier can check
 * revocation online. POST /ocsp needs a CORS preflight (its content type is not a "simple" one).
 */
const CORS = { 'access-control-allow-origin': '*' } as const;
const PREFLIGHT: RevocationHttpResult = {
  status: 204,
  headers: { ...CORS, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '86400' },
  body: new Uint8Array(),
};

const CRL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function createRevocationHandlers(options: RevocationServiceOptions): RevocationHandlers {
  if (!options || typeof options !== 'object') throw new TypeError('options: expected { ca, stateDir }');
  const { ca, stateDir } = options;
  if (typeof stateDir !== 'string' || stateDir === '') throw new TypeError('stateDir: expected a directory path');
  const crlName = options.crlName ?? 'dev-ca';
  if (!CRL_NAME.test(crlName)) throw new TypeError(`crlName: expected letters, digits, ".", "_" or "-" (≤ 64), got ${JSON.stringify(crlName)}`);
  const crlValidityMs = options.crlValidityMs ?? 86_400_000;
  if (!Number.isFinite(crlValidityMs) || crlValidityMs < 1000) throw new RangeError('crlValidityMs: expected at least 1000 milliseconds');
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024;
  const responderOptions = { validityMs: options.ocspValidityMs ?? 3_600_000, ...(options.onError ? { onError: options.onError } : {}) };
  const responder = createOcspResponder(ca, () => loadCaState(stateDir), responderOptions);

  // The CRL is rebuilt (with a new CRL number) when the revoked set changed or half its validity has passed, and
  // served from memory otherwise; concurrent requests share one build.
  let cached: { der: Uint8Array; revokedKey: string; refreshAt: number; nextUpdate: number } | undefined;
  let building: Promise<NonNullable<typeof cached>> | undefined;

  async function currentCrl(): Promise<NonNullable<typeof cached>> {
    const state = await loadCaState(stateDir);
    const revokedKey = JSON.stringify(Object.entries(state.revoked).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (cached && cached.revokedKey === revokedKey && Date.now() < cached.refreshAt) return cached;
    if (!building) {
      building = (async () => {
        const crlNumber = await takeNextCrlNumber(stateDir);
        const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000);
        const nextUpdate = new Date(thisUpdate.getTime() + crlValidityMs);
        const der = await buildCrl(ca, state, { thisUpdate, nextUpdate, crlNumber });
        cached = { der, revokedKey, refreshAt: thisUpdate.getTime() + crlValidityMs / 2, nextUpdate: nextUpdate.getTime() };
        return cached;
      })().finally(() => {
        building = undefined;
      });
    }
    return building;
  }

  async function crl(name: string): Promise<RevocationHttpResult> {
    if (name !== crlName) return text(404, `no CRL named ${JSON.stringify(name)}`);
    try {
      const c = await currentCrl();
      const maxAge = Math.max(0, Math.floor((c.nextUpdate - Date.now()) / 1000));
      return { status: 200, headers: { ...CORS, 'content-type': 'application/pkix-crl', 'cache-control': `public, max-age=${maxAge}` }, body: c.der };
    } catch (e) {
      options.onError?.(e);
      return text(500, 'the CRL could not be built');
    }
  }

  async function ocspPost(body: Uint8Array, contentType: string | undefined): Promise<RevocationHttpResult> {
    if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/ocsp-request') {
      return text(415, 'expected Content-Type: application/ocsp-request');
    }
    if (body.length > maxRequestBytes) return text(413, `OCSP request larger than ${maxRequestBytes} bytes`);
    return ocspAnswer(await responder.respond(body), 'no-store');
  }

  async function ocspGet(encoded: string): Promise<RevocationHttpResult> {
    let der: Uint8Array;
    try {
      // RFC 6960 A.1: the URL-encoding of the base64 DER. base64url is accepted too (no "/" to escape).
      const b64 = decodeURIComponent(encoded);
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64) || b64.length > (maxRequestBytes * 4) / 3 + 4) throw new Error('bad base64');
      der = new Uint8Array(Buffer.from(b64, 'base64'));
    } catch {
      return ocspAnswer(errorResponse('malformedRequest'), 'no-store');
    }
    return ocspAnswer(await responder.respond(der), 'public, max-age=60');
  }

  const ocspAnswer = (body: Uint8Array, cacheControl: string): RevocationHttpResult => ({
    // Error statuses are OCSP responses too, sent with HTTP 200 (RFC 6960 A.1).
    status: 200,
    headers: { ...CORS, 'content-type': 'application/ocsp-response', 'cache-control': cacheControl },
    body,
  });

  async function handle(req: RevocationHttpRequest): Promise<RevocationHttpResult | undefined> {
    const path = req.path;
    if (req.method === 'OPTIONS' && (/^\/crl\/[^/]+\.crl$/.test(path) || path === '/ocsp' || path.startsWith('/ocsp/'))) return PREFLIGHT;
    const crlMatch = /^\/crl\/([^/]+)\.crl$/.exec(path);
    if (crlMatch) return req.method === 'GET' || req.method === 'HEAD' ? crl(crlMatch[1]!) : text(405, 'use GET');
    if (path === '/ocsp' || path === '/ocsp/') {
      return req.method === 'POST' ? ocspPost(req.body ?? new Uint8Array(), req.contentType) : text(405, 'use POST, or GET /ocsp/<base64 request>');
    }
    if (path.startsWith('/ocsp/')) return req.method === 'GET' ? ocspGet(path.slice('/ocsp/'.length)) : text(405, 'use GET');
    return undefined;
  }

  return { crl, ocspPost, ocspGet, handle };
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** A node:http server (not yet listening) serving the CRL and OCSP endpoints at the root path. */
export function createRevocationHttpServer(options: RevocationServiceOptions): Server {
  const handlers = createRevocationHandlers(options);
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024;
  const send = (res: ServerResponse, r: RevocationHttpResult, head: boolean): void => {
    res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
    res.end(head ? undefined : r.body);
  };
  return createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const method = req.method ?? 'GET';
      let body: Uint8Array | undefined;
      if (method === 'POST') {
        body = await readBody(req, maxRequestBytes);
        if (!body) return send(res, text(413, `request body larger than ${maxRequestBytes} bytes`), false);
      }
      const request: RevocationHttpRequest = { method, path };
      if (req.headers['content-type']) request.contentType = req.headers['content-type'];
      if (body) request.body = body;
      const result = (await handlers.handle(request)) ?? text(404, 'not found');
      send(res, result, method === 'HEAD');
    })().catch((e) => {
      options.onError?.(e);
      if (!res.headersSent) send(res, text(500, 'internal error'), false);
      else res.destroy();
    });
  });
}
