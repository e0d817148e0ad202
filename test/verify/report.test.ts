// The report model: verdict rule, sentences for every verdict and check.
import { describe, expect, it } from 'vitest';
import {
  CHECK_MESSAGES,
  CMS_CHECK_ORDER,
  VERDICTS,
  VERDICT_MESSAGES,
  buildSignatureReport,
  buildVerificationReport,
  decideVerdict,
  makeCheck,
  summarize,
  type Check,
} from '../../src/verify/index.js';

const THAI = /[\u0E00-\u0E7F]/;
const pass = (id: Parameters<typeof makeCheck>[0]) => makeCheck(id, 'passed');
const fail = (id: Parameters<typeof makeCheck>[0]) => makeCheck(id, 'failed', 'because');

describe('decideVerdict', () => {
  it('nothing checked → INDETERMINATE; all passed → VALID; warnings do not change VALID', () => {
    expect(decideVerdict([])).toBe('INDETERMINATE');
    expect(decideVerdict([pass('cms.signature'), pass('chain.trusted')])).toBe('VALID');
    expect(decideVerdict([pass('cms.signature'), makeCheck('pades.no-signing-time', 'warning')])).toBe('VALID');
    expect(decideVerdict([makeCheck('cms.signature', 'skipped'), makeCheck('chain.trusted', 'info')])).toBe('INDETERMINATE');
  });

  it('maps each failure class to its verdict', () => {
    expect(decideVerdict([pass('cms.parse'), fail('cms.message-digest')])).toBe('TAMPERED');
    expect(decideVerdict([fail('cms.signature')])).toBe('TAMPERED');
    expect(decideVerdict([fail('cms.signing-certificate')])).toBe('TAMPERED');
    expect(decideVerdict([fail('chain.trusted')])).toBe('UNTRUSTED');
    expect(decideVerdict([fail('chain.signer-key-usage')])).toBe('UNTRUSTED');
    expect(decideVerdict([fail('cms.parse')])).toBe('MALFORMED');
    expect(decideVerdict([fail('pades.signing-certificate-v2')])).toBe('MALFORMED');
    expect(decideVerdict([fail('chain.validity')])).toBe('INDETERMINATE');
    expect(decideVerdict([fail('cms.digest-algorithm')])).toBe('INDETERMINATE');
  });

  it('TAMPERED outranks everything; issuer status outranks trust; MALFORMED outranks UNTRUSTED', () => {
    const revoked: Check = { id: 'status.revoked', status: 'failed', message: { th: 'ก', en: 'x' } };
    expect(decideVerdict([fail('chain.trusted'), fail('cms.message-digest'), revoked])).toBe('TAMPERED');
    expect(decideVerdict([fail('chain.trusted'), revoked])).toBe('REVOKED');
    expect(decideVerdict([fail('chain.trusted'), fail('cms.parse')])).toBe('MALFORMED');
    expect(decideVerdict([fail('chain.validity'), fail('chain.trusted')])).toBe('UNTRUSTED');
  });

  it('honours onFailure, prefix defaults and unknown ids deterministically', () => {
    const custom: Check = { id: 'document.whatever', status: 'failed', onFailure: 'SUPERSEDED', message: { th: 'ก', en: 'x' } };
    expect(decideVerdict([custom, fail('chain.trusted')])).toBe('SUPERSEDED');
    const pdf: Check = { id: 'pdf.xref', status: 'failed', message: { th: 'ก', en: 'x' } };
    expect(decideVerdict([pdf])).toBe('MALFORMED');
    const byteRange: Check = { id: 'pdf.byte-range', status: 'failed', message: { th: 'ก', en: 'x' } };
    expect(decideVerdict([byteRange])).toBe('TAMPERED');
    const unknown: Check = { id: 'something.new', status: 'failed', message: { th: 'ก', en: 'x' } };
    expect(decideVerdict([unknown, pass('cms.signature')])).toBe('INDETERMINATE');
    expect(decideVerdict([{ ...fail('cms.message-digest'), onFailure: 'INDETERMINATE' }])).toBe('INDETERMINATE');
  });
});

describe('messages', () => {
  it('every verdict has a Thai and an English sentence; VALID names the signer', () => {
    for (const v of VERDICTS) {
      const m = VERDICT_MESSAGES[v]({});
      expect(m.th, v).toMatch(THAI);
      expect(m.en.length, v).toBeGreaterThan(10);
    }
    const valid = summarize('VALID', { signer: 'กรมการปกครอง' });
    expect(valid.th).toBe('เอกสารนี้ถูกต้อง ลงนามโดย กรมการปกครอง และไม่ถูกแก้ไขหลังลงนาม');
    expect(valid.en).toBe('This document is genuine: signed by กรมการปกครอง and unchanged since signing.');
    expect(summarize('SUPERSEDED', { successor: 'กพร 0201/2568/000124' }).th).toContain('กพร 0201/2568/000124');
  });

  it('every check id used by the CMS verifier has Thai and English texts for each status', () => {
    for (const id of CMS_CHECK_ORDER) {
      const t = CHECK_MESSAGES[id];
      for (const text of [t.title, t.passed, t.failed]) {
        expect(text.th, id).toMatch(THAI);
        expect(text.en, id).toMatch(/^[A-Z]/);
      }
      for (const status of ['passed', 'failed', 'warning', 'skipped', 'info'] as const) {
        const c = makeCheck(id, status);
        expect(c.message.th.length, `${id}/${status}`).toBeGreaterThan(3);
      }
    }
    expect(makeCheck('cms.signature', 'skipped').message.en).toBe('Digital signature — not checked');
  });
});

describe('report builders', () => {
  it('a signature report and the document report agree on the verdict and name the signer', () => {
    const signer = {
      subject: 'C=TH, O=สำนักงาน ก.พ.ร., CN=ผู้ลงนาม ทดสอบ',
      commonName: 'ผู้ลงนาม ทดสอบ',
      organization: 'สำนักงาน ก.พ.ร.',
      serialHex: '1234',
      issuer: 'CN=CA',
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2027-01-01T00:00:00.000Z',
      sha256: 'ab'.repeat(32),
    };
    const sig = buildSignatureReport({
      fieldName: 'Signature1',
      subFilter: 'ETSI.CAdES.detached',
      claimedSigningTime: new Date('2025-06-01T03:00:00Z'),
      signer,
      checks: [pass('cms.signature'), pass('cms.message-digest')],
    });
    expect(sig.verdict).toBe('VALID');
    expect(sig.claimedSigningTime).toBe('2025-06-01T03:00:00.000Z');
    expect(sig.chain).toEqual([signer.subject]);
    const report = buildVerificationReport({ signatures: [sig], document: { id: 'x' } });
    expect(report.verdict).toBe('VALID');
    expect(report.summary.th).toBe('เอกสารนี้ถูกต้อง ลงนามโดย ผู้ลงนาม ทดสอบ (สำนักงาน ก.พ.ร.) และไม่ถูกแก้ไขหลังลงนาม');
    expect(report.document).toEqual({ id: 'x' });

    const tampered = buildVerificationReport({ signatures: [{ ...sig, checks: [fail('cms.message-digest')] }] });
    expect(tampered.verdict).toBe('TAMPERED');
    expect(JSON.parse(JSON.stringify(tampered))).toEqual(tampered); // plain JSON, safe to send to a browser
  });
});
