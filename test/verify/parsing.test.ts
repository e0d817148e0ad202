// The hand-written DER fast paths agree with asn1js/pkijs, and the ECDSA conversion is strict.
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaDerToRaw } from '../../src/verify/cms/algorithms.js';
import { readSignerInfo } from '../../src/verify/cms/signer-info.js';
import { decodeOid } from '../../src/verify/der.js';
import { makePki, type Pki } from './helpers/openssl-pki.js';

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki?.cleanup());

describe('decodeOid', () => {
  it('matches asn1js on real and edge-case OIDs', () => {
    for (const oid of ['1.2.840.113549.1.9.16.2.47', '2.16.840.1.101.3.4.2.1', '1.3.132.0.34', '0.9.2342.19200300.100.1.25', '2.999.1']) {
      const der = new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));
      expect(decodeOid(der.subarray(2))).toBe(oid);
    }
    expect(decodeOid(new Uint8Array([0x2a, 0x86]))).toBeUndefined(); // unterminated arc
    expect(decodeOid(new Uint8Array([0x2a, 0x80, 0x01]))).toBeUndefined(); // non-minimal
  });
});

describe('ecdsaDerToRaw', () => {
  it('pads r and s to the curve size and rejects irregular encodings', () => {
    const raw = ecdsaDerToRaw(new Uint8Array([0x30, 0x07, 0x02, 0x01, 0x05, 0x02, 0x02, 0x00, 0x80]), 32)!;
    expect(raw.length).toBe(64);
    expect(raw[31]).toBe(5);
    expect(raw[63]).toBe(0x80);
    expect(ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x01]), 32)).toBeUndefined(); // negative r
    expect(ecdsaDerToRaw(new Uint8Array([0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x01]), 32)).toBeUndefined(); // non-minimal
    expect(ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x01, 0x00]), 32)).toBeUndefined(); // trailing
    expect(ecdsaDerToRaw(new Uint8Array([0x30, 0x25, 0x02, 0x21, ...new Array(33).fill(0x11), 0x02, 0x01, 0x01]), 32)).toBeUndefined(); // r too long
  });
});

describe('readSignerInfo', () => {
  it('the DER fast path and the pkijs path read the same SignerInfo identically', () => {
    for (const extra of [[], ['-keyid']]) {
      const cms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', extra });
      const ci = asn1js.fromBER(cms).result as asn1js.Sequence;
      const sd = (ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
      const sis = sd.valueBlock.value[sd.valueBlock.value.length - 1] as asn1js.Set;
      const el = sis.valueBlock.value[0]!;
      const fast = readSignerInfo(el.valueBeforeDecodeView, () => el);
      const slow = readSignerInfo(new Uint8Array(0), () => el); // empty bytes force the pkijs path
      const view = (d: typeof fast) => ({
        sid: d.sid.kind === 'ski' ? { ski: [...d.sid.ski] } : { issuer: [...d.sid.issuerDer], serial: [...d.sid.serial] },
        digest: d.digestAlgorithm.algorithmId,
        sigAlg: d.signatureAlgorithm.algorithmId,
        signature: [...d.signature],
        signed: [...d.signedAttrs!.encoded],
        attrs: d.signedAttrs!.attributes.map((a) => ({ type: a.type, values: a.values.map((v) => [...v.der]) })),
      });
      expect(view(fast)).toEqual(view(slow));
      expect(fast.sid.kind).toBe(extra.length ? 'ski' : 'issuerSerial');
      expect(fast.signedAttrs!.encoded[0]).toBe(0x31);
    }
  });
});
