/**
 * Load generators for GET endpoints over keep-alive HTTP/1.1 (Node's http.Agent). As in http-load.ts, an open loop
 * times each request from its *scheduled* send time, so a server (or client) that falls behind shows in the tail
 * instead of silently lowering the rate. `pathFor(k)` chooses the path of request k (e.g. cycling through documents).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { openLoopSchedule } from './http-load.js';

export interface GetOutcome {
  ms: number;
  status: number;
  bytes: number;
  error?: string;
}

export interface GetLoadResult {
  outcomes: GetOutcome[];
  wallMs: number;
  /** Open loop: the client's own worst lateness in sending (large = the load generator was the bottleneck). */
  maxSendLagMs: number;
  /** CPU ms the load generator (this process) used during the run. */
  clientCpuMs: number;
}

const TIMEOUT_MS = 10_000;

export function getOnce(agent: Agent, base: URL, path: string, since: number): Promise<GetOutcome> {
  return new Promise((done) => {
    let bytes = 0;
    const finish = (status: number, error?: string) => done({ ms: performance.now() - since, status, bytes, ...(error ? { error } : {}) });
    const req = request(new URL(path, base), { method: 'GET', agent, timeout: TIMEOUT_MS }, (res) => {
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('error', (e) => finish(res.statusCode ?? 0, e.message));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        finish(status, status === 200 ? undefined : `HTTP ${status}`);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (e) => finish(0, e.message));
    req.end();
  });
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

export async function closedLoopGet(agent: Agent, base: URL, pathFor: (k: number) => string, connections: number, seconds: number): Promise<GetLoadResult> {
  const outcomes: GetOutcome[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let k = 0;
  const worker = async () => {
    while (performance.now() < end) outcomes.push(await getOnce(agent, base, pathFor(k++), performance.now()));
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { outcomes, wallMs: performance.now() - t0, maxSendLagMs: 0, clientCpuMs: cpuMs(cpu0) };
}

export async function openLoopGet(agent: Agent, base: URL, pathFor: (k: number) => string, ratePerSecond: number, seconds: number): Promise<GetLoadResult> {
  const cpu0 = process.cpuUsage();
  const r = await openLoopSchedule((k, due) => getOnce(agent, base, pathFor(k), due), ratePerSecond, seconds);
  return { ...r, clientCpuMs: cpuMs(cpu0) };
}
