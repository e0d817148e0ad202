/**
 * A workload for `node --cpu-prof`: issues a few documents, then verifies them many times offline and with the
 * registry, so the profile shows where verification time goes.
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/verify-profile.ts
 *   npx tsx bench/cpuprofile-top.ts /tmp/prof/<file>.cpuprofile
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DEMO_AGENCY_ID } from '../src/app/open-app.js';
import { openDemoInstance } from './lib/demo-instance.js';

async function main(): Promise<void> {
  const instance = await openDemoInstance();
  try {
    const { app } = instance;
    const pdfs: Uint8Array[] = [];
    for (const type of app.types.values()) for (let i = 0; i < 10; i++) pdfs.push((await app.issueAsAgency(DEMO_AGENCY_ID, type.definition.id, type.sample)).pdf);
    const rounds = Number(process.env.EXP_ROUNDS ?? 40);
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const pdf of pdfs) await app.verify(pdf, { offline: r % 2 === 0 });
    const ms = performance.now() - t0;
    console.log(`${rounds * pdfs.length} verifications in ${ms.toFixed(0)} ms = ${(ms / (rounds * pdfs.length)).toFixed(2)} ms each`);
  } finally {
    await instance.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
