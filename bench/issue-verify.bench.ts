/**
 * End-to-end benchmark: issue N documents of each bundled type through the real issueDocument path (SQLite, temporary
 * data dir, demo agency with its RSA-2048 development key), time each stage in a replay loop, then verify N of the
 * issued PDFs with verifyPdf offline and with the registry lookup. Prints tables and the ratio to the targets.
 *
 *   npm run bench                  N = 1000 per type
 *   BENCH_N=100 npm run bench      quick run
 *   BENCH_JSON=out.json npm run bench   also writes the numbers as JSON
 *
 * Single process, single thread: per-document times are also per-core costs. The machine may be shared; CPU time
 * (process.cpuUsage) is printed next to wall time so that contention shows.
 */
import 'reflect-metadata';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEMO_AGENCY_ID } from '../src/app/open-app.js';
import { loadAgencyIdentity } from '../src/app/keys.js';
import { createRenderer } from '../src/render/index.js';
import { PadesSigner } from '../src/signing/index.js';
import { getAgency } from '../src/store/index.js';
import { openDemoInstance } from './lib/demo-instance.js';
import { documentInputs, type DocumentInputs } from './lib/document-inputs.js';
import { emptyStageTimes, issueStaged, STAGES } from './lib/staged-issue.js';
import { fmt, mib, RssSampler, summarize, table, type Summary } from './lib/stats.js';

const TARGET_ISSUE_MS = 15;
const TARGET_VERIFY_PER_S = 1000;
const WARMUP_PER_TYPE = 5;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures');

function benchN(): number {
  const raw = process.env.BENCH_N ?? '1000';
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`BENCH_N must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const row = (label: string, s: Summary, wallMs: number, cpu: number) => [
  label,
  s.n,
  fmt(s.mean),
  fmt(s.p50),
  fmt(s.p95),
  fmt(s.max),
  fmt((s.n / wallMs) * 1000, 1),
  fmt(cpu / s.n),
];

async function main(): Promise<void> {
  const n = benchN();
  const rss = new RssSampler().start(50);
  const startedRss = process.memoryUsage().rss;
  console.log(`ekasarn issue/verify benchmark — N=${n} per type, Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})`);
  console.log(`fixtures: ${existsSync(fixturesDir) ? fixturesDir : '(missing: varying sample.json)'}`);

  const instance = await openDemoInstance();
  const { app } = instance;
  const results: Record<string, unknown> = { n, node: process.version, cpus: cpus().length };
  try {
    const inputs: DocumentInputs[] = [...app.types.values()].map((t) => documentInputs(t, n, fixturesDir));
    for (const i of inputs) console.log(`  ${i.typeId}: ${i.rows.length} rows from ${i.source}${i.rejected ? ` (${i.rejected} fixture rows refused by the validator)` : ''}`);

    // ---- cold start and warm-up (not counted) ----
    let t0 = performance.now();
    for (const i of inputs) await app.issueAsAgency(DEMO_AGENCY_ID, i.typeId, i.rows[0]);
    const coldMs = performance.now() - t0;
    for (const i of inputs) for (let k = 1; k <= WARMUP_PER_TYPE; k++) await app.issueAsAgency(DEMO_AGENCY_ID, i.typeId, i.rows[k % i.rows.length]);

    // ---- 1. issuance through the real service ----
    const issueRows: (string | number)[][] = [];
    const allIssue: number[] = [];
    const toVerify: Uint8Array[] = [];
    let issueWall = 0;
    let issueCpu = 0;
    let pdfBytes = 0;
    const perType = new Map<string, Uint8Array[]>();
    for (const i of inputs) {
      const samples: number[] = [];
      const kept: Uint8Array[] = [];
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      for (const data of i.rows) {
        const t = performance.now();
        const r = await app.issueAsAgency(DEMO_AGENCY_ID, i.typeId, data);
        samples.push(performance.now() - t);
        pdfBytes += r.pdf.length;
        if (kept.length < n) kept.push(r.pdf);
      }
      const wall = performance.now() - wall0;
      const cpu = cpuMs(cpu0);
      issueWall += wall;
      issueCpu += cpu;
      allIssue.push(...samples);
      perType.set(i.typeId, kept);
      issueRows.push(row(i.typeId, summarize(samples), wall, cpu));
      results[`issue:${i.typeId}`] = summarize(samples);
    }
    const issueAll = summarize(allIssue);
    issueRows.push(row('all types', issueAll, issueWall, issueCpu));
    results.issue = { ...issueAll, docsPerSecond: (issueAll.n / issueWall) * 1000, cpuMsPerDoc: issueCpu / issueAll.n, meanPdfBytes: pdfBytes / issueAll.n };
    // N PDFs to verify, taken alternately from each type.
    const lists = [...perType.values()];
    for (let k = 0; toVerify.length < n && k < n; k++) for (const l of lists) if (toVerify.length < n && l[k]) toVerify.push(l[k]!);
    perType.clear();

    console.log(`\n1. Issuance through issueDocument (render → sign → blob → registry, one transaction)`);
    console.log(`   cold: first document of each type incl. compiler start = ${fmt(coldMs, 0)} ms; ${WARMUP_PER_TYPE} warm-up docs/type not counted`);
    console.log(`   mean signed PDF size ${fmt(pdfBytes / issueAll.n / 1024, 1)} KiB\n`);
    console.log(table(['type', 'docs', 'mean ms', 'p50 ms', 'p95 ms', 'max ms', 'docs/s', 'CPU ms/doc'], issueRows));

    // ---- 2. the same work, stage by stage ----
    const identity = await loadAgencyIdentity(app.config, DEMO_AGENCY_ID);
    const agency = await getAgency(app.database.db, DEMO_AGENCY_ID);
    const renderer = createRenderer();
    const deps = {
      db: app.database.db,
      blobs: app.blobs,
      renderer,
      signer: await PadesSigner.create(identity),
      signerName: agency?.nameTh ?? DEMO_AGENCY_ID,
      publicUrl: app.config.publicUrl,
    };
    const times = emptyStageTimes();
    const stagedCheck: Uint8Array[] = [];
    try {
      for (const i of inputs) for (let k = 0; k < WARMUP_PER_TYPE; k++) await issueStaged(deps, app.types.get(i.typeId)!, DEMO_AGENCY_ID, i.rows[k], emptyStageTimes());
      for (const i of inputs) {
        const type = app.types.get(i.typeId)!;
        for (const data of i.rows) {
          const pdf = await issueStaged(deps, type, DEMO_AGENCY_ID, data, times);
          if (stagedCheck.length < 4) stagedCheck.push(pdf);
        }
      }
    } finally {
      renderer.close();
    }
    // The replay must produce what the service produces: documents that verify.
    for (const pdf of stagedCheck) {
      const rep = await app.verify(pdf);
      if (rep.verdict !== 'VALID') throw new Error(`staged replay produced a PDF that does not verify: ${rep.verdict}`);
    }
    const stageSummaries = STAGES.map((s) => [s, summarize(times.get(s)!)] as const);
    const stagedTotal = stageSummaries.reduce((a, [, s]) => a + s.mean, 0);
    const signTotal = stageSummaries.filter(([s]) => s.startsWith('sign')).reduce((a, [, s]) => a + s.mean, 0);
    console.log(`\n2. Time per stage (replay of the same pipeline over the same ${inputs.length}×${n} inputs)\n`);
    console.log(
      table(
        ['stage', 'mean ms', 'p50 ms', 'p95 ms', 'share'],
        [
          ...stageSummaries.map(([s, v]) => [s, fmt(v.mean), fmt(v.p50), fmt(v.p95), `${fmt((v.mean / stagedTotal) * 100, 0)} %`]),
          ['sign (prepare+hash+CMS+embed)', fmt(signTotal), '', '', `${fmt((signTotal / stagedTotal) * 100, 0)} %`],
          ['sum of stages', fmt(stagedTotal), '', '', ''],
        ],
      ),
    );
    results.stages = Object.fromEntries(stageSummaries);

    // ---- 3. verification ----
    const verifyRows: (string | number)[][] = [];
    for (const offline of [true, false]) {
      for (const pdf of toVerify.slice(0, 10)) await app.verify(pdf, { offline }); // warm caches
      const samples: number[] = [];
      let notValid = 0;
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      for (const pdf of toVerify) {
        const t = performance.now();
        const rep = await app.verify(pdf, { offline });
        samples.push(performance.now() - t);
        if (rep.verdict !== 'VALID') notValid++;
      }
      const wall = performance.now() - wall0;
      const cpu = cpuMs(cpu0);
      if (notValid) throw new Error(`${notValid} of ${toVerify.length} issued PDFs did not verify as VALID (${offline ? 'offline' : 'registry'})`);
      const label = offline ? 'verifyPdf offline' : 'verifyPdf + registry';
      const s = summarize(samples);
      verifyRows.push(row(label, s, wall, cpu));
      results[offline ? 'verifyOffline' : 'verifyRegistry'] = { ...s, perSecond: (s.n / wall) * 1000, cpuMsEach: cpu / s.n, perSecondPerCore: s.n / (cpu / 1000) };
    }
    console.log(`\n3. Verification of ${toVerify.length} issued PDFs (all VALID)\n`);
    console.log(table(['mode', 'PDFs', 'mean ms', 'p50 ms', 'p95 ms', 'max ms', 'per s', 'CPU ms each'], verifyRows));

    // ---- targets ----
    const peak = rss.stop();
    results.peakRssBytes = peak;
    const issueMean = issueAll.mean;
    const vOff = results.verifyOffline as { perSecond: number; perSecondPerCore: number };
    const vReg = results.verifyRegistry as { perSecond: number; perSecondPerCore: number };
    console.log(`\n4. Against the targets\n`);
    console.log(
      table(
        ['measure', 'measured', 'target', 'measured / target', 'met'],
        [
          ['issue: mean ms per document', fmt(issueMean), `≤ ${TARGET_ISSUE_MS}`, `${fmt(issueMean / TARGET_ISSUE_MS)}×`, issueMean <= TARGET_ISSUE_MS ? 'yes' : 'NO'],
          ['issue: p95 ms per document', fmt(issueAll.p95), `≤ ${TARGET_ISSUE_MS}`, `${fmt(issueAll.p95 / TARGET_ISSUE_MS)}×`, issueAll.p95 <= TARGET_ISSUE_MS ? 'yes' : 'NO'],
          ['verify offline: per s (1 core, wall)', fmt(vOff.perSecond, 0), `≥ ${TARGET_VERIFY_PER_S}`, `${fmt(vOff.perSecond / TARGET_VERIFY_PER_S)}×`, vOff.perSecond >= TARGET_VERIFY_PER_S ? 'yes' : 'NO'],
          ['verify + registry: per s (1 core, wall)', fmt(vReg.perSecond, 0), `≥ ${TARGET_VERIFY_PER_S}`, `${fmt(vReg.perSecond / TARGET_VERIFY_PER_S)}×`, vReg.perSecond >= TARGET_VERIFY_PER_S ? 'yes' : 'NO'],
          ['verify + registry: per CPU-second', fmt(vReg.perSecondPerCore, 0), `≥ ${TARGET_VERIFY_PER_S}`, `${fmt(vReg.perSecondPerCore / TARGET_VERIFY_PER_S)}×`, vReg.perSecondPerCore >= TARGET_VERIFY_PER_S ? 'yes' : 'NO'],
        ],
      ),
    );
    console.log(`\npeak RSS ${mib(peak)} (at start ${mib(startedRss)}; sampled every 50 ms, ${rss.samples} samples)`);
  } finally {
    rss.stop();
    await instance.destroy();
  }
  const jsonOut = process.env.BENCH_JSON;
  if (jsonOut) writeFileSync(resolve(jsonOut), JSON.stringify(results, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
