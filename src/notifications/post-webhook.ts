import { signWebhook } from './signature.js';

export const WEBHOOK_USER_AGENT = 'ekasarn-webhooks/1';

export interface PostOutcome {
  ok: boolean;
  /** HTTP status, or null when no response arrived (network error, timeout). */
  status: number | null;
  /** What went wrong, for the delivery log; null on success. */
  error: string | null;
}

/** How much of a failing receiver's answer goes into the log: enough to diagnose, not enough to store pages. */
const SNIPPET_BYTES = 200;

async function responseSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Stop reading a large or endless body; frees the connection.
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES);
  return new TextDecoder('utf-8', { fatal: false })
    .decode(bytes)
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
}

function networkError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause;
  if (cause && (cause.code || cause.message)) return `network error: ${[cause.code, cause.message].filter(Boolean).join(' ')}`;
  return `network error: ${e?.message ?? String(err)}`;
}

/**
 * One signed POST of a delivery's payload. Never throws: every outcome, including a timeout (which covers connecting,
 * waiting for the answer and reading its start), is returned for the log. Redirects are not followed — a receiver
 * that moved must update its subscription, and following them would let an endpoint bounce us elsewhere.
 */
export async function postWebhook(input: {
  fetch: typeof globalThis.fetch;
  url: string;
  secret: string;
  deliveryId: number;
  body: string;
  now: Date;
  timeoutMs: number;
}): Promise<PostOutcome> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { ok: false, status: null, error: 'invalid subscription url' };
  }
  // fetch also speaks data: and blob:, which must never be "delivered" to.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, status: null, error: `unsupported url scheme ${url.protocol}` };

  const headers = {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    ...signWebhook({ secret: input.secret, deliveryId: input.deliveryId, body: input.body, now: input.now }),
  };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), input.timeoutMs);
  try {
    const res = await input.fetch(url, { method: 'POST', headers, body: input.body, redirect: 'manual', signal: abort.signal });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, status: res.status, error: null };
    }
    const snippet = await responseSnippet(res).catch(() => '');
    const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : '';
    return { ok: false, status: res.status, error: `HTTP ${res.status}${redirect}${snippet ? `: ${snippet}` : ''}` };
  } catch (err) {
    if (abort.signal.aborted) return { ok: false, status: null, error: `timeout after ${input.timeoutMs} ms` };
    return { ok: false, status: null, error: networkError(err) };
  } finally {
    clearTimeout(timer);
  }
}
