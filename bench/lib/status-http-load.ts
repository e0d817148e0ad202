/**
 * Load on the two public status endpoints of a served demo: GET /api/v1/documents/:id/status (JSON, one registry
 * read per request, cycling through the issued documents) and GET /status/:agency/:type (the signed status list,
 * cached by the server for 30 s). Closed loops at fixed connection counts give the capacity; an open loop at a
 * fixed rate gives the latency a user sees at that rate. Server CPU comes from /proc of the server process.
 */
import { Agent } from 'node:http';
import { closedLoopGet, openLoopGet, type GetLoadResult } from './http-get-load.js';
import { latency, type Latency } from './latency.js';
import { ProcessMeter } from './proc-usage.js';
import type { SourceServedDemo } from './source-served-demo.js';

export interface StatusLoadRow {
  endpoint: string;
  mode: string;
  requests: number;
  errors: number;
  firstError?: string;
  requestsPerSecond: number;
  latencyMs: Latency;
  serverCpuPercent: number;
  /** Server CPU ms per answered request, and the rate one fully available core would sustain at that cost. */
  serverCpuMsPerRequest: number;
  requestsPerCoreSecond: number;
  clientCpuPercent: number;
  maxSendLagMs: number;
}

/** Fails loudly before any timing if an endpoint does not answer what it should. */
async function checkAnswers(demo: SourceServedDemo): Promise<void> {
  const id = demo.documentIds[0]!;
  const res = await fetch(`${demo.baseUrl}/api/v1/documents/${id}/status`);
  const body = (await res.json()) as { id?: unknown; status?: unknown };
  if (res.status !== 200 || body.id !== id || body.status !== 'active') throw new Error(`GET /api/v1/documents/${id}/status → ${res.status} ${JSON.stringify(body)}`);
  const list = await fetch(`${demo.baseUrl}/status/${demo.agencyId}/${demo.typeId}`);
  const jws = await list.text();
  if (list.status !== 200 || !list.headers.get('content-type')?.startsWith('application/vc+jwt') || jws.split('.').length !== 3) {
    throw new Error(`GET /status/${demo.agencyId}/${demo.typeId} → ${list.status} ${list.headers.get('content-type')}: not a compact JWS`);
  }
}

function row(endpoint: string, mode: string, r: GetLoadResult, serverCpuPercent: number, serverCpuSeconds: number): StatusLoadRow {
  const ok = r.outcomes.filter((o) => !o.error);
  const bad = r.outcomes.find((o) => o.error);
  return {
    endpoint,
    mode,
    requests: r.outcomes.length,
    errors: r.outcomes.length - ok.length,
    ...(bad?.error ? { firstError: bad.error } : {}),
    requestsPerSecond: ok.length / (r.wallMs / 1000),
    latencyMs: latency(r.outcomes.map((o) => o.ms)),
    serverCpuPercent,
    serverCpuMsPerRequest: (serverCpuSeconds * 1000) / Math.max(1, ok.length),
    requestsPerCoreSecond: ok.length / Math.max(1e-9, serverCpuSeconds),
    clientCpuPercent: (r.clientCpuMs / r.wallMs) * 100,
    maxSendLagMs: r.maxSendLagMs,
  };
}

export async function measureStatusEndpoints(
  demo: SourceServedDemo,
  opts: { seconds: number; connections: number[]; openRate: number; onRow?: (r: StatusLoadRow) => void },
): Promise<StatusLoadRow[]> {
  await checkAnswers(demo);
  const base = new URL(demo.baseUrl);
  const ids = demo.documentIds;
  const endpoints: [string, (k: number) => string][] = [
    ['GET /api/v1/documents/:id/status', (k) => `/api/v1/documents/${ids[k % ids.length]}/status`],
    ['GET /status/:agency/:type', () => `/status/${demo.agencyId}/${demo.typeId}`],
  ];
  const rows: StatusLoadRow[] = [];
  for (const [name, pathFor] of endpoints) {
    const maxConnections = Math.max(...opts.connections, 64);
    const agent = new Agent({ keepAlive: true, maxSockets: maxConnections });
    try {
      // Warm-up: JIT on both sides, connections open, the status list built and cached.
      await closedLoopGet(agent, base, pathFor, 16, 1.5);
      const runs: [string, () => Promise<GetLoadResult>][] = [
        ...opts.connections.map((c): [string, () => Promise<GetLoadResult>] => [`closed loop, ${c} connections`, () => closedLoopGet(agent, base, pathFor, c, opts.seconds)]),
        [`open loop, ${opts.openRate} req/s`, () => openLoopGet(agent, base, pathFor, opts.openRate, opts.seconds)],
      ];
      for (const [mode, run] of runs) {
        const meter = new ProcessMeter(demo.pid).start();
        const r = await run();
        const usage = meter.stop();
        const x = row(name, mode, r, usage.cpuPercent, usage.cpuSeconds);
        opts.onRow?.(x);
        rows.push(x);
      }
    } finally {
      agent.destroy();
    }
  }
  return rows;
}
