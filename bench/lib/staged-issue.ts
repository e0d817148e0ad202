import { recordIssuedDocument, renderInputFor } from '../../src/issuance/issue-document.js';
import { chooseStatusListIndex } from '../../src/issuance/status-list-index.js';
import { statusListUrl } from '../../src/domain/status-list.js';
import { documentXmpChange } from '../../src/issuance/sign-pdf.js';
/**
 * The issuance pipeline of src/issuance/issue-document.ts replayed step by step with a stopwatch around each step,
 * calling the same functions (type.validate, renderer.render, openPdf/prepareSignature/signDigest/embedSignature as
 * signPdf does, blobs.put, nextSerialNumber/insertDocument/appendAuditEvent in one transaction). It exists only
 * because the service has no timing hooks; keep it in step with issue-document.ts and sign-pdf.ts when they change.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LoadedType } from '../../src/doctypes/load-types.js';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { validUntilFor } from '../../src/domain/document-type.js';
import { EMBEDDED_DATA_FILENAME } from '../../src/domain/embedded-data.js';
import { newDocumentId } from '../../src/domain/identifiers.js';
import { bangkokYear, formatSerial } from '../../src/domain/serial.js';
import { embedSignature, openPdf, prepareSignature, signedRanges } from '../../src/pdf/index.js';
import type { Renderer } from '../../src/render/index.js';
import type { PadesSigner } from '../../src/signing/index.js';
import { getAgency, nextSerialNumber, withTransaction, type BlobStore, type Database } from '../../src/store/index.js';
import type { Kysely } from 'kysely';

export const STAGES = [
  'validate',
  'agency lookup',
  'render',
  'sign: prepare',
  'sign: hash',
  'sign: CMS',
  'sign: embed',
  'blob write',
  'DB transaction',
] as const;
export type Stage = (typeof STAGES)[number];

export interface StagedDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  renderer: Renderer;
  signer: PadesSigner;
  signerName: string;
  publicUrl: string;
}

const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** Issues one document like issueDocument and adds each step's milliseconds to `times`. Returns the signed PDF. */
export async function issueStaged(
  deps: StagedDeps,
  type: LoadedType,
  agencyId: string,
  data: unknown,
  times: Map<Stage, number[]>,
): Promise<Uint8Array> {
  let t = performance.now();
  const lap = (stage: Stage) => {
    const now = performance.now();
    times.get(stage)!.push(now - t);
    t = now;
  };

  const checked = type.validate(data);
  if (!checked.ok) throw new Error(`validation failed: ${JSON.stringify(checked.errors)}`);
  const fields = checked.value;
  const def = type.definition;
  const requestHash = sha256Hex(canonicalJson({ type: def.id, version: def.version, data: fields }));
  lap('validate');

  const agency = await getAgency(deps.db, agencyId);
  if (!agency) throw new Error(`unknown agency ${agencyId}`);
  lap('agency lookup');

  const id = newDocumentId();
  const issuedAt = new Date();
  const validUntil = validUntilFor(def.validity, fields, issuedAt);
  const verifyUrl = `${deps.publicUrl}/v/${id}`;

  // The transaction is opened first and the serial allocated inside it, as in the service; its own time is what is
  // left of the transaction once render, sign and blob write (which run inside it) are subtracted.
  let inner = 0;
  const txStart = performance.now();
  const signed = await withTransaction(deps.db, async (trx) => {
    const year = bangkokYear(issuedAt);
    const serial = formatSerial(def.serial.pattern, { sequence: await nextSerialNumber(trx, agency.id, def.id, year), year });
    const innerStart = performance.now();
    t = innerStart;
    const statusListIndex = await chooseStatusListIndex(trx, agency.id, def.id);
    const status = { list: statusListUrl(verifyUrl.replace(/\/v\/.*$/, ''), agency.id, def.id), index: statusListIndex };
    const rendered = deps.renderer.render(renderInputFor(type, agency, { id, serial, issuedAt, validUntil, verifyUrl, fields, status }));
    lap('render');

    const doc = openPdf(rendered);
    const extra = documentXmpChange(doc, { documentType: def.id, documentFileName: EMBEDDED_DATA_FILENAME, version: String(def.version) });
    const prepared = prepareSignature(doc, {
      kind: 'signature',
      subFilter: 'ETSI.CAdES.detached',
      reason: `ออก${def.name.th} เลขที่ ${serial}`,
      location: agency.nameTh,
      name: deps.signerName,
      signingTime: issuedAt,
      utcOffsetMinutes: 7 * 60,
      contentsBytes: deps.signer.maxCmsLength() + 8192,
      ...(extra ? { extraChanges: [extra] } : {}),
    });
    lap('sign: prepare');
    const hash = createHash('sha256');
    for (const part of signedRanges(prepared.pdf, prepared.byteRange)) hash.update(part);
    const digest = new Uint8Array(hash.digest());
    lap('sign: hash');
    const cms = await deps.signer.signDigest(digest);
    lap('sign: CMS');
    const pdf = embedSignature(prepared, cms);
    lap('sign: embed');

    const pdfSha256 = sha256Hex(pdf);
    await deps.blobs.put(id, pdf);
    lap('blob write');
    inner = performance.now() - innerStart;

    await recordIssuedDocument(trx, {
      id,
      serial,
      type: def,
      agencyId: agency.id,
      fields,
      pdfSize: pdf.length,
      pdfSha256,
      issuedAt,
      validUntil,
      level: 'B-B',
      idempotencyKey: null,
      requestHash,
      actor: 'bench',
      statusListIndex,
    });
    return pdf;
  });
  times.get('DB transaction')!.push(performance.now() - txStart - inner);
  return signed;
}

export function emptyStageTimes(): Map<Stage, number[]> {
  return new Map(STAGES.map((s) => [s, [] as number[]]));
}
