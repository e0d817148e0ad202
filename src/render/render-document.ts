import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatEnglishDate, formatThaiDate, toThaiDigits } from '../domain/thai-date.js';
import { displayFields } from './display-values.js';
import { ATTACHMENT_PATH, DATA_PATH, entryPathFor, entrySource, QR_PATH, templatePathFor } from './entry-source.js';
import { loadDefaultFonts } from './fonts.js';
import { qrSvg } from './qr-svg.js';
import { assertRenderInput, type RenderInput } from './render-input.js';
import { type PdfAStandard, TypstEngine } from './typst-engine.js';

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
  /** Renders one document to PDF/A-3 bytes. Synchronous: the compiler is native and single-threaded per renderer. */
  render(input: RenderInput): Uint8Array;
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
  const templates = new Map<string, { template: string; entry: string }>();
  const digits = options.digits ?? 'arabic';

  return {
    render(input: RenderInput): Uint8Array {
      assertRenderInput(input);
      let paths = templates.get(input.templateKey);
      if (!paths) {
        const n = templates.size + 1;
        paths = { template: templatePathFor(n), entry: entryPathFor(n) };
        engine.setFile(paths.entry, entrySource(paths.template));
        templates.set(input.templateKey, paths);
      }
      engine.setFile(paths.template, input.templateSource);
      engine.setFile(ATTACHMENT_PATH, input.attachment.bytes);

      const { meta } = input;
      const data = templateData(input, digits);
      const when = input.pdfMetadata.date ?? new Date(meta.issuedAt);
      // Per-document values reach Typst as mapped files, never as sys.inputs (see entry-source.ts).
      engine.setFile(DATA_PATH, JSON.stringify(data));
      engine.setFile(QR_PATH, qrSvg(meta.verifyUrl));
      return engine.compilePdf({
        mainPath: paths.entry,
        pdfStandard,
        creationTimestamp: Math.floor(when.getTime() / 1000),
      });
    },
    close() {
      engine.close();
    },
  };
}
