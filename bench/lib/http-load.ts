/**
 * Load generators for POST /api/v1/verify over keep-alive HTTP/1.1 connections (Node's http.Agent; undici is not
 * installed here). Latency is measured from the moment a request was *scheduled*, so a server that falls behind shows
 * up in the numbers instead of silently lowering the request rate (no coordinated omission).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface VerifyOutcome {
  /** ms from the scheduled (open loop) or actual (closed loop) send time to the last byte of the answer. */
  ms: number;
  status: number;
  /** The report's verdict, or undefined when the answer was not a report (error, timeout). */
  verdict?: string;
  error?: string;
}

export interface LoadResult {
  outcomes: VerifyOutcome[];
  /** From the first scheduled send to the last answer. */
  wallMs: number;
  /** Open loop: how late, at most, a request left compared with its schedule (the client's own lag). */
  maxSendLagMs: number;
}

const TIMEOUT_MS = 10_000;

/** One POST of `pdf`; resolves (never rejects) with the outcome, timed from `since`. */
export function postPdf(agent: Agent, url: URL, pdf: Buffer, since: number): Promise<VerifyOutcome> {
  return new Promise((done) => {
    const finish = (o: Omit<VerifyOutcome, 'ms'>) => done({ ms: performance.now() - since, ...o });
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/pdf', 'content-length': pdf.length, accept: 'application/json' }, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => finish({ status: res.statusCode ?? 0, error: e.message }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { verdict?: unknown; code?: unknown };
            if (status === 200 && typeof body.verdict === 'string') finish({ status, verdict: body.verdict });
            else finish({ status, error: `HTTP ${status} ${String(body.code ?? '')}`.trim() });
          } catch {
            finish({ status, error: `HTTP ${status}, body is not JSON` });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (e) => finish({ status: 0, error: e.message }));
    req.end(pdf);
  });
}

/**
 * Open loop: request k is due at t0 + k / rate, whether or not earlier ones were answered. The timer wakes at the next
 * due time and sends everything that is due (catching up after a late wake-up, still timing from the due time).
 */
export async function openLoop(agent: Agent, url: URL, pdf: Buffer, ratePerSecond: number, seconds: number): Promise<LoadResult> {
  return openLoopSchedule((_k, due) => postPdf(agent, url, pdf, due), ratePerSecond, seconds);
}

/** The open-loop schedule itself, for any request: `send(k, due)` starts request k, timed from its due time. */
export async function openLoopSchedule<T>(send: (k: number, due: number) => Promise<T>, ratePerSecond: number, seconds: number): Promise<{ outcomes: T[]; wallMs: number; maxSendLagMs: number }> {
  const interval = 1000 / ratePerSecond;
  const total = Math.round(ratePerSecond * seconds);
  const pending: Promise<T>[] = [];
  const t0 = performance.now() + 20;
  let next = 0;
  let maxSendLagMs = 0;
  await new Promise<void>((allSent) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        const due = t0 + next * interval;
        maxSendLagMs = Math.max(maxSendLagMs, now - due);
        pending.push(send(next, due));
        next++;
      }
      if (next >= total) return allSent();
      setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const outcomes = await Promise.all(pending);
  return { outcomes, wallMs: performance.now() - t0, maxSendLagMs };
}

/** Closed loop: `workers` clients each send, wait for the answer, and send again until `seconds` have passed. */
export async function closedLoop(agent: Agent, url: URL, pdf: Buffer, workers: number, seconds: number): Promise<LoadResult> {
  const outcomes: VerifyOutcome[] = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) outcomes.push(await postPdf(agent, url, pdf, performance.now()));
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { outcomes, wallMs: performance.now() - t0, maxSendLagMs: 0 };
}
