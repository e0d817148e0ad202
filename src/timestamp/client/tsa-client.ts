/**
 * RFC 3161 client over HTTP(S) (RFC 3161 §3.4): POST application/timestamp-query, expect
 * application/timestamp-reply. Supports HTTP Basic authentication and TLS client certificates (ETDA's TSA offers
 * both). Every failure is a TimestampError with a code; there is no fallback to another TSA or to "no timestamp" —
 * the caller decides. Node only (node:http / node:https: fetch cannot present client certificates without extra
 * packages).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { hexOf } from '../der-values.js';
import { TimestampError } from '../errors.js';
import { IMPRINT_HASHES, type TimestampHash } from '../oids.js';
import { assertPolicyOid, buildTimeStampRequest } from '../request.js';
import { parseTimeStampResponse, type TimeStampResponse, type TstInfo } from '../token.js';

export interface TsaClientOptions {
  /** http:// or https:// URL of the TSA. Credentials go in username/password, not in the URL. */
  url: string;
  username?: string;
  password?: string;
  /** PEM client certificate (and key) for TLS client authentication; https only. */
  clientCertificatePem?: string;
  clientKeyPem?: string;
  /** PEM CA certificate(s) to trust for the TSA's TLS server certificate instead of Node's default roots. */
  caPem?: string;
  /** Whole-exchange deadline (connect, send, receive). Default 10 s. */
  timeoutMs?: number;
  /** Policy OID to ask for; the token must then carry it. */
  policy?: string;
  /** Hash of the imprints passed to timestamp(). Default: inferred from the length (32 → SHA-256, 48, 64). */
  hashAlgorithm?: TimestampHash;
  /** Largest reply accepted. Default 1 MiB (tokens are a few KB). */
  maxResponseBytes?: number;
}

export interface TimestampResult {
  /** DER of the time-stamp token (ContentInfo): what goes into the CMS unsigned attribute or a document timestamp. */
  token: Uint8Array;
  tstInfo: TstInfo;
}

export interface TsaClient {
  readonly url: string;
  timestamp(imprint: Uint8Array): Promise<TimestampResult>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
const REPLY_TYPES = new Set(['application/timestamp-reply', 'application/timestamp-response']);

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TimestampError('invalid_input', `${field}: expected a non-empty string`);
  return value;
}

function hashFor(imprint: Uint8Array, configured: TimestampHash | undefined): TimestampHash {
  if (!(imprint instanceof Uint8Array)) throw new TimestampError('invalid_input', 'imprint: expected the digest as a Uint8Array');
  if (configured) return configured;
  const found = (Object.keys(IMPRINT_HASHES) as TimestampHash[]).find((h) => IMPRINT_HASHES[h].length === imprint.length);
  if (!found) throw new TimestampError('invalid_input', `imprint: expected a SHA-256/384/512 digest (32, 48 or 64 bytes), got ${imprint.length} bytes`);
  return found;
}

export function createTsaClient(options: TsaClientOptions): TsaClient {
  if (!options || typeof options !== 'object') throw new TimestampError('invalid_input', 'options: expected { url, username?, password?, … }');
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TimestampError('invalid_input', `url: expected an absolute http(s) URL, got ${JSON.stringify(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TimestampError('invalid_input', `url: expected http: or https:, got ${url.protocol}`);
  if (url.username || url.password) throw new TimestampError('invalid_input', 'url: must not contain credentials; use the username and password options');
  const username = optionalString(options.username, 'username');
  const password = optionalString(options.password, 'password');
  if ((username === undefined) !== (password === undefined)) throw new TimestampError('invalid_input', 'username and password: give both or neither');
  if (username !== undefined && (username.includes(':') || /[\u0000-\u001f\u007f]/.test(username))) {
    throw new TimestampError('invalid_input', 'username: must not contain ":" or control characters (HTTP Basic, RFC 7617)');
  }
  const cert = optionalString(options.clientCertificatePem, 'clientCertificatePem');
  const key = optionalString(options.clientKeyPem, 'clientKeyPem');
  if ((cert === undefined) !== (key === undefined)) throw new TimestampError('invalid_input', 'clientCertificatePem and clientKeyPem: give both or neither');
  const ca = optionalString(options.caPem, 'caPem');
  if ((cert || ca) && url.protocol !== 'https:') throw new TimestampError('invalid_input', 'clientCertificatePem/caPem need an https: url');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 300_000) throw new TimestampError('invalid_input', `timeoutMs: expected an integer from 1 to 300000, got ${JSON.stringify(options.timeoutMs)}`);
  const maxBytes = options.maxResponseBytes ?? 1 << 20;
  if (!Number.isInteger(maxBytes) || maxBytes < 1024) throw new TimestampError('invalid_input', 'maxResponseBytes: expected an integer ≥ 1024');
  const policy = options.policy === undefined ? undefined : assertPolicyOid(options.policy, 'policy');
  if (options.hashAlgorithm !== undefined && !IMPRINT_HASHES[options.hashAlgorithm]) throw new TimestampError('invalid_input', 'hashAlgorithm: expected SHA-256, SHA-384 or SHA-512');

  const headers: Record<string, string> = { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' };
  // RFC 7617: user-id ":" password, UTF-8, base64.
  if (username !== undefined) headers.authorization = 'Basic ' + Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, ...(cert ? { cert, key } : {}), ...(ca ? { ca } : {}) })
      : new http.Agent({ keepAlive: true });
  const where = `${url.origin}${url.pathname}`;

  function post(body: Uint8Array): Promise<{ status: number; contentType: string; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) abort(new TimestampError('tsa_bad_response', `TSA ${where} sent more than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      });
      const timer = setTimeout(() => abort(new TimestampError('tsa_timeout', `TSA ${where} did not answer within ${timeoutMs} ms`)), timeoutMs);
      // Reject first, then tear the connection down: whatever error the socket emits afterwards is ignored.
      function abort(error: TimestampError): void {
        fail(error);
        req.destroy(error);
      }
      function fail(error: Error & { code?: string }): void {
        clearTimeout(timer);
        if (error instanceof TimestampError) return reject(error);
        const code = error.code ?? '';
        const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_OSSL/.test(code);
        const what = tls ? 'TLS connection failed' : NETWORK_CODES.has(code) ? 'cannot connect' : 'connection failed';
        reject(new TimestampError('tsa_unreachable', `TSA ${where}: ${what} (${code || error.message})`, { cause: error }));
      }
      req.on('error', fail);
      req.end(body);
    });
  }

  async function timestamp(imprint: Uint8Array): Promise<TimestampResult> {
    const hashAlgorithm = hashFor(imprint, options.hashAlgorithm);
    const request = buildTimeStampRequest({ imprint, hashAlgorithm, nonce: true, certReq: true, ...(policy ? { policy } : {}) });
    const reply = await post(request.der);
    if (reply.status !== 200) {
      const hint = reply.status === 401 || reply.status === 403 ? ' (check the TSA username/password or client certificate)' : '';
      throw new TimestampError('tsa_http_error', `TSA ${where} answered HTTP ${reply.status}${hint}`, { httpStatus: reply.status });
    }
    const type = reply.contentType.split(';')[0]!.trim().toLowerCase();
    if (!REPLY_TYPES.has(type)) throw new TimestampError('tsa_bad_response', `TSA ${where} answered with content type "${type || '(none)'}", expected application/timestamp-reply`);
    let response: TimeStampResponse;
    try {
      response = parseTimeStampResponse(new Uint8Array(reply.body.buffer, reply.body.byteOffset, reply.body.length));
    } catch (e) {
      throw new TimestampError('tsa_bad_response', `TSA ${where} sent an unreadable TimeStampResp: ${(e as Error).message}`, { cause: e });
    }
    if (response.status !== 0 && response.status !== 1) {
      const failInfo = response.failInfo ?? [];
      throw new TimestampError(
        'tsa_rejected',
        `TSA ${where} refused the request: ${response.statusName}${failInfo.length ? ` (${failInfo.join(', ')})` : ''}${response.statusText ? `: ${response.statusText}` : ''}`,
        { failInfo },
      );
    }
    if (!response.token || !response.tstInfo) throw new TimestampError('tsa_bad_response', `TSA ${where} granted the request but sent no token`);
    const info = response.tstInfo;
    const mismatch = (what: string): never => {
      throw new TimestampError('tsa_mismatch', `TSA ${where} returned a token that does not answer our request: ${what}`);
    };
    if (info.nonceHex !== hexOf(request.nonce!)) mismatch(`nonce ${info.nonceHex ?? '(absent)'} ≠ sent ${hexOf(request.nonce!)}`);
    if (info.imprint.algorithm !== hashAlgorithm) mismatch(`imprint algorithm ${info.imprint.algorithm} ≠ ${hashAlgorithm}`);
    if (hexOf(info.imprint.digest) !== hexOf(imprint)) mismatch('imprint digest differs from the one sent');
    if (policy && info.policy !== policy) mismatch(`policy ${info.policy} ≠ requested ${policy}`);
    return { token: response.token, tstInfo: info };
  }

  return { url: where, timestamp, close: () => agent.destroy() };
}
