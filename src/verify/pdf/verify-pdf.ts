import { decodeEmbeddedData, EMBEDDED_DATA_FILENAME, type EmbeddedData } from '../../domain/embedded-data.js';
import { findSignatureFields, openPdf, readDss, type PdfDocument, type SignatureInfo } from '../../pdf/index.js';
import { concatBytes, toHex } from '../bytes.js';
import { readTlv } from '../der.js';
import { verifyCmsSignature } from '../cms/verify-cms-signature.js';
import { fromBerSafe } from '../cms/safe-ber.js';
import { resolveTrustStore, type TrustStore } from '../cms/trust-store.js';
import { checkDocumentTimestamps, type CheckedDocumentTimestamp, type DocumentTimestampField } from '../ltv/document-timestamps.js';
import type { LtvContext } from '../ltv/ltv-context.js';
import { validateSignatureAtTime } from '../ltv/signature-at-time.js';
import {
  buildSignatureReport,
  buildVerificationReport,
  makeCheck,
  type Check,
  type PadesLevel,
  type SignatureReport,
  type TimestampReport,
  type VerificationReport,
} from '../report.js';
import type { CheckId } from '../messages.js';
import { listEmbeddedFiles } from './embedded-files.js';
import { analyseLaterRevisions } from './later-revisions.js';
import { registryChecks, type StatusLookup } from './registry-checks.js';
import { issuerCheck, type IssuerDirectory } from './issuer-checks.js';
import { logInclusionCheck, type TransparencyOptions } from './log-checks.js';
import { statusListCheck } from './status-list-check.js';
import { specimenCheck } from '../specimen.js';
import type { StatusListFetcher } from '../../status-list/index.js';
import { canonicalJson } from '../../domain/canonical-json.js';

export type { RegistryStatus, RegistryDigests, StatusLookup } from './registry-checks.js';
export type { IssuerDirectory } from './issuer-checks.js';
export type { TransparencyOptions } from './log-checks.js';

export interface VerifyPdfOptions {
  trustRoots: Uint8Array[] | TrustStore;
  /** Asks the registry about a document id with the file's digests; absent = offline (status "not checked"). */
  statusLookup?: StatusLookup;
  /**
   * Fetches a signed Bitstring Status List by URL (the `status.list` of the embedded data). The answer tells the
   * document's status without telling the server which document is being checked.
   */
  fetchStatusList?: StatusListFetcher;
  /** The public transparency log: the issuance's inclusion proof is checked against a signed checkpoint. */
  transparency?: TransparencyOptions;
  /** Which agency may issue which type, with which certificates; absent = entitlement not checked. */
  issuers?: IssuerDirectory;
  /** The registry (base URL) whose directory `issuers` is; documents naming another registry get a warning. */
  issuersRegistry?: string;
  /**
   * Base URL of the registry behind statusLookup. A document whose embedded verifyUrl names this registry but which
   * the registry does not know cannot be confirmed (INDETERMINATE); one issued elsewhere only gets a warning.
   */
  registryBaseUrl?: string;
  validationTime?: Date;
  /** Largest file accepted, bytes (default 20 MB). */
  maxBytes?: number;
  /**
   * May revocation data (CRL, OCSP) missing from the document be fetched from the URLs in the certificates?
   * true = with the platform fetch, a function = with that fetch; absent/false = offline (the document's own DSS only).
   */
  fetchRevocation?: boolean | typeof globalThis.fetch;
}

export const DEFAULT_MAX_PDF_BYTES = 20 * 1024 * 1024;

const SUPPORTED_SUB_FILTERS = new Set(['ETSI.CAdES.detached']);
const DOC_TIMESTAMP_SUB_FILTER = 'ETSI.RFC3161';
const LEGACY_SUB_FILTERS = new Set(['adbe.pkcs7.detached']);

function check(id: CheckId, status: Check['status'], detail?: string, onFailure?: Check['onFailure']): Check {
  const c = makeCheck(id, status, detail);
  if (onFailure) c.onFailure = onFailure;
  return c;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource)));
}

const isWhitespace = (b: number) => b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09 || b === 0x00 || b === 0x0c;

/**
 * The ByteRange must be [0, start of /Contents, end of /Contents, rest] of this very signature dictionary, inside the
 * file, and end where the signature's own revision ends. Anything else lets signed bytes be moved or unsigned bytes
 * slip in (Universal Signature Forgery, Signature Wrapping).
 */
function byteRangeProblem(sig: SignatureInfo, doc: PdfDocument, fileLength: number): string | null {
  const br = sig.byteRange;
  if (!br) return '/ByteRange is missing or not an array of numbers';
  if (br.length !== 4) return `/ByteRange has ${br.length} numbers, expected 4`;
  if (!br.every((n) => Number.isSafeInteger(n) && n >= 0)) return '/ByteRange holds a negative or non-integer number';
  const [a, b, c, d] = br as [number, number, number, number];
  if (a !== 0) return `/ByteRange starts at ${a}, not at the beginning of the file`;
  if (sig.contentsStart === null || sig.contentsEnd === null) return '/Contents is not a string written directly in the signature dictionary';
  if (b !== sig.contentsStart || c !== sig.contentsEnd) {
    return `/ByteRange gap ${b}–${c} is not the signature's /Contents string at ${sig.contentsStart}–${sig.contentsEnd}`;
  }
  if (c + d > fileLength) return `/ByteRange ends at ${c + d}, past the end of the file (${fileLength})`;
  const revisionEnd = doc.revisions[sig.revision]?.end;
  if (revisionEnd !== undefined && c + d !== revisionEnd) {
    // Tolerate an end-of-line difference at the very end of the revision only.
    const lo = Math.min(c + d, revisionEnd);
    const hi = Math.max(c + d, revisionEnd);
    if (hi - lo > 2) return `/ByteRange ends at ${c + d} but the signed revision ends at ${revisionEnd}`;
  }
  return null;
}

async function verifySignature(
  sig: SignatureInfo,
  doc: PdfDocument,
  bytes: Uint8Array,
  opts: VerifyPdfOptions,
  ctx: LtvContext,
  documentTimestamps: readonly CheckedDocumentTimestamp[],
): Promise<SignatureReport> {
  const checks: Check[] = [];
  const base = {
    ...(sig.fieldName ? { fieldName: sig.fieldName } : {}),
    ...(sig.subFilter ? { subFilter: sig.subFilter } : {}),
    ...(sig.signingTime ? { claimedSigningTime: sig.signingTime } : {}),
  };
  const sf = sig.subFilter ?? '';
  if (SUPPORTED_SUB_FILTERS.has(sf)) checks.push(check('pdf.sub-filter', 'passed', sf));
  else if (LEGACY_SUB_FILTERS.has(sf)) checks.push(check('pdf.sub-filter', 'warning', `${sf} is CMS but not PAdES`));
  else {
    checks.push(check('pdf.sub-filter', 'failed', `/SubFilter ${sf || '(missing)'} is not supported`));
    return buildSignatureReport({ ...base, checks });
  }

  const field = fieldChecks(sig, doc, bytes);
  checks.push(...field.checks);
  if (!field.ranges) return buildSignatureReport({ ...base, checks });

  const verifyAt = (at: Date | undefined) =>
    verifyCmsSignature({
      cms: sig.contents,
      signedContent: field.ranges!,
      trustRoots: ctx.store,
      ...(at ? { validationTime: at } : {}),
    });
  const cmsNow = await verifyAt(opts.validationTime);
  const ltv = await validateSignatureAtTime({
    revision: sig.revision,
    cms: sig.contents,
    cmsNow,
    reverify: verifyAt,
    claimedSigningTime: sig.signingTime,
    documentTimestamps,
    ctx,
  });
  const cms = ltv.cms;
  return buildSignatureReport({
    ...base,
    checks: [...checks, ...cms.checks, ...ltv.checks],
    ...(cms.signer ? { signer: cms.signer } : {}),
    ...(cms.chain ? { chain: cms.chain } : {}),
    ...(ltv.signingTime ? { signingTime: ltv.signingTime } : {}),
    ...(ltv.level ? { level: ltv.level } : {}),
    ...(ltv.timestamps.length ? { timestamps: ltv.timestamps } : {}),
  });
}

/** ByteRange and /Contents checks shared by signatures and document timestamps; `ranges` only when both pass. */
function fieldChecks(sig: SignatureInfo, doc: PdfDocument, bytes: Uint8Array): { checks: Check[]; ranges?: Uint8Array[] } {
  const checks: Check[] = [];
  const rangeProblem = byteRangeProblem(sig, doc, bytes.length);
  checks.push(rangeProblem ? check('pdf.byte-range', 'failed', rangeProblem) : check('pdf.byte-range', 'passed', `[${sig.byteRange!.join(' ')}]`));
  const contents = sig.contents;
  if (!sig.contentsIsHex || contents.length === 0 || contents.every((x) => x === 0)) {
    checks.push(check('pdf.contents', 'failed', contents.length === 0 ? '/Contents is empty' : !sig.contentsIsHex ? '/Contents is not a hex string' : '/Contents is all zeros'));
    return { checks };
  }
  checks.push(check('pdf.contents', 'passed'));
  if (rangeProblem) return { checks };
  const [, b, c, d] = sig.byteRange as [number, number, number, number];
  return { checks, ranges: [bytes.subarray(0, b), bytes.subarray(c, c + d)] };
}

/** The DER token inside /Contents without the placeholder's zero padding (a BER token is measured by asn1js). */
function withoutPadding(contents: Uint8Array): Uint8Array {
  const tlv = readTlv(contents, 0);
  if (tlv) return contents.subarray(0, tlv.end);
  const ber = fromBerSafe(contents);
  return ber.offset > 0 ? contents.subarray(0, ber.offset) : contents;
}

/** A DocTimeStamp field as input for the timestamp chain: field checks here, token checks in ../ltv. */
function documentTimestampField(sig: SignatureInfo, doc: PdfDocument, bytes: Uint8Array): DocumentTimestampField {
  const checks: Check[] = [];
  const sf = sig.subFilter ?? '';
  const coversDss = () => {
    const end = doc.revisions[sig.revision]?.end;
    try {
      // The prefix shares the whole file's decode budget: 16 timestamps must not mean 16 fresh budgets.
      return end !== undefined && readDss(openPdf(bytes.subarray(0, end), { decodeBudget: doc.decodeBudget })).present;
    } catch {
      return false;
    }
  };
  const base = { revision: sig.revision, coversDss, ...(sig.fieldName ? { fieldName: sig.fieldName } : {}) };
  if (sf !== DOC_TIMESTAMP_SUB_FILTER) {
    checks.push(check('pdf.sub-filter', 'failed', `document timestamp /SubFilter ${sf || '(missing)'}; expected ${DOC_TIMESTAMP_SUB_FILTER}`));
    return { ...base, fieldChecks: checks };
  }
  checks.push(check('pdf.sub-filter', 'passed', sf));
  const field = fieldChecks(sig, doc, bytes);
  checks.push(...field.checks);
  if (!field.ranges) return { ...base, fieldChecks: checks };
  return { ...base, fieldChecks: checks, token: withoutPadding(sig.contents), data: concatBytes(field.ranges) };
}

const LEVEL_ORDER: readonly PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

function lowestLevel(signatures: readonly SignatureReport[]): PadesLevel | undefined {
  const levels = signatures.map((s) => s.level);
  if (levels.length === 0 || levels.some((l) => l === undefined)) return undefined;
  return levels.reduce((lo, l) => (LEVEL_ORDER.indexOf(l!) < LEVEL_ORDER.indexOf(lo!) ? l : lo));
}

function fetchOf(opt: VerifyPdfOptions['fetchRevocation']): typeof globalThis.fetch | undefined {
  if (typeof opt === 'function') return opt;
  if (opt === true && typeof globalThis.fetch === 'function') return globalThis.fetch.bind(globalThis);
  return undefined;
}

/** A DocTimeStamp dictionary, or a signature dictionary with the RFC 3161 sub-filter (written without /Type). */
const isDocumentTimestamp = (s: SignatureInfo): boolean => s.type === 'DocTimeStamp' || s.subFilter === DOC_TIMESTAMP_SUB_FILTER;

/**
 * Whatever follows the newest signed revision: whitespace is tolerated; later revisions only if every change they
 * make is long-term-validation data (DSS, document timestamps); anything else is a change after signing.
 */
function coverageCheck(signatures: SignatureInfo[], doc: PdfDocument, bytes: Uint8Array): Check {
  const signedRevision = Math.max(...signatures.map((s) => s.revision));
  const last = doc.revisions[doc.revisions.length - 1]!;
  let end = bytes.length;
  while (end > last.end && isWhitespace(bytes[end - 1]!)) end--;
  const problems: string[] = [];
  if (end > last.end) problems.push(`${end - last.end} bytes appended after the last revision`);
  let laterCount = 0;
  if (signedRevision < last.index) {
    const result = analyseLaterRevisions(bytes, doc, signedRevision);
    laterCount = result.findings.length;
    problems.push(...result.problems);
  }
  if (problems.length > 0) return check('pdf.coverage', 'failed', problems.slice(0, 20).join('; '));
  return check('pdf.coverage', 'passed', laterCount ? `${laterCount} later revision(s) add only long-term validation data` : undefined);
}

function embeddedDataCheck(doc: PdfDocument): { check: Check; data?: EmbeddedData } {
  let files;
  try {
    files = listEmbeddedFiles(doc);
  } catch (e) {
    return { check: check('document.embedded-data', 'failed', `embedded files unreadable: ${(e as Error).message}`, 'MALFORMED') };
  }
  const data = files.filter((f) => f.name === EMBEDDED_DATA_FILENAME);
  if (data.length === 0) return { check: check('document.embedded-data', 'failed', 'no data.json is embedded') };
  if (data.length > 1) return { check: check('document.embedded-data', 'failed', `${data.length} files named data.json are embedded; exactly one is allowed`, 'MALFORMED') };
  const f = data[0]!;
  if (!f.bytes) return { check: check('document.embedded-data', 'failed', f.error ?? 'data.json has no content', 'MALFORMED') };
  if (!f.inAssociatedFiles) return { check: check('document.embedded-data', 'failed', 'data.json is not listed in the catalog /AF (PDF/A-3 associated file)', 'MALFORMED') };
  const decoded = decodeEmbeddedData(f.bytes);
  if ('error' in decoded) return { check: check('document.embedded-data', 'failed', decoded.error, 'MALFORMED') };
  return { check: check('document.embedded-data', 'passed', `AFRelationship /${f.relationship ?? '(none)'}`), data: decoded.data };
}

function documentSummary(d: EmbeddedData): Record<string, unknown> {
  return {
    id: d.id,
    address: d.address,
    serial: d.serial,
    type: d.type,
    issuer: d.issuer,
    subjectKind: d.subject?.kind,
    issuedAt: d.issuedAt,
    validUntil: d.validUntil,
    verifyUrl: d.verifyUrl,
    // The person holding the PDF already has these; the report goes back to them only (never logged).
    fields: d.fields,
  };
}

/**
 * Verifies a PDF end to end: structure, every signature (ByteRange, CMS, chain), its timestamps and the document
 * timestamps, the signer's chain and revocation status at the best-known signing time (the earliest verified
 * timestamp covering it, else now), changes after signing, the embedded data, expiry, and — when a registry lookup
 * is given — the registry status. Never throws: every problem is a check in the report. Runs in browsers (WebCrypto
 * and, only when `fetchRevocation` allows it, fetch).
 */
export async function verifyPdf(input: Uint8Array, opts: VerifyPdfOptions): Promise<VerificationReport> {
  try {
    return await verifyPdfUnsafe(input, opts);
  } catch (e) {
    return buildVerificationReport({ checks: [check('verify.internal-error', 'failed', (e as Error)?.message ?? String(e))], signatures: [] });
  }
}

async function verifyPdfUnsafe(input: Uint8Array, opts: VerifyPdfOptions): Promise<VerificationReport> {
  const max = opts.maxBytes ?? DEFAULT_MAX_PDF_BYTES;
  if (!(input instanceof Uint8Array)) return buildVerificationReport({ checks: [check('pdf.structure', 'failed', 'input is not bytes')], signatures: [] });
  if (input.length > max) {
    return buildVerificationReport({ checks: [check('pdf.size', 'failed', `${input.length} bytes; the limit is ${max} bytes`)], signatures: [] });
  }
  const checks: Check[] = [];
  let doc: PdfDocument;
  let fields: SignatureInfo[];
  try {
    doc = openPdf(input);
    // Signatures are the ones a viewer shows: fields reachable from the AcroForm. Scanning every object for stray
    // signature dictionaries cost most of the parse time and adds nothing: an unreferenced one signs nothing shown.
    fields = findSignatureFields(doc, { scanAllObjects: false });
  } catch (e) {
    return buildVerificationReport({ checks: [check('pdf.structure', 'failed', (e as Error).message)], signatures: [] });
  }
  checks.push(check('pdf.structure', 'passed', `${doc.revisions.length} revision(s)`));
  const docTimestampFields = fields.filter(isDocumentTimestamp);
  const sigs = fields.filter((s) => !isDocumentTimestamp(s));
  if (sigs.length === 0) {
    checks.push(check('pdf.signatures', 'failed', docTimestampFields.length ? 'only document timestamps, which prove time but not who signed' : undefined));
    return buildVerificationReport({ checks, signatures: [] });
  }
  checks.push(check('pdf.signatures', 'passed', `${sigs.length} signature(s)`));

  let dss: LtvContext['dss'];
  try {
    const read = readDss(doc);
    dss = { present: read.present, certificates: read.certificates, crls: read.crls, ocspResponses: read.ocspResponses };
  } catch {
    // An unreadable DSS proves nothing; signatures that need it become INDETERMINATE on their own.
    dss = { present: false, certificates: [], crls: [], ocspResponses: [] };
  }
  const fetch = fetchOf(opts.fetchRevocation);
  const ctx: LtvContext = { store: await resolveTrustStore(opts.trustRoots), now: opts.validationTime ?? new Date(), dss, ...(fetch ? { fetch } : {}) };
  const documentTimestamps = await checkDocumentTimestamps(
    docTimestampFields.slice(0, 16).map((s) => documentTimestampField(s, doc, input)),
    ctx,
  );
  checks.push(...documentTimestamps.map((d) => d.summary));

  const signatures: SignatureReport[] = [];
  for (const s of sigs.slice(0, 16)) signatures.push(await verifySignature(s, doc, input, opts, ctx, documentTimestamps));
  const coverage = coverageCheck(sigs, doc, input);
  checks.push(coverage);

  const embedded = embeddedDataCheck(doc);
  checks.push(embedded.check);
  const specimen = specimenCheck(signatures, coverage, embedded.data);
  if (specimen) checks.push(specimen);
  const pdfSha256 = await sha256Hex(input);
  let document: Record<string, unknown> | undefined;
  let status: Record<string, unknown> | undefined;
  let successor: string | undefined;
  let log: VerificationReport['log'];
  if (embedded.data) {
    const data = embedded.data;
    document = { ...documentSummary(data), pdfSha256 };
    const now = (opts.validationTime ?? new Date()).getTime();
    if (data.validUntil) {
      const until = Date.parse(data.validUntil);
      checks.push(Number.isFinite(until) && until < now ? check('document.expired', 'failed', `valid until ${data.validUntil}`) : check('document.expired', 'passed', `valid until ${data.validUntil}`));
    }
    if (specimen) {
      // A specimen is never in the registry, the public log, a status list or the issuer directory: asking would
      // only leak that someone holds one, and "not found" must not turn it into something else.
      const why = 'training specimen: not looked up';
      checks.push(makeCheck('issuer.entitled', 'skipped', why), makeCheck('status.registry', 'skipped', why), makeCheck('log.inclusion', 'skipped', why));
      status = { checked: false, specimen: true };
    } else {
      checks.push(issuerCheck(data, signatures, opts.issuers, opts.issuersRegistry));
      const dataSha256 = await sha256Hex(new TextEncoder().encode(canonicalJson(data.fields)));
      const [st, logged] = await Promise.all([registryChecks(data, { pdfSha256, dataSha256 }, opts), logInclusionCheck(data, pdfSha256, opts.transparency)]);
      checks.push(...st.checks, logged.check);
      // The signed status list is the private and offline way to learn the status. When the registry itself answered
      // (fresher, authoritative), the list would only repeat it — or contradict it while a cached copy is stale.
      if (!(st.status.checked === true && st.status.found === true)) {
        const listed = await statusListCheck(data, { fetchList: opts.fetchStatusList, trustRoots: ctx.store, issuers: opts.issuers, now: ctx.now });
        if (listed) checks.push(listed);
      }
      status = st.status;
      successor = st.successor;
      log = logged.log;
    }
  }
  const level = lowestLevel(signatures);
  const timestamps: TimestampReport[] = [...signatures.flatMap((s) => s.timestamps ?? []), ...documentTimestamps.map((d) => d.report)].sort(
    (a, b) => (a.time ?? '\uffff').localeCompare(b.time ?? '\uffff'),
  );
  const signingTime = signatures[0]?.signingTime;
  return buildVerificationReport({
    checks,
    signatures,
    ...(level ? { level } : {}),
    ...(signingTime ? { signingTime } : {}),
    ...(timestamps.length ? { timestamps } : {}),
    ...(document ? { document } : {}),
    ...(status ? { status } : {}),
    ...(log ? { log } : {}),
    ...(successor ? { successor } : {}),
    ...(document && typeof document.validUntil === 'string' ? { validUntil: document.validUntil } : {}),
  });
}
