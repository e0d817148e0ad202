import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatEnglishDate, formatThaiDate, toThaiDigits } from '../domain/thai-date.js';
import { displayFields } from './display-values.js';
import { ATTACHMENT_PATH, DATA_PATH, entryPathFor, entrySource, QR_PATH, templatePathFor } from './entry-source.js';
import { loadDefaultFonts } from './fonts.js';
import { qrSvg } from './qr-svg.js';
import { assertRenderInput, type RenderInput } from './render-input.js';
import { RenderError, type PdfAStandard, TypstEngine } from './typst-engine.js';
import { splitSvgPages } from './svg-pages.js';
import { WATERMARK_LABEL, WATERMARK_PATH, WATERMARK_SOURCE } from './watermark.js';
import type { NodeTypstDocument } from '@myriaddreamin/typst-ts-node-compiler';

export type { RenderInput } from './render-input.js';
export { RenderError, type PdfAStandard } from './typst-engine.js';

export interface RendererOptions {
  /** Default 'a-3a' (tagged, Unicode-mapped; also satisfies a-3u and a-3b). */
  pdfStandard?: PdfAStandard;
  /** Font files as bytes; default Sarabun (+ Laksaman when installed). */
  fontBlobs?: Uint8Array[];
  /** Folder whose *.typ files templates import as "/_shared/<name>"; default the repository's types/_shared. */
  sharedDir?: string;
  /** Digits in Thai display strings (dates, numbers, serial); default 'arabic'. */
  digits?: 'arabic' | 'thai';
}

export interface Renderer {
  /**
   * Renders one document to PDF/A-3 bytes. Synchronous: the compiler is native and single-threaded per renderer.
   * With `input.watermark` every page carries the mark (checked after layout); without, the output is unchanged.
   */
  render(input: RenderInput): Uint8Array;
  /**
   * The same rendering as page images for a browser, one standalone SVG per page, watermarked 'draft' unless the
   * input asks for 'specimen'. Nothing is signed and no PDF is made. Each SVG is inert (no script, no style, no
   * external reference): fit to show as `<img src="data:image/svg+xml;…">` or from its own URL.
   */
  previewSvg(input: RenderInput): string[];
  close(): void;
}

/** Finds types/_shared by walking up from this module (works from src/ under tsx and from dist/ after build). */
function defaultSharedDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'types', '_shared');
    if (existsSync(join(candidate, 'official.typ'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('types/_shared/official.typ not found above ' + fileURLToPath(import.meta.url));
}

function readSharedFiles(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const name of readdirSync(dir)) {
    if (/^[A-Za-z0-9_-]+\.typ$/.test(name)) files[`/_shared/${name}`] = readFileSync(join(dir, name));
  }
  return files;
}

/**
 * The JSON a template reads (`/__input__/data.json`): fields, their display strings (Buddhist-era dates, grouped
 * numbers), labels and the printed metadata. Exported so benchmarks feed Typst exactly what documents get.
 */
export function templateData(input: RenderInput, digits: 'arabic' | 'thai' = 'arabic') {
  const { meta } = input;
  const th = (s: string) => (digits === 'thai' ? toThaiDigits(s) : s);
  const date = (iso: string | null | undefined) =>
    iso ? { iso, th: formatThaiDate(iso, { digits }), en: formatEnglishDate(iso) } : null;
  return {
    fields: input.fields,
    display: displayFields(input.fields, { digits }),
    labels: input.labels ?? {},
    meta: {
      documentId: meta.documentId,
      serial: th(meta.serial),
      serialEn: meta.serial,
      typeName: { th: meta.typeNameTh, en: meta.typeNameEn },
      issuer: {
        nameTh: meta.issuer.nameTh,
        nameEn: meta.issuer.nameEn,
        addressTh: meta.issuer.addressTh ?? null,
        addressEn: meta.issuer.addressEn ?? null,
        signerTitleTh: meta.issuer.signerTitleTh ?? null,
        signerTitleEn: meta.issuer.signerTitleEn ?? null,
        signerNameTh: meta.issuer.signerNameTh ?? null,
      },
      issuedAt: date(meta.issuedAt),
      validUntil: date(meta.validUntil),
      verifyUrl: meta.verifyUrl,
      legalBasis: meta.legalBasis ?? null,
    },
    pdf: {
      title: input.pdfMetadata.title,
      author: input.pdfMetadata.author ?? meta.issuer.nameTh,
      keywords: input.pdfMetadata.keywords ?? [],
    },
    attachment: { description: input.attachment.description ?? 'ข้อมูลของเอกสารในรูปแบบ JSON / Document data (JSON)' },
  };
}

/**
 * Creates a renderer around one warm Typst compiler. Create one per worker and reuse it; call close() when done.
 * Every value reaches the template as JSON data (the mapped file DATA_PATH), so text such as `#read("/etc/passwd")` prints
 * literally; display strings (Buddhist-era dates, grouped numbers) are prepared here so templates stay simple.
 */
export function createRenderer(options: RendererOptions = {}): Renderer {
  const pdfStandard = options.pdfStandard ?? 'a-3a';
  const fontBlobs = options.fontBlobs?.map((b) => Buffer.from(b)) ?? loadDefaultFonts().blobs;
  const engine = new TypstEngine({
    fontBlobs,
    sharedFiles: readSharedFiles(options.sharedDir ?? defaultSharedDir()),
  });
  // Keys are mapped to numbered paths so no key text ever becomes part of a path Typst parses. Each template gets
  // its own constant entry file (the entry names the template; sys.inputs stays empty).
  const templates = new Map<string, { n: number; template: string; entry: string }>();
  const digits = options.digits ?? 'arabic';

  const watermarkEntries = new Set<string>();

  /** Maps this input's files and returns the entry file to compile (the watermarked entry when one is asked for). */
  function prepare(input: RenderInput): string {
    assertRenderInput(input);
    let paths = templates.get(input.templateKey);
    if (!paths) {
      const n = templates.size + 1;
      paths = { n, template: templatePathFor(n), entry: entryPathFor(n) };
      engine.setFile(paths.entry, entrySource(paths.template));
      templates.set(input.templateKey, paths);
    }
    let entry = paths.entry;
    if (input.watermark) {
      entry = entryPathFor(paths.n, input.watermark);
      if (!watermarkEntries.has(entry)) {
        // Mapped only once a watermark is first asked for, so renderers that never mark anything map nothing new.
        engine.setFile(WATERMARK_PATH, WATERMARK_SOURCE);
        engine.setFile(entry, entrySource(paths.template, input.watermark));
        watermarkEntries.add(entry);
      }
    }
    engine.setFile(paths.template, input.templateSource);
    engine.setFile(ATTACHMENT_PATH, input.attachment.bytes);
    // Per-document values reach Typst as mapped files, never as sys.inputs (see entry-source.ts).
    engine.setFile(DATA_PATH, JSON.stringify(templateData(input, digits)));
    engine.setFile(QR_PATH, qrSvg(input.meta.verifyUrl));
    return entry;
  }

  /** A watermark that a template managed to drop from some page (its own page foreground) is refused, not shipped. */
  function assertMarked(input: RenderInput, doc: NodeTypstDocument, query: (selector: string) => unknown[]): void {
    if (!input.watermark) return;
    const marks = query(WATERMARK_LABEL).length;
    if (marks !== doc.numOfPages) {
      throw new RenderError(`the ${input.watermark} watermark is on ${marks} of ${doc.numOfPages} page(s)`, [
        'the template replaces the page foreground, which hides the watermark; templates must not set page(foreground: …)',
      ]);
    }
  }

  return {
    render(input: RenderInput): Uint8Array {
      const mainPath = prepare(input);
      const when = input.pdfMetadata.date ?? new Date(input.meta.issuedAt);
      const creationTimestamp = Math.floor(when.getTime() / 1000);
      if (!input.watermark) return engine.compilePdf({ mainPath, pdfStandard, creationTimestamp });
      return engine.compileWith({ mainPath }, (compiler, doc, query) => {
        assertMarked(input, doc, query);
        try {
          return compiler.pdf(doc, { pdfStandard, creationTimestamp });
        } catch (e) {
          throw new RenderError(`Typst refused to export ${pdfStandard}`, [String((e as Error).message ?? e)]);
        }
      });
    },
    previewSvg(input: RenderInput): string[] {
      const marked: RenderInput = { ...input, watermark: input.watermark ?? 'draft' };
      const mainPath = prepare(marked);
      return engine.compileWith({ mainPath }, (compiler, doc, query) => {
        assertMarked(marked, doc, query);
        try {
          return splitSvgPages(compiler.plainSvg(doc), doc.numOfPages);
        } catch (e) {
          throw new RenderError('the preview could not be made safe to show', [String((e as Error).message ?? e)]);
        }
      });
    },
    close() {
      engine.close();
    },
  };
}
