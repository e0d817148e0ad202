/**
 * The template data JSON exactly as src/render/render-document.ts builds it (same keys, same display strings), so
 * the bulk experiments feed Typst the same values the shipped renderer does — only the channel and the templates vary.
 */
import { formatEnglishDate, formatThaiDate } from '../../src/domain/thai-date.js';
import { displayFields } from '../../src/render/display-values.js';
import { assertRenderInput, type RenderInput } from '../../src/render/render-input.js';

export interface PreparedDocument {
  /** The JSON the templates read (sys.inputs.data or /__input__/data.json). */
  dataJson: string;
  attachment: Uint8Array;
  /** Seconds since the epoch for the PDF creation date. */
  creationTimestamp: number;
}

export function prepareDocument(input: RenderInput): PreparedDocument {
  assertRenderInput(input);
  const { meta } = input;
  const date = (iso: string | null | undefined) => (iso ? { iso, th: formatThaiDate(iso), en: formatEnglishDate(iso) } : null);
  const data = {
    fields: input.fields,
    display: displayFields(input.fields),
    labels: input.labels ?? {},
    meta: {
      documentId: meta.documentId,
      serial: meta.serial,
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
  const when = input.pdfMetadata.date ?? new Date(meta.issuedAt);
  return { dataJson: JSON.stringify(data), attachment: input.attachment.bytes, creationTimestamp: Math.floor(when.getTime() / 1000) };
}
