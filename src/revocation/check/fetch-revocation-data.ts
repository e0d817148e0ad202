// Fetch a certificate's CRL (from its CDP) and OCSP response (from its AIA) with the platform fetch, in Node or a
// browser. Used to gather DSS data at issuance and for online verification. Browser-safe.
import { buildOcspRequest } from './ocsp-request.js';
import { parseCrl } from './parse-crl.js';
import { parseOcspResponse } from './parse-ocsp.js';
import { revocationUrlsOf } from './revocation-urls.js';

export interface FetchRevocationOptions {
  /** Which data to get. Default both. */
  sources?: ReadonlyArray<'crl' | 'ocsp'>;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Refuse bodies larger than this. Default 10 MiB (CRLs can be large). */
  maxBytes?: number;
  /** Defaults to globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
}

export interface RevocationData {
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
  /** Sources that failed while another succeeded (each says which URL and why). */
  errors: string[];
}

export class RevocationFetchError extends Error {
  constructor(readonly errors: string[]) {
    super(`no revocation data could be fetched: ${errors.join('; ')}`);
    this.name = 'RevocationFetchError';
  }
}

const withUrl = (url: string, e: Error): string => (e.message.startsWith(url) ? e.message : `${url}: ${e.message}`);

async function readBody(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new Error(`${url}: response of ${declared} bytes exceeds ${maxBytes}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > maxBytes) throw new Error(`${url}: response of ${body.length} bytes exceeds ${maxBytes}`);
  return body;
}

async function fetchBytes(doFetch: typeof globalThis.fetch, url: string, init: RequestInit, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await doFetch(url, { ...init, signal: controller.signal, redirect: 'follow' });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`.trim());
    return await readBody(res, maxBytes, url);
  } catch (e) {
    if (controller.signal.aborted) throw new Error(`${url}: no answer within ${timeoutMs} ms`);
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(url) ? msg : `${url}: ${msg}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches the CRL from each CDP URL and an OCSP response from each AIA OCSP URL of `certificate` (POST,
 * application/ocsp-request). Every result is parsed before it is returned (not verified: checkRevocation does
 * that). Throws RevocationFetchError when nothing at all could be obtained; partial failures are in `errors`.
 */
export async function fetchRevocationData(certificate: Uint8Array, issuer: Uint8Array, options: FetchRevocationOptions = {}): Promise<RevocationData> {
  if (!(certificate instanceof Uint8Array)) throw new TypeError('certificate: expected DER bytes (Uint8Array)');
  if (!(issuer instanceof Uint8Array)) throw new TypeError('issuer: expected DER bytes (Uint8Array)');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs: expected a positive number of milliseconds');
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new TypeError('maxBytes: expected a positive number of bytes');
  const sources = options.sources ?? ['crl', 'ocsp'];
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new TypeError('fetch: no fetch function is available in this environment');

  const urls = await revocationUrlsOf(certificate);
  const data: RevocationData = { crls: [], ocspResponses: [], errors: [] };
  const wantCrl = sources.includes('crl');
  const wantOcsp = sources.includes('ocsp');
  if (wantCrl && urls.crlUrls.length === 0 && !(wantOcsp && urls.ocspUrls.length)) data.errors.push('the certificate names no http(s) CRL distribution point');
  if (wantOcsp && urls.ocspUrls.length === 0 && !(wantCrl && urls.crlUrls.length)) data.errors.push('the certificate names no http(s) OCSP responder');

  const tasks: Promise<void>[] = [];
  if (wantCrl) {
    for (const url of urls.crlUrls) {
      tasks.push(
        fetchBytes(doFetch, url, { method: 'GET' }, timeoutMs, maxBytes).then(
          (der) => {
            parseCrl(der);
            data.crls.push(der);
          },
        ).catch((e: Error) => void data.errors.push(`CRL ${withUrl(url, e)}`)),
      );
    }
  }
  if (wantOcsp && urls.ocspUrls.length) {
    const request = await buildOcspRequest(certificate, issuer);
    for (const url of urls.ocspUrls) {
      tasks.push(
        fetchBytes(doFetch, url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body: request as Uint8Array<ArrayBuffer> }, timeoutMs, maxBytes)
          .then((der) => {
            const parsed = parseOcspResponse(der);
            if (parsed.status !== 'successful') throw new Error(`${url}: responder answered "${parsed.status}"`);
            data.ocspResponses.push(der);
          })
          .catch((e: Error) => void data.errors.push(`OCSP ${withUrl(url, e)}`)),
      );
    }
  }
  await Promise.all(tasks);
  if (data.crls.length === 0 && data.ocspResponses.length === 0) throw new RevocationFetchError(data.errors);
  return data;
}
