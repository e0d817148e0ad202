/**
 * Poppler/NSS must accept our CMS inside a PDF signature (SubFilter ETSI.CAdES.detached). The PDF here is a
 * minimal hand-written one-pager, only so `pdfsig` has something to read — the real PDF writer lives in src/pdf.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PadesSigner, createDevRootCa, issueAgencySigningCertificate, type KeyAlgorithm } from '../../src/signing/index.js';
import { scratchDir, write } from './tools.js';

const CONTENTS_HEX_LENGTH = 16_384;

/** Builds a one-page PDF with an empty signature field and returns it with the offsets of the /Contents hex string. */
function unsignedPdf(): { pdf: Buffer; contentsStart: number; contentsEnd: number } {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>',
    '<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /V 5 0 R /T (Signature1) /F 132 /P 3 0 R >>',
    `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 0000000000 0000000000 0000000000] ` +
      `/Contents <${'0'.repeat(CONTENTS_HEX_LENGTH)}> /M (D:20260101000000Z) >>`,
  ];
  let body = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const pdf = Buffer.from(body, 'latin1');
  const contentsStart = pdf.indexOf('/Contents <') + '/Contents '.length;
  return { pdf, contentsStart, contentsEnd: contentsStart + CONTENTS_HEX_LENGTH + 2 };
}

async function signPdf(signer: PadesSigner): Promise<Buffer> {
  const { pdf, contentsStart, contentsEnd } = unsignedPdf();
  const byteRange = [0, contentsStart, contentsEnd, pdf.length - contentsEnd];
  const placeholder = '[0 0000000000 0000000000 0000000000]';
  const filled = `[${byteRange.map((n) => String(n).padStart(n === 0 ? 1 : 10, '0')).join(' ')}]`.padEnd(placeholder.length, ' ');
  const at = pdf.indexOf(placeholder);
  pdf.write(filled, at, 'latin1');
  const digest = createHash('sha256').update(pdf.subarray(0, contentsStart)).update(pdf.subarray(contentsEnd)).digest();
  const cms = await signer.signDigest(new Uint8Array(digest));
  const hex = Buffer.from(cms).toString('hex');
  expect(hex.length).toBeLessThanOrEqual(CONTENTS_HEX_LENGTH);
  pdf.write(hex, contentsStart + 1, 'latin1');
  return pdf;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout + result.stderr;
}

describe('pdfsig accepts the CMS in a PDF', () => {
  it.each<KeyAlgorithm>(['RSA-2048', 'P-256'])('%s: "Signature is Valid", certificate trusted, ETSI.CAdES.detached', async (keyAlgorithm) => {
    const root = await createDevRootCa();
    const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'PDF Agency', agencyNameTh: 'หน่วยงานพีดีเอฟ', keyAlgorithm });
    const dir = scratchDir('pdfsig');
    const rootFile = write(dir, 'root.pem', root.certificatePem);
    const nssDir = `sql:${dir}`;
    run('certutil', ['-N', '-d', nssDir, '--empty-password']);
    run('certutil', ['-A', '-d', nssDir, '-n', 'ekasarn-dev-root', '-t', 'C,C,C', '-i', rootFile]);

    const pdfFile = write(dir, 'signed.pdf', await signPdf(await PadesSigner.create(identity)));
    const report = run('pdfsig', ['-nssdir', nssDir, pdfFile]);
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Certificate Validation: Certificate is Trusted.');
    expect(report).toContain('Signer Certificate Common Name: หน่วยงานพีดีเอฟ');

    // One changed byte inside the signed range must turn the verdict.
    const tampered = Buffer.from(await import('node:fs').then((fs) => fs.readFileSync(pdfFile)));
    tampered[tampered.indexOf('/MediaBox [0 0 200 200]') + 15] = '3'.charCodeAt(0);
    const tamperedFile = write(dir, 'tampered.pdf', tampered);
    const tamperedReport = run('pdfsig', ['-nssdir', nssDir, tamperedFile]);
    expect(tamperedReport).not.toContain('Signature is Valid.');
    expect(tamperedReport).toMatch(/Digest Mismatch/);
  });
});
