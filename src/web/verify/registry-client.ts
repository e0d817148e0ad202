import type { IssuerDirectory, RegistryStatus, StatusLookup } from '../../verify/index.js';
import type { ProofBundle } from '../../transparency/index.js';

/** GET /api/v1/trust as the page uses it (see the API's trust bundle schema). */
export interface TrustBundleJson {
  registry: string;
  log?: { url: string; verifierKey: string };
  roots: string[];
  issuers: IssuerDirectory & { agencies: { id: string; name: { th: string; en: string }; certificates: string[]; types: string[] }[] };
}

export interface TypeLabels {
  name: { th: string; en: string };
  fields: Record<string, { th: string; en: string; personal?: boolean }>;
}

const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export async function loadTrustBundle(): Promise<{ bundle: TrustBundleJson; roots: Uint8Array[] }> {
  const res = await fetch('/api/v1/trust', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const bundle = (await res.json()) as TrustBundleJson;
  return { bundle, roots: bundle.roots.map(fromBase64) };
}

/**
 * The registry as the engine sees it: only the document id and two digests are sent (in a POST body, so they stay
 * out of URLs and server logs). 404 means "not in this registry"; anything else unexpected is "unreachable".
 */
export const registryLookup: StatusLookup = async (documentId, digests) => {
  const res = await fetch(`/api/v1/documents/${encodeURIComponent(documentId)}/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ pdfSha256: digests.pdfSha256, dataSha256: digests.dataSha256 }),
  });
  if (res.status === 404 || res.status === 400) return { found: false };
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as RegistryStatus;
};

const REVOCATION_CACHE_MS = 5 * 60_000;
const revocationCache = new Map<string, { until: number; status: number; headers: [string, string][]; body: ArrayBuffer }>();

async function cacheKey(url: URL, init: RequestInit | undefined): Promise<string> {
  const body = init?.body;
  if (!body) return `GET ${url.href}`;
  const bytes = body instanceof Uint8Array ? body : body instanceof ArrayBuffer ? new Uint8Array(body) : new TextEncoder().encode(String(body));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return `${init?.method ?? 'POST'} ${url.href} ${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Revocation data missing from a document may be fetched only from this server (its own CA's OCSP/CRL): other
 * addresses are not contacted from the citizen's browser, and would mostly refuse cross-origin requests anyway.
 * Answers are kept for five minutes, so checking several files does not download the CRL each time.
 */
export const sameOriginFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  if (url.origin !== location.origin) throw new Error(`not fetched from the browser: ${url.origin}`);
  const key = await cacheKey(url, init);
  const hit = revocationCache.get(key);
  if (hit && hit.until > Date.now()) return new Response(hit.body.slice(0), { status: hit.status, headers: hit.headers });
  const res = await fetch(url, init);
  if (!res.ok) return res;
  const body = await res.arrayBuffer();
  const headers: [string, string][] = [];
  res.headers.forEach((v, k) => headers.push([k, v]));
  revocationCache.set(key, { until: Date.now() + REVOCATION_CACHE_MS, status: res.status, headers, body });
  return new Response(body.slice(0), { status: res.status, headers });
};

/** Field labels of a document type (Thai/English), or null when this server does not know the type. */
export async function loadTypeLabels(typeId: string): Promise<TypeLabels | null> {
  try {
    const res = await fetch(`/api/v1/types/${encodeURIComponent(typeId)}`, { headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const body = (await res.json()) as { definition: TypeLabels };
    return body.definition;
  } catch {
    return null;
  }
}

/** The document's inclusion proof from the public log (GET /log/proof/:id); null when it is not there. */
export async function logProof(documentId: string): Promise<ProofBundle | null> {
  const res = await fetch(`/log/proof/${encodeURIComponent(documentId)}`, { headers: { accept: 'application/json' } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as ProofBundle;
}

/** A signed status list of this server (the same list for every verifier, so fetching it reveals nothing). */
export async function statusListText(url: string): Promise<string> {
  const u = new URL(url, location.href);
  if (u.origin !== location.origin) throw new Error(`status lists of other sites are not fetched: ${u.origin}`);
  const res = await fetch(u, { headers: { accept: 'application/vc+jwt' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}
