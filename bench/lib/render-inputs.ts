import { newDocumentId } from '../../src/domain/identifiers.js';
import { validUntilFor } from '../../src/domain/document-type.js';
import { bangkokYear, formatSerial } from '../../src/domain/serial.js';
import { DEMO_AGENCY } from '../../src/app/demo.js';
import type { LoadedType } from '../../src/doctypes/load-types.js';
import type { RenderInput } from '../../src/render/index.js';
import { renderInputFor as serviceRenderInput } from '../../src/issuance/issue-document.js';

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
  const agencyRow = { ...agency, createdAt: issuedAt.toISOString() };
  return serviceRenderInput(type, agencyRow, { id, serial, issuedAt, validUntil, verifyUrl, fields });
}
