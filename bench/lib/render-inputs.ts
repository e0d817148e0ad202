import { EMBEDDED_DATA_FILENAME, EMBEDDED_DATA_FORMAT, encodeEmbeddedData, type EmbeddedData } from '../../src/domain/embedded-data.js';
import { documentAddress, newDocumentId } from '../../src/domain/identifiers.js';
import { validUntilFor } from '../../src/domain/document-type.js';
import { bangkokYear, formatSerial } from '../../src/domain/serial.js';
import { DEMO_AGENCY } from '../../src/app/demo.js';
import type { LoadedType } from '../../src/doctypes/load-types.js';
import type { RenderInput } from '../../src/render/index.js';

/**
 * The RenderInput issueDocument would build for one row (demo agency, fresh id, serial from a counter), without a
 * database: for experiments on the renderer alone.
 */
export function renderInputFor(type: LoadedType, row: Record<string, unknown>, sequence: number, publicUrl = 'https://verify.example.go.th'): RenderInput {
  const checked = type.validate(row);
  if (!checked.ok) throw new Error(`row ${sequence} refused: ${JSON.stringify(checked.errors)}`);
  const fields = checked.value;
  const def = type.definition;
  const agency = DEMO_AGENCY;
  const id = newDocumentId();
  const issuedAt = new Date();
  const year = bangkokYear(issuedAt);
  const serial = formatSerial(def.serial.pattern, { sequence, year });
  const validUntil = validUntilFor(def.validity, fields, issuedAt);
  const verifyUrl = `${publicUrl}/v/${id}`;
  const embedded: EmbeddedData = {
    format: EMBEDDED_DATA_FORMAT,
    id,
    address: documentAddress(agency.id, def.id, id),
    serial,
    type: { id: def.id, version: def.version, name: def.name },
    issuer: { id: agency.id, name: { th: agency.nameTh, en: agency.nameEn } },
    subject: { kind: def.subject.kind },
    issuedAt: issuedAt.toISOString(),
    validUntil,
    verifyUrl,
    fields,
  };
  return {
    templateSource: type.templateSource,
    templateKey: `${def.id}@${def.version}`,
    fields,
    labels: def.fields,
    meta: {
      documentId: id,
      serial,
      typeNameTh: def.name.th,
      typeNameEn: def.name.en,
      issuer: { nameTh: agency.nameTh, nameEn: agency.nameEn, addressTh: agency.addressTh },
      issuedAt: issuedAt.toISOString(),
      validUntil,
      verifyUrl,
      ...(def.legalBasis ? { legalBasis: def.legalBasis } : {}),
    },
    attachment: { name: EMBEDDED_DATA_FILENAME, bytes: encodeEmbeddedData(embedded), description: 'ข้อมูลเอกสาร (machine-readable document data)' },
    pdfMetadata: { title: `${def.name.th} ${serial}`, author: agency.nameTh, keywords: [def.id, id], date: issuedAt },
  };
}
