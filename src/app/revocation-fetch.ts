import { createHash } from 'node:crypto';

/**
 * The fetch used for online revocation checks on the server and in the CLI. Every document of an agency names the
 * same OCSP and CRL addresses, so answers (and failures) are remembered for a while instead of asked per verification;
 * an unreachable address then costs one short timeout, not one per request.
 */
function headerPairs(h: Headers): [string, string][] {
  const out: [string, string][] = [];
  h.forEach((value, name) => out.push([name, value]));
  return out;
}

export function cachingRevocationFetch(opts: { ttlMs?: number; failureTtlMs?: number; timeoutMs?: number } = {}): typeof globalThis.fetch {
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const failureTtl = opts.failureTtlMs ?? 60_000;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const cache = new Map<string, { until: number; ok?: { status: number; headers: [string, string][]; body: Uint8Array }; error?: Error }>();

  const keyOf = (url: string, init?: RequestInit) => {
    const h = createHash('sha256').update(init?.method ?? 'GET').update('\0').update(url);
    if (init?.body instanceof Uint8Array) h.update(init.body);
    else if (typeof init?.body === 'string') h.update(init.body);
    return h.digest('hex');
  };

  const cachedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const key = keyOf(url, init);
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) {
      if (hit.error) throw hit.error;
      return new Response(hit.ok!.body.slice(), { status: hit.ok!.status, headers: hit.ok!.headers });
    }
    if (cache.size > 1000) cache.clear();
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      const body = new Uint8Array(await res.arrayBuffer());
      cache.set(key, { until: Date.now() + (res.ok ? ttl : failureTtl), ok: { status: res.status, headers: headerPairs(res.headers), body } });
      return new Response(body.slice(), { status: res.status, headers: res.headers });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      cache.set(key, { until: Date.now() + failureTtl, error });
      throw error;
    }
  };
  return cachedFetch as typeof globalThis.fetch;
}
