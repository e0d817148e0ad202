/**
 * The genuine documents the fuzzer mutates: issued once by a real ekasarn instance (demo agency, development CA,
 * built-in time-stamping authority) on a temporary SQLite data folder, then kept in memory. A corpus can be saved to
 * a folder and loaded again so a failing (seed, case) replays on exactly the same bytes.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initProject, openApp } from '../../../src/app/open-app.js';
import { loadConfig } from '../../../src/config.js';
import { findSignatureFields, openPdf } from '../../../src/pdf/index.js';
import { decodeCertificatesPem } from '../../../src/signing/index.js';

export interface CorpusDoc {
  name: string;
  bytes: Uint8Array;
  /**
   * The /ByteRange ranges of the document's signatures (not its document timestamps), as [start, end) pairs in field
   * order (two per signature). A file that differs from this document anywhere in them can only be VALID if it keeps
   * another corpus document's ranges.
   */
  signedRanges: [number, number][];
  /**
   * The same for its document timestamps. Separate because a mutation may legitimately unhook a document timestamp
   * (its field loses /V): the file is then a B-LT document with an unused field, and may stay VALID; but a report
   * that shows a verified document timestamp must have these bytes intact.
   */
  timestampRanges: [number, number][];
}

export interface Corpus {
  docs: CorpusDoc[];
  trustRoots: Uint8Array[];
  /** Fixed validation time (just after issuance) so every run judges the same instant. */
  validationTime: Date;
}

/** The /ByteRange pairs of the signatures and of the document timestamps of a genuine document. */
export function signedRangesOf(pdf: Uint8Array): { signatures: [number, number][]; timestamps: [number, number][] } {
  const doc = openPdf(pdf);
  const out = { signatures: [] as [number, number][], timestamps: [] as [number, number][] };
  for (const s of findSignatureFields(doc, { scanAllObjects: true })) {
    const br = s.byteRange;
    if (!br || br.length !== 4) continue;
    const target = s.type === 'DocTimeStamp' || s.subFilter === 'ETSI.RFC3161' ? out.timestamps : out.signatures;
    target.push([br[0]!, br[0]! + br[1]!], [br[2]!, br[2]! + br[3]!]);
  }
  return out;
}

function corpusDoc(name: string, bytes: Uint8Array): CorpusDoc {
  const r = signedRangesOf(bytes);
  return { name, bytes, signedRanges: r.signatures, timestampRanges: r.timestamps };
}

/**
 * Issues the corpus: a B-B training certificate, a B-B factory licence (another type, so splices mix different
 * documents), a B-LTA training certificate (DSS + document timestamp revisions) and the unsigned first revision.
 */
export async function issueCorpus(): Promise<Corpus> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ekasarn-fuzz-'));
  try {
    const config = loadConfig({ EKASARN_DATA: dataDir, EKASARN_PUBLIC_URL: 'https://verify.example.go.th', EKASARN_SIGNATURE_LEVEL: 'B-B' });
    await initProject(config, { demo: true });
    const app = await openApp(config);
    try {
      const sample = (type: string) => app.types.get(type)!.sample;
      const bb = (await app.issueAsAgency('demo', 'training-certificate', sample('training-certificate'))).pdf;
      const licence = (await app.issueAsAgency('demo', 'factory-licence', sample('factory-licence'))).pdf;
      const lta = (await app.issueAsAgency('demo', 'training-certificate', sample('training-certificate'), { level: 'B-LTA' })).pdf;
      const unsigned = bb.slice(0, openPdf(bb).revisions[0]!.end);
      return {
        docs: [corpusDoc('b-b-training', bb), corpusDoc('b-b-licence', licence), corpusDoc('b-lta-training', lta), corpusDoc('unsigned', unsigned)],
        trustRoots: decodeCertificatesPem(app.trustRootsPem()),
        // A minute after issuance: certificates, CRL and OCSP answers are all current then.
        validationTime: new Date(Date.now() + 60_000),
      };
    } finally {
      await app.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface CorpusIndex {
  validationTime: string;
  trustRoots: string[];
  docs: string[];
}

export async function saveCorpus(corpus: Corpus, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const d of corpus.docs) await writeFile(join(dir, `${d.name}.pdf`), d.bytes);
  const index: CorpusIndex = {
    validationTime: corpus.validationTime.toISOString(),
    trustRoots: corpus.trustRoots.map((r) => Buffer.from(r).toString('base64')),
    docs: corpus.docs.map((d) => d.name),
  };
  await writeFile(join(dir, 'corpus.json'), JSON.stringify(index, null, 2));
}

export async function loadCorpus(dir: string): Promise<Corpus> {
  const index = JSON.parse(await readFile(join(dir, 'corpus.json'), 'utf8')) as CorpusIndex;
  const docs: CorpusDoc[] = [];
  for (const name of index.docs) {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`corpus.json: document name "${name}" is not a plain file name`);
    docs.push(corpusDoc(name, new Uint8Array(await readFile(join(dir, `${name}.pdf`)))));
  }
  const validationTime = new Date(index.validationTime);
  if (Number.isNaN(validationTime.getTime())) throw new Error('corpus.json: validationTime is not a date');
  return { docs, trustRoots: index.trustRoots.map((b) => new Uint8Array(Buffer.from(b, 'base64'))), validationTime };
}

/** Loads the corpus from `dir` when it holds one, else issues a fresh one (and saves it there when `dir` is given). */
export async function loadOrIssueCorpus(dir?: string): Promise<Corpus> {
  if (dir && existsSync(join(dir, 'corpus.json'))) return loadCorpus(dir);
  const corpus = await issueCorpus();
  if (dir) await saveCorpus(corpus, dir);
  return corpus;
}
