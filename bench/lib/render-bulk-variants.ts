/**
 * Variants for bench/render-bulk-experiments.ts. Each one is a complete renderer built on BulkEngine from
 * (a) which official.typ it uses, (b) how per-document data reaches Typst (sys.inputs or mapped files) and where the
 * entry puts `set document(...)`, (c) the cache-eviction policy and (d) fonts / PDF options. The list is a ladder:
 * each step adds one change to the one before, so every gain can be attributed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { createRenderer as createProposedRenderer } from '../../src/render/render-document.js';
import { createRenderer as createSrcRenderer } from '../../src/render/index.js';
import { loadDefaultFonts } from '../../src/render/fonts.js';
import { qrSvg } from '../../src/render/qr-svg.js';
import type { RenderInput } from '../../src/render/render-input.js';
import { BASELINE_ENTRY_SOURCE, baselineOfficial } from './render-bulk-baseline.js';
import { BulkEngine, type BulkTimes, type EvictPolicy } from './render-bulk-engine.js';
import { prepareDocument } from './render-bulk-data.js';

export interface BulkRenderer {
  render(input: RenderInput): Buffer;
  times: BulkTimes;
  resetTimes(): void;
  close(): void;
}

export interface Spec {
  /** When set, the renderer comes from here and the other fields are ignored. */
  factory?: (repoRoot: string) => BulkRenderer;
  /** official.typ text. */
  official: (repoRoot: string) => string;
  /**
   * 'shipped': the pre-proposal entry (data, QR and template path through sys.inputs).
   * 'files': a constant entry per template; data and QR as mapped files; compile without sys.inputs.
   */
  channel: 'shipped' | 'files';
  /** files channel: `set document(...)` after the template instead of before it. */
  metaLast?: boolean;
  evict: EvictPolicy;
  fonts?: 'all' | 'sarabun-2';
  /** false: a-3b without tags (diagnostic; a-3a needs tags). */
  pdfTags?: boolean;
  /** Edit of each type's template source (diagnostics). */
  template?: (source: string) => string;
  /** Diagnostic: replace Thai letters in the data JSON by "a". */
  latinise?: boolean;
}

export interface BulkVariant {
  name: string;
  what: string;
  spec: Spec;
}

export const DATA_PATH = '/__input__/data.json';
export const QR_PATH = '/__input__/qr.svg';
const ATTACHMENT = '/__input__/attachment.json';
const DOCUMENT_SET = '#set document(title: input.pdf.title, author: input.pdf.author, keywords: input.pdf.keywords, date: auto)';

/** Constant entry per template for the files channel: nothing per document in it, nothing from a request. */
export const fileEntry = (templatePath: string, metaLast: boolean) => `// ekasarn renderer entry — generated, constant.
#let input = json("${DATA_PATH}")
${metaLast ? '' : DOCUMENT_SET}
#set text(lang: "th", region: "TH")
#pdf.attach(
  "data.json",
  read("${ATTACHMENT}", encoding: none),
  relationship: "alternative",
  mime-type: "application/json",
  description: input.attachment.description,
)
#include "${templatePath}"
${metaLast ? DOCUMENT_SET : ''}
`;

export function replaceAll(text: string, pairs: [string, string][]): string {
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`bench replacement not found: ${from}`);
    text = text.split(from).join(to);
  }
  return text;
}

/** "shipped" = the renderer before this proposal (src/ has since adopted it): see render-bulk-baseline.ts. */
const shippedOfficial = baselineOfficial;
// Adopted: the proposal now is types/_shared/official.typ (with the page counter kept).
const proposedOfficial = (repoRoot: string) => readFileSync(join(repoRoot, 'types', '_shared', 'official.typ'), 'utf8');

/** The shipped official.typ reading its data from mapped files instead of sys.inputs. */
const shippedViaFiles = (repoRoot: string) =>
  replaceAll(shippedOfficial(repoRoot), [
    ['#let data = json(bytes(sys.inputs.data))', `#let data = json("${DATA_PATH}")`],
    ['bytes(sys.inputs.qr)', `read("${QR_PATH}", encoding: none)`],
  ]);

const SHIPPED_PAGE_TOTAL = '[หน้า #counter(page).display() / #counter(page).final().first()]';
const PROPOSED_FOOTER = `footer: context {
      let doc = json("/__input__/data.json").meta
      page-footer(doc.documentId, doc.verifyUrl)
    },`;
const PROPOSED_QR = `image(
    read("/__input__/qr.svg", encoding: none),
    format: "svg",
    width: 2.7cm,
    alt: "QR code for verifying this document: " + meta.verifyUrl,
  )`;

function fontsFor(which: Spec['fonts']): Buffer[] {
  const { files, blobs } = loadDefaultFonts();
  if (which !== 'sarabun-2') return blobs;
  return files.flatMap((f, i) => (/Sarabun_(400Regular|700Bold)\.ttf$/.test(f) ? [blobs[i]!] : []));
}

export function makeRenderer(spec: Spec, repoRoot: string): BulkRenderer {
  if (spec.factory) return spec.factory(repoRoot);
  const engine = new BulkEngine({ fontBlobs: fontsFor(spec.fonts), evict: spec.evict });
  engine.setFile('/_shared/official.typ', spec.official(repoRoot));
  if (spec.channel === 'shipped') engine.setFile('/main.typ', BASELINE_ENTRY_SOURCE);
  const templates = new Map<string, { path: string; entry: string }>();
  const pdfTags = spec.pdfTags ?? true;
  return {
    times: engine.times,
    resetTimes: () => engine.resetTimes(),
    close: () => engine.close(),
    render(input) {
      let t = templates.get(input.templateKey);
      if (!t) {
        const n = templates.size + 1;
        t = { path: `/templates/t${n}.typ`, entry: `/entry-t${n}.typ` };
        templates.set(input.templateKey, t);
        engine.setFile(t.path, spec.template ? spec.template(input.templateSource) : input.templateSource);
        if (spec.channel === 'files') engine.setFile(t.entry, fileEntry(t.path, spec.metaLast ?? false));
      }
      const doc = prepareDocument(input);
      if (spec.latinise) doc.dataJson = doc.dataJson.replace(/[\u0E00-\u0E7F]/g, 'a');
      const qr = qrSvg(input.meta.verifyUrl);
      engine.setFile(ATTACHMENT, doc.attachment);
      // a-3a requires tags; the untagged diagnostic therefore exports a-3b.
      const pdfOpts = { pdfStandard: pdfTags ? 'a-3a' : 'a-3b', creationTimestamp: doc.creationTimestamp, pdfTags };
      if (spec.channel === 'shipped') {
        return engine.compilePdf('/main.typ', { data: doc.dataJson, qr, template: t.path }, pdfOpts);
      }
      engine.setFile(DATA_PATH, doc.dataJson);
      engine.setFile(QR_PATH, qr);
      return engine.compilePdf(t.entry, undefined, pdfOpts);
    },
  };
}

const EVICT_2: EvictPolicy = { every: 1, age: 2 };
const split = (extra: Partial<Spec> = {}): Spec => ({ official: proposedOfficial, channel: 'files', evict: EVICT_2, ...extra });
const proposed = (extra: Partial<Spec> = {}): Spec => split({ metaLast: true, ...extra });
const THAI = /[\u0E00-\u0E7F]/g;

export const BULK_VARIANTS: BulkVariant[] = [
  {
    name: 'shipped',
    what: 'as shipped today: sys.inputs channel, shipped official.typ, evictCache(2) every document',
    spec: { official: shippedOfficial, channel: 'shipped', evict: EVICT_2 },
  },
  {
    name: 'files',
    what: 'data + QR through mapped files, constant entry per template, no sys.inputs (official.typ as shipped)',
    spec: { official: shippedViaFiles, channel: 'files', evict: EVICT_2 },
  },
  {
    name: 'files-static-footer',
    what: 'files + footer "หน้า 1 / 1" printed without context/counter (official.typ otherwise as shipped)',
    spec: {
      official: (r) => replaceAll(shippedViaFiles(r), [[SHIPPED_PAGE_TOTAL, '[หน้า 1 / 1]'], ['footer: context {', 'footer: {']]),
      channel: 'files',
      evict: EVICT_2,
    },
  },
  {
    name: 'split-doc-footer',
    what: 'files + proposed official.typ, but the footer built from per-document values in `set page` (as today)',
    spec: split({ official: (r) => replaceAll(proposedOfficial(r), [[PROPOSED_FOOTER, 'footer: page-footer(meta.documentId, meta.verifyUrl),']]) }),
  },
  {
    name: 'split',
    what: 'files + proposed official.typ: static parts capture only static data; footer = constant `context` reading the data file',
    spec: split(),
  },
  {
    name: 'split-page-counter',
    what: 'split, but the footer prints counter(page).display() / counter(page).final() (second layout pass)',
    spec: split({ official: (r) => replaceAll(proposedOfficial(r), [['[หน้า 1 / 1]', SHIPPED_PAGE_TOTAL]]) }),
  },
  {
    name: 'proposed',
    what: 'split + `set document(...)` after the template: per-document title/keywords leave the style chain',
    spec: proposed(),
  },
  { name: 'proposed-evict0', what: 'proposed, evictCache(0) every document (nothing kept)', spec: proposed({ evict: { every: 1, age: 0 } }) },
  { name: 'proposed-evict1', what: 'proposed, evictCache(1) every document', spec: proposed({ evict: { every: 1, age: 1 } }) },
  { name: 'proposed-evict10', what: 'proposed, evictCache(10) every document', spec: proposed({ evict: { every: 1, age: 10 } }) },
  { name: 'proposed-evict5x50', what: 'proposed, evictCache(5) every 50 documents', spec: proposed({ evict: { every: 50, age: 5 } }) },
  { name: 'proposed-sarabun2', what: 'proposed, fonts Sarabun Regular + Bold only', spec: proposed({ fonts: 'sarabun-2' }) },
  { name: 'diag-untagged', what: 'diagnostic: proposed as a-3b without tags (a-3a needs tags)', spec: proposed({ pdfTags: false }) },
  {
    name: 'diag-no-qr',
    what: 'diagnostic: proposed with the QR image replaced by an empty box of the same size',
    spec: proposed({ official: (r) => replaceAll(proposedOfficial(r), [[PROPOSED_QR, 'box(width: 2.7cm, height: 2.7cm)']]) }),
  },
  {
    name: 'diag-no-thai',
    what: 'diagnostic: proposed with every Thai letter (templates and data) replaced by "a" — prices Thai segmentation/shaping',
    spec: proposed({ official: (r) => proposedOfficial(r).replace(THAI, 'a'), template: (s) => s.replace(THAI, 'a'), latinise: true }),
  },
  {
    name: 'diag-no-thai-static',
    what: 'diagnostic: proposed with Thai letters replaced by "a" in official.typ and templates only (data stays Thai)',
    spec: proposed({ official: (r) => proposedOfficial(r).replace(THAI, 'a'), template: (s) => s.replace(THAI, 'a') }),
  },
  {
    name: 'diag-no-thai-data',
    what: 'diagnostic: proposed with Thai letters replaced by "a" in the data only (templates stay Thai)',
    spec: proposed({ latinise: true }),
  },
  {
    name: 'proposed-boxed-prefixes',
    what: 'proposed + the fixed Thai words before per-document values (footer, serial, given-on) in boxes, laid out once',
    spec: proposed({
      official: (r) =>
        replaceAll(proposedOfficial(r), [
          ['[รหัสเอกสาร #document-id]', '[#box[รหัสเอกสาร] #document-id]'],
          ['[ตรวจสอบความถูกต้องได้ที่ #verify-url]', '[#box[ตรวจสอบความถูกต้องได้ที่] #verify-url]'],
          ['[เลขที่ #meta.serial]', '[#box[เลขที่] #meta.serial]'],
          ['ให้ไว้ ณ วันที่ #keep(meta.issuedAt.th)', '#box[ให้ไว้ ณ วันที่] #keep(meta.issuedAt.th)'],
        ]),
    }),
  },
  {
    name: 'same-input',
    what: 'shipped renderer, the same document every time (upper bound of caching)',
    spec: { official: shippedOfficial, channel: 'shipped', evict: EVICT_2 },
  },
  {
    name: 'proposed-same-input',
    what: 'proposed renderer, the same document every time',
    spec: proposed(),
  },
];

/**
 * The files in bench/proposals/ exactly as the lead would copy them (src/render/*.ts + types/_shared/official.typ),
 * timed by wrapping the binding's compile/pdf on this one compiler instance.
 */
function proposalSrc(repoRoot: string): BulkRenderer {
  return timedRenderer(() => createProposedRenderer({ sharedDir: join(repoRoot, 'types', '_shared') }));
}

/** Whatever src/render and types/_shared hold right now (after adoption: the same as proposal-src). */
function currentSrc(): BulkRenderer {
  return timedRenderer(() => createSrcRenderer());
}

function timedRenderer(create: () => { render(i: RenderInput): Uint8Array; close(): void }): BulkRenderer {
  const times: BulkTimes = { compile: [], pdf: [], evict: [] };
  const proto = NodeCompiler.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const key of ['compile', 'pdf'] as const) {
    const original = proto[key]!;
    if ((original as { bulkTimed?: boolean }).bulkTimed) continue;
    const timed = function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      try {
        return original.apply(this, a);
      } finally {
        times[key].push(performance.now() - t);
      }
    };
    (timed as { bulkTimed?: boolean }).bulkTimed = true;
    proto[key] = timed;
  }
  const renderer = create();
  return {
    times,
    render: (i) => Buffer.from(renderer.render(i)),
    resetTimes: () => {
      times.compile.length = 0;
      times.pdf.length = 0;
    },
    close: () => renderer.close(),
  };
}

BULK_VARIANTS.push({
  name: 'proposal-src',
  what: 'the proposal as files: bench/proposals/src/render/*.ts + types/_shared/official.typ (= proposed-evict10)',
  spec: { ...proposed({ evict: { every: 1, age: 10 } }), factory: proposalSrc },
});

BULK_VARIANTS.push({
  name: 'current-src',
  what: 'src/render + types/_shared as they are in the working tree now (createRenderer())',
  spec: { ...proposed({ evict: { every: 1, age: 10 } }), factory: () => currentSrc() },
});
