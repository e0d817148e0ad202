/**
 * Renderer experiments: each variant changes one thing (fonts, PDF standard, tags, QR, footer, how data reaches
 * Typst, cache eviction, the text itself) and is measured on the same fixture rows as the baseline.
 */
import { join } from 'node:path';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import type { LoadedType } from '../../src/doctypes/load-types.js';
import { loadDefaultFonts } from '../../src/render/fonts.js';
import { createRenderer, type RenderInput, type Renderer, type RendererOptions } from '../../src/render/index.js';
import { sharedDirVariant } from './shared-dir-variant.js';
import { typstOverrides } from './typst-timing.js';

export interface Variant {
  name: string;
  what: string;
  make(ctx: { repoRoot: string }): Renderer;
  /** Changes the inputs (e.g. Latin text instead of Thai); default none. */
  mapInput?: (input: RenderInput, index: number, all: RenderInput[]) => RenderInput;
  /** Installs binding overrides before the run. */
  setup?: () => void;
}

const sharedDir = (repoRoot: string) => join(repoRoot, 'types', '_shared');

const withShared = (repoRoot: string, replacements: [string, string][], opts: RendererOptions = {}) =>
  createRenderer({ ...opts, sharedDir: sharedDirVariant(sharedDir(repoRoot), replacements) });

const sarabun = (styles: string[]) => {
  const { files, blobs } = loadDefaultFonts();
  return files.flatMap((f, i) => (styles.some((s) => f.endsWith(`Sarabun_${s}.ttf`)) ? [blobs[i]!] : []));
};

/** A placeholder the same size as the QR image, so layout is unchanged and only the SVG work disappears. */
const QR_IMAGE = `image(
    bytes(sys.inputs.qr),
    format: "svg",
    width: 2.7cm,
    alt: "QR code for verifying this document: " + meta.verifyUrl,
  )`;
const PAGE_TOTAL = '[หน้า #counter(page).display() / #counter(page).final().first()]';

/**
 * Data through mapped files instead of `sys.inputs`: the compile call passes no inputs, so Typst's standard library
 * (which carries sys.inputs) stays identical between documents and its memoized work can be reused. This wraps the
 * binding's compile: it maps data and QR to files and swaps the entry for one that reads them.
 */
const FILE_ENTRY = (template: string) => `#let input = json("/__input__/data.json")
#set document(title: input.pdf.title, author: input.pdf.author, keywords: input.pdf.keywords, date: auto)
#set text(lang: "th", region: "TH")
#pdf.attach("data.json", read("/__input__/attachment.json", encoding: none), relationship: "alternative",
  mime-type: "application/json", description: input.attachment.description)
#include "${template}"
`;

function fileInputsCompile(original: (this: NodeCompiler, opts: { mainFilePath?: string; inputs?: Record<string, string> }) => unknown) {
  return function (this: NodeCompiler, opts: { mainFilePath?: string; inputs?: Record<string, string> }) {
    const inputs = opts.inputs;
    if (!inputs || !opts.mainFilePath) return original.call(this, opts);
    const root = opts.mainFilePath.replace(/\/main\.typ$/, '');
    const template = inputs.template!;
    const entry = `${root}/__entry__${template.replace(/[^A-Za-z0-9]/g, '_')}.typ`;
    const entries = ((this as unknown as { __entries?: Set<string> }).__entries ??= new Set());
    if (!entries.has(entry)) {
      this.mapShadow(entry, Buffer.from(FILE_ENTRY(template)));
      entries.add(entry);
    }
    this.mapShadow(`${root}/__input__/data.json`, Buffer.from(inputs.data!));
    this.mapShadow(`${root}/__input__/qr.svg`, Buffer.from(inputs.qr!));
    return original.call(this, { mainFilePath: entry });
  };
}

/** Latin letters in place of Thai in the variable fields (same lengths), to price Thai shaping and line breaking. */
function latinise(input: RenderInput): RenderInput {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.fields)) {
    fields[k] = typeof v === 'string' && /[\u0E00-\u0E7F]/.test(v) ? v.replace(/[\u0E00-\u0E7F]/g, 'a') : v;
  }
  return { ...input, fields };
}

export const VARIANTS: Variant[] = [
  { name: 'baseline', what: 'as shipped: a-3a, Sarabun ×4 + Laksaman ×4, data via sys.inputs', make: () => createRenderer() },
  { name: 'fonts-sarabun-4', what: 'Sarabun ×4 only (no Laksaman)', make: () => createRenderer({ fontBlobs: sarabun(['400Regular', '700Bold', '400Regular_Italic', '700Bold_Italic']) }) },
  { name: 'fonts-sarabun-2', what: 'Sarabun Regular + Bold only', make: () => createRenderer({ fontBlobs: sarabun(['400Regular', '700Bold']) }) },
  { name: 'pdf-a-3b', what: "pdfStandard 'a-3b' (tags still on by default)", make: () => createRenderer({ pdfStandard: 'a-3b' }) },
  {
    name: 'pdf-a-3b-untagged',
    what: "pdfStandard 'a-3b' with pdfTags: false",
    make: () => createRenderer({ pdfStandard: 'a-3b' }),
    setup: () => (typstOverrides.pdfOptions = { pdfTags: false }),
  },
  { name: 'no-qr', what: 'QR SVG replaced by an empty box of the same size', make: ({ repoRoot }) => withShared(repoRoot, [[QR_IMAGE, 'box(width: 2.7cm, height: 2.7cm)']]) },
  { name: 'no-page-total', what: 'footer without counter(page).final() (“หน้า 1” only)', make: ({ repoRoot }) => withShared(repoRoot, [[PAGE_TOTAL, '[หน้า #counter(page).display()]']]) },
  {
    name: 'static-footer',
    what: 'footer without any context/counter ("หน้า 1 / 1" as text)',
    make: ({ repoRoot }) => withShared(repoRoot, [[PAGE_TOTAL, '[หน้า 1 / 1]'], ['footer: context {', 'footer: {']]),
  },
  {
    name: 'data-via-files',
    what: 'data + QR passed as mapped files, no sys.inputs (library stays the same between documents)',
    make: ({ repoRoot }) =>
      withShared(repoRoot, [
        ['#let data = json(bytes(sys.inputs.data))', '#let data = json("/__input__/data.json")'],
        ['bytes(sys.inputs.qr)', 'read("/__input__/qr.svg", encoding: none)'],
      ]),
    setup: () => {
      const proto = NodeCompiler.prototype as unknown as { compile: Parameters<typeof fileInputsCompile>[0] };
      proto.compile = fileInputsCompile(proto.compile);
    },
  },
  { name: 'latin-text', what: 'variable Thai field text replaced by Latin letters (labels stay Thai)', make: () => createRenderer(), mapInput: (i) => latinise(i) },
  { name: 'same-input', what: 'the same document rendered again and again (upper bound of caching)', make: () => createRenderer(), mapInput: (_i, _k, all) => all[0]! },
  { name: 'evict-never', what: 'the engine’s evictCache(10) every 200 documents suppressed', make: () => createRenderer(), setup: () => (typstOverrides.suppressEvict = true) },
  {
    name: 'evict-every-doc',
    what: 'evictCache(10) after every document',
    make: () => createRenderer(),
    setup: () => (typstOverrides.afterPdf = (c) => c.evictCache(10)),
  },
  {
    name: 'evict-all-every-doc',
    what: 'evictCache(0) after every document (no memoization across documents)',
    make: () => createRenderer(),
    setup: () => (typstOverrides.afterPdf = (c) => c.evictCache(0)),
  },
];

/** The type template cut down to its first `keep` lines after the page set-up (ablation: what does the rest cost?). */
function withTemplate(input: RenderInput, edit: (source: string) => string, tag: string): RenderInput {
  return { ...input, templateSource: edit(input.templateSource), templateKey: `${input.templateKey}-${tag}` };
}
const dropLine = (pattern: RegExp) => (src: string) => src.split('\n').filter((l) => !pattern.test(l)).join('\n');
const pageOnly = (src: string) => src.split('\n').filter((l) => /^#(import|show)/.test(l)).join('\n') + '\nก\n';

VARIANTS.push(
  {
    name: 'lang-en',
    what: 'text lang "en" in the page set-up (Thai still shaped; line breaking without Thai rules) — diagnostic only',
    make: ({ repoRoot }) => withShared(repoRoot, [['size: 16pt, lang: "th", region: "TH"', 'size: 16pt, lang: "en"']]),
  },
  { name: 'pdf-1.7', what: 'plain PDF 1.7, no PDF/A (diagnostic only: PDF/A is required)', make: () => createRenderer(), setup: () => (typstOverrides.pdfOptions = { pdfStandard: '1.7' }) },
  { name: 'tpl-page-only', what: 'template cut to the page set-up + footer and one character', make: () => createRenderer(), mapInput: (i) => withTemplate(i, pageOnly, 'page') },
  { name: 'tpl-empty', what: 'template reduced to one Thai character, no page set-up (fixed cost: entry, data.json, export)', make: () => createRenderer(), mapInput: (i) => withTemplate(i, () => 'ก\n', 'empty') },
  { name: 'tpl-no-verify-sign', what: 'template without #verify-and-sign() (QR + signature grid)', make: () => createRenderer(), mapInput: (i) => withTemplate(i, dropLine(/^#verify-and-sign\(\)/), 'novs') },
  { name: 'tpl-no-field-table', what: 'template without #field-table(...) (factory licence only)', make: () => createRenderer(), mapInput: (i) => withTemplate(i, dropLine(/^#field-table\(/), 'noft') },
);

export function inputsFor(types: LoadedType[], rowsByType: Map<string, Record<string, unknown>[]>, build: (t: LoadedType, row: Record<string, unknown>, i: number) => RenderInput): RenderInput[] {
  // Alternate types, as a mixed issuing workload would.
  const out: RenderInput[] = [];
  const max = Math.max(...types.map((t) => rowsByType.get(t.definition.id)!.length));
  for (let i = 0; i < max; i++) for (const t of types) {
    const row = rowsByType.get(t.definition.id)![i];
    if (row) out.push(build(t, row, i + 1));
  }
  return out;
}
