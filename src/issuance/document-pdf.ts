import type { TypeDefinition } from '../domain/document-type.js';
import { EMBEDDED_DATA_FILENAME, EMBEDDED_DATA_FORMAT, encodeEmbeddedData, type EmbeddedData } from '../domain/embedded-data.js';
import { documentAddress } from '../domain/identifiers.js';
import type { StatusListEntry } from '../domain/status-list.js';
import type { LoadedType } from '../doctypes/load-types.js';
import type { Renderer, RenderInput } from '../render/index.js';
import type { PadesSigner, SigningIdentity } from '../signing/index.js';
import type { Agency } from '../store/index.js';
import { signPdf, type PadesLevel } from './sign-pdf.js';
import type { Timestamper } from './timestamper.js';
import type { RevocationDataSource } from './validation-data.js';

/**
 * Turning one document's facts into its signed PDF: render, then sign. No database, no blob store — so the same code
 * runs in a request (single issuance) and in a bulk worker thread, and neither holds a transaction while it works.
 */

export interface AgencySigner {
  signer: PadesSigner;
  /** Certificates above the signer's (issuer first, may end with the root), for the DSS at B-LT. */
  chain: Uint8Array[];
  /** Printed in /Name of the signature dictionary, e.g. the agency's name. */
  signerName?: string;
  /** The key and certificates behind `signer`, for bulk workers that build their own signer in their thread. */
  identity?: SigningIdentity;
}

/** What one document is rendered from, besides its type and agency. */
export interface DocumentFacts {
  id: string;
  serial: string;
  issuedAt: Date;
  validUntil: string | null;
  verifyUrl: string;
  fields: Record<string, unknown>;
  status?: StatusListEntry;
  /** A training specimen (sandbox): SPECIMEN watermark, `"specimen": true` in its data, its title and reason say so. */
  specimen?: true;
}

/** What signing needs besides the key: the level, and for B-T and above a TSA, for B-LT and above revocation data. */
export interface SigningServices {
  timestamper?: Timestamper | undefined;
  revocation?: RevocationDataSource | undefined;
}

function embeddedData(type: LoadedType, agency: Agency, d: DocumentFacts): EmbeddedData {
  const def = type.definition;
  return {
    format: EMBEDDED_DATA_FORMAT,
    id: d.id,
    address: documentAddress(agency.id, def.id, d.id),
    serial: d.serial,
    type: { id: def.id, version: def.version, name: def.name },
    issuer: { id: agency.id, name: { th: agency.nameTh, en: agency.nameEn } },
    subject: { kind: def.subject.kind },
    issuedAt: d.issuedAt.toISOString(),
    validUntil: d.validUntil,
    verifyUrl: d.verifyUrl,
    ...(d.status ? { status: d.status } : {}),
    ...(d.specimen ? { specimen: true as const } : {}),
    fields: d.fields,
  };
}

/** What the renderer gets for one document: the type's template, the fields, the printed metadata and data.json. */
export function renderInputFor(type: LoadedType, agency: Agency, d: DocumentFacts): RenderInput {
  const def = type.definition;
  return {
    templateSource: type.templateSource,
    templateKey: `${def.id}@${def.version}`,
    fields: d.fields,
    labels: def.fields,
    meta: {
      documentId: d.id,
      serial: d.serial,
      typeNameTh: def.name.th,
      typeNameEn: def.name.en,
      issuer: { nameTh: agency.nameTh, nameEn: agency.nameEn, addressTh: agency.addressTh },
      issuedAt: d.issuedAt.toISOString(),
      validUntil: d.validUntil,
      verifyUrl: d.verifyUrl,
      legalBasis: def.legalBasis,
    },
    attachment: { name: EMBEDDED_DATA_FILENAME, bytes: encodeEmbeddedData(embeddedData(type, agency, d)), description: 'ข้อมูลเอกสาร (machine-readable document data)' },
    pdfMetadata: d.specimen
      ? { title: `${def.name.th} ${d.serial} (ตัวอย่าง / SPECIMEN)`, author: agency.nameTh, keywords: [def.id, d.id, 'specimen'], date: d.issuedAt }
      : { title: `${def.name.th} ${d.serial}`, author: agency.nameTh, keywords: [def.id, d.id], date: d.issuedAt },
    ...(d.specimen ? { watermark: 'specimen' as const } : {}),
  };
}

/** Milliseconds spent in each step, for benchmarks and progress reports. */
export interface PdfTimings {
  renderMs: number;
  signMs: number;
}

/** Renders and signs one document at the given PAdES level. Throws RenderError for a template that fails. */
export async function makeSignedPdf(
  renderer: Renderer,
  agencySigner: AgencySigner,
  type: LoadedType,
  agency: Agency,
  facts: DocumentFacts,
  level: PadesLevel,
  services: SigningServices,
  timings?: PdfTimings,
): Promise<Uint8Array> {
  const def: TypeDefinition = type.definition;
  const t0 = performance.now();
  const rendered = renderer.render(renderInputFor(type, agency, facts));
  const t1 = performance.now();
  const signed = await signPdf(rendered, agencySigner.signer, {
    reason: facts.specimen ? `ตัวอย่างสำหรับฝึกอบรม (ไม่ใช่เอกสารราชการ) ${def.name.th} เลขที่ ${facts.serial}` : `ออก${def.name.th} เลขที่ ${facts.serial}`,
    location: agency.nameTh,
    ...(agencySigner.signerName ? { signerName: agencySigner.signerName } : {}),
    signingTime: facts.issuedAt,
    xmp: { documentType: def.id, documentFileName: EMBEDDED_DATA_FILENAME, version: String(def.version) },
    level,
    chain: agencySigner.chain,
    ...(services.timestamper ? { timestamper: services.timestamper } : {}),
    ...(services.revocation ? { revocation: services.revocation } : {}),
  });
  if (timings) {
    timings.renderMs += t1 - t0;
    timings.signMs += performance.now() - t1;
  }
  return signed;
}
