import { openPdf, serializeObject, PdfDict, PdfParseError, PdfRef, PdfStream, isName, type PdfDocument, type PdfObject } from '../../pdf/index.js';

/**
 * What the revisions after a signature changed, and whether every change is one that long-term validation is allowed
 * to make (PAdES B-LT / B-LTA): a /DSS dictionary with certificates, CRLs and OCSP responses, and document timestamps
 * with their (invisible) fields. Anything else — page content, annotations, form values, metadata, the embedded data —
 * is an Incremental Saving Attack and must not verify.
 *
 * The state before each later revision is read by opening the file cut at that revision's end: no second parser,
 * and each comparison sees exactly what a viewer would have shown then.
 */
export interface LaterRevisionFinding {
  revision: number;
  /** Object numbers and what they were found to be. */
  changes: { num: number; kind: string; allowed: boolean; why?: string }[];
}

export interface LaterRevisionsResult {
  allowed: boolean;
  findings: LaterRevisionFinding[];
  /** Human summary of disallowed changes (English, technical). */
  problems: string[];
}

const MAX_REVISIONS_ANALYSED = 64;

function same(a: PdfObject | undefined, b: PdfObject | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a instanceof PdfStream || b instanceof PdfStream) {
    if (!(a instanceof PdfStream && b instanceof PdfStream)) return false;
    return bytesEqual(serializeObject(a.dict), serializeObject(b.dict)) && bytesEqual(a.raw, b.raw);
  }
  return bytesEqual(serializeObject(a), serializeObject(b));
}

function bytesEqual(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Keys whose values differ between two dictionaries. */
function changedKeys(before: PdfDict, after: PdfDict): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => !same(before.get(k), after.get(k)));
}

const refKey = (o: PdfObject | undefined): string | null => (o instanceof PdfRef ? `${o.num}/${o.gen}` : null);

/** True when `after` keeps every element of `before` in order at its start (only appended to). */
function onlyAppended(before: PdfObject[], after: PdfObject[]): boolean {
  if (after.length < before.length) return false;
  return before.every((x, i) => same(x, after[i]));
}

function isSignatureWidget(doc: PdfDocument, o: PdfObject | undefined): boolean {
  const d = doc.resolve(o);
  if (!(d instanceof PdfDict)) return false;
  if (!isName(d.get('FT'), 'Sig')) return false;
  const rect = doc.resolve(d.get('Rect'));
  // Only invisible signature widgets: a visible one could paint over the page.
  return Array.isArray(rect) && rect.length === 4 && rect.every((v) => typeof v === 'number') && (rect[0] === rect[2] || rect[1] === rect[3]);
}

function classify(num: number, before: PdfDocument, after: PdfDocument, dssBefore: Set<string>, dssAfter: Set<string>): { kind: string; allowed: boolean; why?: string } {
  const ref = { num, gen: 0 };
  const old = before.entry(num) ? before.getObject(ref) : undefined;
  const now = after.getObject(ref);
  if (old === undefined || old === null) {
    // A new object changes nothing on its own; it matters only if a changed existing object points to it, and
    // those changes are judged below.
    return { kind: 'new object', allowed: true };
  }
  if (same(old, now)) return { kind: 'rewritten unchanged', allowed: true };
  const key = `${num}/0`;
  // An existing object may change as DSS data only if it already was DSS data: otherwise pointing /DSS at, say, a
  // page content stream would smuggle a content change through.
  if (dssBefore.has(key) && dssAfter.has(key)) return { kind: 'DSS data', allowed: true };

  if (old instanceof PdfDict && now instanceof PdfDict) {
    const type = old.get('Type');
    const diff = changedKeys(old, now);
    if (isName(type, 'Catalog')) {
      const bad = diff.filter((k) => k !== 'DSS' && k !== 'AcroForm');
      if (bad.length) return { kind: 'catalog', allowed: false, why: `catalog changed: /${bad.join(', /')}` };
      if (diff.includes('AcroForm')) {
        const a = before.resolve(old.get('AcroForm'));
        const b = after.resolve(now.get('AcroForm'));
        if (a instanceof PdfDict && b instanceof PdfDict && !acroFormOk(before, after, a, b)) return { kind: 'catalog', allowed: false, why: 'form fields changed' };
      }
      return { kind: 'catalog (/DSS, signature fields)', allowed: true };
    }
    if (isName(type, 'Page')) {
      const bad = diff.filter((k) => k !== 'Annots');
      if (bad.length) return { kind: 'page', allowed: false, why: `page changed: /${bad.join(', /')}` };
      const a = before.resolve(old.get('Annots'));
      const b = after.resolve(now.get('Annots'));
      if (!annotsOk(after, Array.isArray(a) ? a : [], Array.isArray(b) ? b : [])) return { kind: 'page', allowed: false, why: 'annotations other than invisible signature fields were added or removed' };
      return { kind: 'page (signature field added)', allowed: true };
    }
    if (old.has('Fields') || now.has('Fields')) {
      return acroFormOk(before, after, old, now) ? { kind: 'form (signature field added)', allowed: true } : { kind: 'form', allowed: false, why: 'form fields changed' };
    }
    return { kind: 'dictionary', allowed: false, why: `object ${num} changed (/${diff.slice(0, 5).join(', /')})` };
  }
  if (Array.isArray(old) && Array.isArray(now)) {
    if (onlyAppended(old, now) && now.slice(old.length).every((x) => isSignatureWidget(after, x))) return { kind: 'array (signature field appended)', allowed: true };
    return { kind: 'array', allowed: false, why: `array object ${num} changed` };
  }
  return { kind: old instanceof PdfStream ? 'stream' : 'object', allowed: false, why: `object ${num} changed` };
}

function acroFormOk(before: PdfDocument, after: PdfDocument, a: PdfDict, b: PdfDict): boolean {
  const bad = changedKeys(a, b).filter((k) => k !== 'Fields' && k !== 'SigFlags');
  if (bad.length) return false;
  const fa = before.resolve(a.get('Fields'));
  const fb = after.resolve(b.get('Fields'));
  const oldFields = Array.isArray(fa) ? fa : [];
  const newFields = Array.isArray(fb) ? fb : [];
  return onlyAppended(oldFields, newFields) && newFields.slice(oldFields.length).every((x) => isSignatureWidget(after, x));
}

function annotsOk(after: PdfDocument, a: PdfObject[], b: PdfObject[]): boolean {
  return onlyAppended(a, b) && b.slice(a.length).every((x) => isSignatureWidget(after, x));
}

/** Every object reachable from the catalog's /DSS in `doc` (dictionary, arrays, streams, VRI entries). */
function dssObjectRefs(doc: PdfDocument): Set<string> {
  const out = new Set<string>();
  const stack: PdfObject[] = [doc.catalog.get('DSS') ?? null];
  let budget = 100_000;
  while (stack.length && budget-- > 0) {
    const o = stack.pop()!;
    const k = refKey(o);
    if (k) {
      if (out.has(k)) continue;
      out.add(k);
    }
    const v = doc.resolve(o);
    if (v instanceof PdfDict) for (const key of v.keys()) stack.push(v.get(key)!);
    else if (Array.isArray(v)) stack.push(...v);
  }
  return out;
}

/** Judges every revision after `signedRevision` (an index into doc.revisions). */
export function analyseLaterRevisions(bytes: Uint8Array, doc: PdfDocument, signedRevision: number): LaterRevisionsResult {
  const findings: LaterRevisionFinding[] = [];
  const problems: string[] = [];
  const later = doc.revisions.filter((r) => r.index > signedRevision);
  if (later.length > MAX_REVISIONS_ANALYSED) {
    return { allowed: false, findings, problems: [`${later.length} revisions after the signature; at most ${MAX_REVISIONS_ANALYSED} are analysed`] };
  }
  let before: PdfDocument;
  try {
    before = openPdf(bytes.subarray(0, doc.revisions[signedRevision]!.end), { decodeBudget: doc.decodeBudget });
  } catch (e) {
    // Found by fuzzing: a parse error here used to escape verifyPdf's own checks (verify.internal-error). A signed
    // revision that cannot be read on its own is a finding of this check, not an engine failure.
    if (e instanceof PdfParseError) return { allowed: false, findings, problems: [`the signed revision cannot be read on its own: ${e.message}`] };
    throw e;
  }
  for (const r of later) {
    try {
      before = analyseRevision(bytes, r, before, doc.decodeBudget, findings, problems);
    } catch (e) {
      // A later revision whose objects or cross-reference section cannot be read (damaged, or pointing into other
      // revisions) cannot be shown to add only validation data: it is a change after signing, not an engine error.
      if (!(e instanceof PdfParseError)) throw e;
      problems.push(`revision ${r.index} cannot be read: ${e.message}`);
      break;
    }
  }
  return { allowed: problems.length === 0, findings, problems };
}

/** Compares one later revision with the state before it; returns the state after it. */
function analyseRevision(bytes: Uint8Array, r: PdfDocument['revisions'][number], before: PdfDocument, budget: PdfDocument['decodeBudget'], findings: LaterRevisionFinding[], problems: string[]): PdfDocument {
  // The whole file's decode budget: each revision is opened afresh, and a decompression bomb in an early revision
  // must not be inflated once per revision (up to 65 times) on fresh budgets.
  const after = openPdf(bytes.subarray(0, r.end), { decodeBudget: budget });
  for (const key of ['Root', 'Info', 'Encrypt']) {
    if (!same(before.trailer.get(key), after.trailer.get(key))) problems.push(`revision ${r.index}: trailer /${key} changed`);
  }
  const dssBefore = dssObjectRefs(before);
  const dssAfter = dssObjectRefs(after);
  const changes = [...r.objects].sort((x, y) => x - y).map((num) => ({ num, ...classify(num, before, after, dssBefore, dssAfter) }));
  for (const num of r.freed) changes.push({ num, kind: 'deleted', allowed: false, why: `object ${num} deleted` });
  findings.push({ revision: r.index, changes });
  for (const c of changes) if (!c.allowed) problems.push(`revision ${r.index}: ${c.why ?? c.kind}`);
  return after;
}
