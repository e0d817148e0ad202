import { createHash } from 'node:crypto';

/**
 * The fetch used for online revocation checks on the server and in the CLI. Every document of an agency names the
 * same OCSP and CRL addresses, so answers (and failures) are remembered for a while instead of asked per verification;
 * an unreachable address then costs one short timeout, not one per request. Concurrent verifications asking the
 * same thing while it is being fetched share that one request (no burst of identical requests when an answer
 * expires under load).
 */
interface Stored {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
}

interface Entry {
  until: number;
  ok?: Stored;
  error?: Error;
}

/** Statuses a Response may not carry a body with (the constructor throws). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function headerPairs(h: Headers): [string, string][] {
  const out: [string, string][] = [];
  h.forEach((value, name) => out.push([name, value]));
  return out;
}

/** The request body as bytes for the cache key; undefined when it cannot be keyed (a stream, form data…). */
function bodyBytes(body: RequestInit['body']): Uint8Array | string | undefined | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/** Rejects as soon as `signal` aborts, without cancelling the shared work behind `p`. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function cachingRevocationFetch(opts: { ttlMs?: number; failureTtlMs?: number; timeoutMs?: number; maxEntries?: number } = {}): typeof globalThis.fetch {
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const failureTtl = opts.failureTtlMs ?? 60_000;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const maxEntries = opts.maxEntries ?? 1000;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Stored>>();

  const keyOf = (method: string, url: string, body: Uint8Array | string | null): string => {
    const h = createHash('sha256').update(method).update('\0').update(url).update('\0');
    if (body !== null) h.update(body);
    return h.digest('hex');
  };

  // A fresh Response per caller: a body can be read only once. Building one from bytes is cheap (tens of µs).
  const respond = (s: Stored): Response =>
    new Response(NULL_BODY_STATUSES.has(s.status) ? null : s.body.slice(), { status: s.status, statusText: s.statusText, headers: s.headers });

  const fetchAndRemember = (key: string, url: string, init: RequestInit | undefined): Promise<Stored> => {
    let p = inFlight.get(key);
    if (p) return p;
    p = (async () => {
      try {
        const { signal: _callerSignal, ...rest } = init ?? {};
        const res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
        const stored: Stored = { status: res.status, statusText: res.statusText, headers: headerPairs(res.headers), body: new Uint8Array(await res.arrayBuffer()) };
        remember(key, { until: Date.now() + (res.ok ? ttl : failureTtl), ok: stored });
        return stored;
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        remember(key, { until: Date.now() + failureTtl, error });
        throw error;
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, p);
    return p;
  };

  const remember = (key: string, entry: Entry): void => {
    if (cache.size >= maxEntries && !cache.has(key)) {
      // Drop expired answers first; if all are fresh, the oldest one.
      const now = Date.now();
      for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    }
    cache.set(key, entry);
  };

  const cachedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) return fetch(input, init); // not used by the revocation code; never cached
    const url = typeof input === 'string' ? input : input.href;
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = bodyBytes(init?.body);
    if (body === undefined) return fetch(url, init);
    const key = keyOf(method, url, body);
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) {
      if (hit.error) throw hit.error;
      return respond(hit.ok!);
    }
    return respond(await untilAborted(fetchAndRemember(key, url, init), init?.signal));
  };
  return cachedFetch as typeof globalThis.fetch;
}
