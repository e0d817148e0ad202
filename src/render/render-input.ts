import { isIsoDate } from '../domain/thai-date.js';
import { assertWatermark, type Watermark } from './watermark.js';

export interface Bilingual {
  th: string;
  en: string;
}

export interface IssuerInfo {
  nameTh: string;
  nameEn: string;
  addressTh?: string;
  addressEn?: string;
  /** Printed under the signature line, e.g. "อธิบดีกรมโรงงานอุตสาหกรรม". */
  signerTitleTh?: string;
  signerTitleEn?: string;
  /** Name of the officer who signs, when the agency prints it. */
  signerNameTh?: string;
}

export interface RenderMeta {
  documentId: string;
  serial: string;
  typeNameTh: string;
  typeNameEn: string;
  issuer: IssuerInfo;
  /** ISO date or timestamp with zone; printed as the Bangkok calendar date. */
  issuedAt: string;
  validUntil?: string | null;
  verifyUrl: string;
  legalBasis?: Bilingual;
}

export interface RenderAttachment {
  name: 'data.json';
  bytes: Uint8Array;
  description?: string;
}

export interface PdfMetadata {
  title: string;
  author?: string;
  keywords?: string[];
  /** PDF creation date; defaults to meta.issuedAt. */
  date?: Date;
}

export interface RenderInput {
  /** The type's template.typ text. */
  templateSource: string;
  /** Identifies the template for caching, e.g. "training-certificate@1". Same key ⇒ same source expected. */
  templateKey: string;
  /** Validated data (types must have passed their JSON schema). */
  fields: Record<string, unknown>;
  /** Field labels from type.json (`fields.<name>.th/.en`). */
  labels?: Record<string, Bilingual>;
  meta: RenderMeta;
  attachment: RenderAttachment;
  pdfMetadata: PdfMetadata;
  /**
   * A visible mark on every page for renderings that are not official documents: 'draft' (a preview before
   * signing), 'specimen' (a training sandbox document). Absent for official documents: their output is unchanged.
   */
  watermark?: Watermark;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Checks the shape of a RenderInput and throws a TypeError naming the first bad field and what was expected. */
export function assertRenderInput(input: unknown): asserts input is RenderInput {
  const fail = (path: string, expected: string): never => {
    throw new TypeError(`render input ${path}: expected ${expected}`);
  };
  const str = (v: unknown, path: string, max = 2000, optional = false) => {
    if (optional && (v === undefined || v === null)) return;
    if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(path, `a non-empty string of at most ${max} characters`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) fail(path, 'an object');
    return v as Record<string, unknown>;
  };

  const i = obj(input, '(root)');
  str(i.templateSource, 'templateSource', 1_000_000);
  if (typeof i.templateKey !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,119}$/.test(i.templateKey)) {
    fail('templateKey', 'letters, digits and . _ @ - (e.g. "training-certificate@1")');
  }
  obj(i.fields, 'fields');
  if (i.labels !== undefined) {
    for (const [k, l] of Object.entries(obj(i.labels, 'labels'))) {
      const label = obj(l, `labels.${k}`);
      str(label.th, `labels.${k}.th`, 500);
      str(label.en, `labels.${k}.en`, 500);
    }
  }

  const m = obj(i.meta, 'meta');
  str(m.documentId, 'meta.documentId', 200);
  str(m.serial, 'meta.serial', 200);
  str(m.typeNameTh, 'meta.typeNameTh', 500);
  str(m.typeNameEn, 'meta.typeNameEn', 500);
  const issuer = obj(m.issuer, 'meta.issuer');
  str(issuer.nameTh, 'meta.issuer.nameTh', 500);
  str(issuer.nameEn, 'meta.issuer.nameEn', 500);
  for (const k of ['addressTh', 'addressEn', 'signerTitleTh', 'signerTitleEn', 'signerNameTh']) {
    str(issuer[k], `meta.issuer.${k}`, 500, true);
  }
  if (typeof m.issuedAt !== 'string' || !ISO_INSTANT.test(m.issuedAt) || !isIsoDate(m.issuedAt.slice(0, 10))) {
    fail('meta.issuedAt', 'an ISO 8601 date or timestamp with zone');
  }
  if (m.validUntil !== undefined && m.validUntil !== null) {
    if (typeof m.validUntil !== 'string' || !ISO_INSTANT.test(m.validUntil) || !isIsoDate(m.validUntil.slice(0, 10))) {
      fail('meta.validUntil', 'null or an ISO 8601 date');
    }
  }
  let url: URL | null = null;
  try {
    url = typeof m.verifyUrl === 'string' ? new URL(m.verifyUrl) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || (m.verifyUrl as string).length > 500) {
    fail('meta.verifyUrl', 'an http(s) URL of at most 500 characters');
  }
  if (m.legalBasis !== undefined) {
    const lb = obj(m.legalBasis, 'meta.legalBasis');
    str(lb.th, 'meta.legalBasis.th', 1000);
    str(lb.en, 'meta.legalBasis.en', 1000);
  }

  const a = obj(i.attachment, 'attachment');
  if (a.name !== 'data.json') fail('attachment.name', '"data.json"');
  if (!(a.bytes instanceof Uint8Array)) fail('attachment.bytes', 'a Uint8Array');
  str(a.description, 'attachment.description', 500, true);

  assertWatermark(i.watermark);

  const p = obj(i.pdfMetadata, 'pdfMetadata');
  str(p.title, 'pdfMetadata.title', 1000);
  str(p.author, 'pdfMetadata.author', 1000, true);
  if (p.keywords !== undefined && (!Array.isArray(p.keywords) || !p.keywords.every((k) => typeof k === 'string'))) {
    fail('pdfMetadata.keywords', 'an array of strings');
  }
  if (p.date !== undefined && (!(p.date instanceof Date) || Number.isNaN(p.date.getTime()))) {
    fail('pdfMetadata.date', 'a valid Date');
  }
}
