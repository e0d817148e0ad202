/**
 * One test per engine bug the fuzzer and the hostile-graph tests found, on a genuine document edited precisely so the
 * bug's path is taken. Each used to end in `verify.internal-error` (an exception caught only by verifyPdf's last-resort
 * net) or in unbounded decompression work.
 */
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPdf, PdfStream, PdfDict, PdfName } from '../../src/pdf/index.js';
import { childrenOf, readTlv, type Tlv } from '../../src/verify/der.js';
import { verifyPdf, type VerificationReport, type VerifyPdfOptions } from '../../src/verify/index.js';
import { issueCorpus, type Corpus, type CorpusDoc } from './lib/corpus.js';
import { reportViolations } from './lib/properties.js';

let corpus: Corpus;
let opts: VerifyPdfOptions;
const doc = (name: string): CorpusDoc => corpus.docs.find((d) => d.name === name)!;

beforeAll(async () => {
  corpus = await issueCorpus();
  opts = { trustRoots: corpus.trustRoots, validationTime: corpus.validationTime };
}, 120_000);

const checks = (r: VerificationReport) => [...r.checks, ...r.signatures.flatMap((s) => s.checks)];
const failedIds = (r: VerificationReport) => checks(r).filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.detail ?? ''}`);

/** The DER child at `path` (indexes into children) below the element at 0. */
function at(der: Uint8Array, path: number[]): Tlv {
  let t = readTlv(der, 0)!;
  for (const i of path) t = childrenOf(der, t)![i]!;
  return t;
}

/** Decodes the first signature's /Contents, lets `edit` change the DER in place, writes it back as hex. */
function editCms(pdf: CorpusDoc, edit: (der: Uint8Array) => void): Uint8Array {
  const open = pdf.signedRanges[0]![1];
  const close = pdf.signedRanges[1]![0] - 1;
  const hex = new TextDecoder('latin1').decode(pdf.bytes.subarray(open + 1, close));
  const der = new Uint8Array(Buffer.from(hex, 'hex'));
  edit(der);
  const out = pdf.bytes.slice();
  out.set(new TextEncoder().encode(Buffer.from(der).toString('hex')), open + 1);
  return out;
}

/** Breaks the issuer Name of a SignerInfo's issuerAndSerialNumber without changing any length: first RDN SET → NULL. */
function breakSidIssuer(der: Uint8Array, signerInfo: Tlv): void {
  const sid = childrenOf(der, signerInfo)![1]!;
  const issuer = childrenOf(der, sid)![0]!;
  expect(der[issuer.contentStart]).toBe(0x31);
  der[issuer.contentStart] = 0x05;
}

describe('bugs found by fuzzing (each was an exception escaping to verify.internal-error)', () => {
  it('a later revision that cannot be read on its own (its startxref points elsewhere) → pdf.coverage failed, TAMPERED', async () => {
    const lta = doc('b-lta-training');
    const text = new TextDecoder('latin1').decode(lta.bytes);
    // The startxref of revision 1 (the DSS update): only opening the file cut after that revision reads it.
    const signedEnd = lta.signedRanges[1]![1];
    const m = /startxref\s+(\d+)/g;
    m.lastIndex = signedEnd;
    const hit = m.exec(text)!;
    expect(hit.index).toBeLessThan(lta.timestampRanges[0]![1]);
    const digitsAt = hit.index + hit[0].length - hit[1]!.length;
    const bytes = lta.bytes.slice();
    bytes.set(new TextEncoder().encode(String(Number(hit[1]) - 40).padStart(hit[1]!.length, '0')), digitsAt);
    const r = await verifyPdf(bytes, opts);
    expect(reportViolations(r, bytes, [])).toEqual([]);
    expect(r.verdict, failedIds(r).join('\n')).toBe('TAMPERED');
    expect(checks(r).find((c) => c.id === 'pdf.coverage')?.detail).toMatch(/cannot be read/);
  });

  it('a SignerInfo whose sid issuer name does not decode (serial still matching) → cms.parse failed, MALFORMED', async () => {
    const bytes = editCms(doc('b-b-training'), (der) => {
      // ContentInfo → [0] → SignedData → last child = signerInfos SET → first SignerInfo.
      const signedData = at(der, [1, 0]);
      const parts = childrenOf(der, signedData)!;
      breakSidIssuer(der, childrenOf(der, parts[parts.length - 1]!)![0]!);
    });
    const r = await verifyPdf(bytes, opts);
    expect(reportViolations(r, bytes, [])).toEqual([]);
    expect(r.verdict, failedIds(r).join('\n')).toBe('MALFORMED');
    expect(checks(r).find((c) => c.id === 'cms.parse')?.detail).toMatch(/sid issuer name does not decode/);
  });

  it('the same inside the signature timestamp token (B-LTA document) → a timestamp failure, no internal error', async () => {
    const bytes = editCms(doc('b-lta-training'), (der) => {
      const signedData = at(der, [1, 0]);
      const parts = childrenOf(der, signedData)!;
      const signerInfo = childrenOf(der, parts[parts.length - 1]!)![0]!;
      // unsignedAttrs [1] is the SignerInfo's last child; its timeStampToken attribute holds the token (a ContentInfo).
      const fields = childrenOf(der, signerInfo)!;
      const unsigned = fields[fields.length - 1]!;
      expect(unsigned.tag).toBe(0xa1);
      const attr = childrenOf(der, unsigned)![0]!;
      const token = childrenOf(der, childrenOf(der, attr)![1]!)![0]!;
      const tokenSignedData = childrenOf(der, childrenOf(der, token)![1]!)![0]!;
      const tsParts = childrenOf(der, tokenSignedData)!;
      breakSidIssuer(der, childrenOf(der, tsParts[tsParts.length - 1]!)![0]!);
    });
    const r = await verifyPdf(bytes, opts);
    expect(reportViolations(r, bytes, [])).toEqual([]);
    expect(r.verdict).not.toBe('VALID');
    expect(JSON.stringify(r)).toMatch(/sid issuer name does not decode/);
  });
});

describe('asn1js throwing instead of reporting (found by the 30,000-case script run)', () => {
  it('a BER CMS holding a GeneralizedTime whose text is not a time → cms.parse failed, MALFORMED', async () => {
    const bytes = editCms(doc('b-b-training'), (der) => {
      // The signer certificate's notBefore (UTCTime "YYMMDDhhmmssZ") becomes a GeneralizedTime ending in 'x'.
      let i = 0;
      while (!(der[i] === 0x17 && der[i + 1] === 0x0d && der[i + 14] === 0x5a)) i++;
      der[i] = 0x18;
      der[i + 14] = 0x78;
      // Outer SEQUENCE re-written with an indefinite length (same size: 30 80 … 00 00 instead of 30 82 LL LL), so
      // the DER fast path declines and the whole CMS goes through asn1js.fromBER, which threw here.
      const top = readTlv(der, 0)!;
      expect(top.contentStart).toBe(4);
      const content = der.slice(4, top.end);
      der.set([0x30, 0x80], 0);
      der.set(content, 2);
      der.set([0, 0], 2 + content.length);
    });
    const r = await verifyPdf(bytes, opts);
    expect(reportViolations(r, bytes, [])).toEqual([]);
    expect(r.verdict, failedIds(r).join('\n')).toBe('MALFORMED');
    expect(checks(r).find((c) => c.id === 'cms.parse')?.detail).toMatch(/Wrong input string/);
  });
});

describe('decompression budget (found by the hostile-graph tests)', () => {
  const bombStream = (size: number) => new PdfStream(new PdfDict([['Filter', PdfName.of('FlateDecode')]]), deflateSync(new Uint8Array(size)), -1, -1);

  it('a decode stopped at its cap is charged to the document budget, so repeating it soon exhausts the budget', () => {
    const pdf = openPdf(doc('b-b-training').bytes, { maxTotalDecodedSize: 10 * 1024 * 1024 });
    const bomb = bombStream(64 * 1024 * 1024);
    let failures = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        pdf.decodeStream(bomb, 4 * 1024 * 1024);
      } catch (e) {
        failures++;
        if (/document limit/.test((e as Error).message)) break;
      }
    }
    // Two or three capped attempts use up 10 MiB; the fourth is refused without inflating anything.
    expect(failures).toBeLessThanOrEqual(4);
    expect(pdf.decodeBudget.remaining).toBeLessThanOrEqual(0);
  });

  it('documents opened over prefixes of one file can share its budget', () => {
    const bytes = doc('b-lta-training').bytes;
    const whole = openPdf(bytes, { maxTotalDecodedSize: 5 * 1024 * 1024 });
    const prefix = openPdf(bytes.subarray(0, whole.revisions[0]!.end), { decodeBudget: whole.decodeBudget });
    expect(() => prefix.decodeStream(bombStream(64 * 1024 * 1024), 8 * 1024 * 1024)).toThrow(/exceeds the limit/);
    expect(whole.decodeBudget.remaining).toBeLessThanOrEqual(0);
    expect(() => whole.decodeStream(bombStream(1024))).toThrow(/document limit/);
  });
});
