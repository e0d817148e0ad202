import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IncrementalUpdate,
  PdfDict,
  PdfRef,
  PdfStream,
  embedSignature,
  name,
  openPdf,
  prepareSignature,
} from '../../src/pdf/index.js';
import { verifyPdf } from '../../src/verify/index.js';
import { decodeCertificatesPem } from '../../src/signing/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Revisions after a signature: DSS data and document timestamps are allowed (PAdES B-LT/B-LTA); anything else is an
 * Incremental Saving Attack. Built on real signed documents from a whole instance.
 */
let t: TestApp;
let signed: Uint8Array;
let roots: Uint8Array[];

beforeAll(async () => {
  t = await createTestApp('sqlite');
  signed = (await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).pdf;
  roots = decodeCertificatesPem(t.rootPem);
});
afterAll(async () => t?.destroy());

const coverage = async (pdf: Uint8Array) => {
  const r = await verifyPdf(pdf, { trustRoots: roots });
  return { verdict: r.verdict, check: r.checks.find((c) => c.id === 'pdf.coverage')! };
};

function update(pdf: Uint8Array, build: (upd: IncrementalUpdate, doc: ReturnType<typeof openPdf>) => void): Uint8Array {
  const doc = openPdf(pdf);
  const upd = new IncrementalUpdate(doc);
  build(upd, doc);
  return upd.build().pdf;
}

const stream = (text: string) => new PdfStream(new PdfDict(), new TextEncoder().encode(text));

describe('revisions after the signature', () => {
  it('a DSS dictionary with certificate, CRL and OCSP streams → still VALID', async () => {
    const pdf = update(signed, (upd, doc) => {
      const cert = upd.add(stream('certificate bytes'));
      const crl = upd.add(stream('crl bytes'));
      const ocsp = upd.add(stream('ocsp bytes'));
      const dss = upd.add(new PdfDict([['Type', name('DSS')], ['Certs', [cert]], ['CRLs', [crl]], ['OCSPs', [ocsp]]]));
      upd.set(doc.catalogRef, doc.catalog.clone().set('DSS', dss));
    });
    const { verdict, check } = await coverage(pdf);
    expect(check.status).toBe('passed');
    expect(check.detail).toMatch(/1 later revision/);
    expect(verdict).toBe('VALID');
  });

  it('a second DSS revision updating the first DSS → still allowed', async () => {
    const first = update(signed, (upd, doc) => {
      const dss = upd.add(new PdfDict([['Type', name('DSS')], ['Certs', [upd.add(stream('c1'))]]]));
      upd.set(doc.catalogRef, doc.catalog.clone().set('DSS', dss));
    });
    const second = update(first, (upd, doc) => {
      const dssRef = doc.catalog.get('DSS') as PdfRef;
      const dss = (doc.getObject(dssRef) as PdfDict).clone();
      dss.set('CRLs', [upd.add(stream('crl 2'))]);
      upd.set(dssRef, dss);
    });
    expect((await coverage(second)).check.status).toBe('passed');
  });

  it('a document timestamp field (invisible, DocTimeStamp) → allowed by the revision analysis', async () => {
    const prepared = prepareSignature(signed, { kind: 'timestamp', contentsBytes: 64 });
    const pdf = embedSignature(prepared, new Uint8Array(32).fill(7));
    const { check } = await coverage(pdf);
    expect(check.status, check.detail).toBe('passed');
  });

  it('/DSS pointed at the page content stream, then that stream rewritten → TAMPERED', async () => {
    const pdf = update(signed, (upd, doc) => {
      const page = doc.firstPage();
      const contents = page.dict.get('Contents');
      const contentRef = (Array.isArray(contents) ? contents[0] : contents) as PdfRef;
      upd.set(contentRef, stream('0 0 0 rg 0 0 600 800 re f'));
      upd.set(doc.catalogRef, doc.catalog.clone().set('DSS', new PdfDict([['Certs', [contentRef]]])));
    });
    const { verdict, check } = await coverage(pdf);
    expect(verdict).toBe('TAMPERED');
    expect(check.detail).toMatch(/changed/);
  });

  it('a new catalog entry other than /DSS (an OpenAction) → TAMPERED', async () => {
    const pdf = update(signed, (upd, doc) => {
      upd.set(doc.catalogRef, doc.catalog.clone().set('OpenAction', new PdfDict([['S', name('JavaScript')]])));
    });
    const { verdict, check } = await coverage(pdf);
    expect(verdict).toBe('TAMPERED');
    expect(check.detail).toMatch(/catalog changed: \/OpenAction/);
  });

  it('a visible widget added to the page (could paint over content) → TAMPERED', async () => {
    const pdf = update(signed, (upd, doc) => {
      const page = doc.firstPage();
      const widget = upd.add(new PdfDict([['Type', name('Annot')], ['Subtype', name('Widget')], ['FT', name('Sig')], ['Rect', [0, 0, 500, 500]], ['P', page.ref]]));
      const annots = doc.resolve(page.dict.get('Annots'));
      upd.set(page.ref, page.dict.clone().set('Annots', [...(Array.isArray(annots) ? annots : []), widget]));
    });
    expect((await coverage(pdf)).verdict).toBe('TAMPERED');
  });
});
