/**
 * Throughput of the built-in authority (in process, and HTTP round trip on loopback) and of token verification.
 * The thresholds are far below the measured figures so a noisy shared machine does not make the suite flaky; the
 * measured numbers are printed for the report.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDevRootCa } from '../../src/signing/index.js';
import { buildTimeStampRequest, parseTimeStampResponse, verifyTimeStampToken } from '../../src/timestamp/index.js';
import { createTimeStampAuthority, issueTsaCertificate } from '../../src/timestamp/authority/index.js';
import { createTsaClient, createTsaHttpServer } from '../../src/timestamp/node.js';
import { listen, type RunningServer } from './tools.js';

const imprint = (i: number): Uint8Array => new Uint8Array(createHash('sha256').update(String(i)).digest());

async function rate(label: string, count: number, run: (i: number) => Promise<unknown>, concurrency = 1): Promise<number> {
  for (let i = 0; i < 20; i++) await run(i); // warm-up
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const perSecond = count / ((performance.now() - t0) / 1000);
  console.log(`${label}: ${perSecond.toFixed(0)}/s (${((1000 * 1) / perSecond).toFixed(3)} ms each, ${count} runs)`);
  return perSecond;
}

describe('time-stamping performance', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it.each([
    ['P-256', 2000, 300],
    ['RSA-2048', 500, 100],
  ] as const)('authority with %s: tokens per second (request parse + TSTInfo + sign + assemble)', async (keyAlgorithm, count, floor) => {
    const ca = await createDevRootCa({ keyAlgorithm });
    const authority = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca, { keyAlgorithm }) });
    const requests = Array.from({ length: 64 }, (_, i) => buildTimeStampRequest({ imprint: imprint(i) }).der);
    const perSecond = await rate(`authority ${keyAlgorithm}`, count, (i) => authority.respond(requests[i % 64]!));
    expect(perSecond).toBeGreaterThan(floor);
    // Spot-check that what was measured is a granted token.
    expect(parseTimeStampResponse(await authority.respond(requests[0]!)).status).toBe(0);
  });

  it('HTTP round trip on loopback (client → node:http server → authority), and verification', async () => {
    const ca = await createDevRootCa();
    const authority = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca) });
    const server = await listen(createTsaHttpServer(authority, { username: 'u', password: 'p' }));
    servers.push(server);
    const client = createTsaClient({ url: server.url, username: 'u', password: 'p' });
    const sequential = await rate('HTTP round trip, sequential', 500, (i) => client.timestamp(imprint(i)));
    const parallel = await rate('HTTP round trip, 8 in flight', 1000, (i) => client.timestamp(imprint(i)), 8);
    expect(sequential).toBeGreaterThan(50);
    expect(parallel).toBeGreaterThan(50);

    const { token } = await client.timestamp(imprint(1));
    client.close();
    const roots = [ca.certificate];
    const verified = await rate('verifyTimeStampToken (P-256, warm caches)', 1000, () => verifyTimeStampToken({ token, imprint: imprint(1), trustRoots: roots }));
    expect(verified).toBeGreaterThan(100);
  });
});
