/**
 * Independent checks that a bulk variant still produces what the shipped renderer does: for the first document of
 * each type, rendered by the shipped renderer and by the variant from the same input, it runs qpdf --check,
 * pdffonts (all embedded), pdfdetach -list (data.json), pdfinfo -meta (PDF/A-3a claim), a pixel comparison of
 * page images at 50 and 150 dpi (pdftoppm, grey PGM bytes), and — after signing with a throwaway dev CA — the
 * shared pdf-check.sh (PDF/A claim, fonts, /AF attachment, QR decoded by zbarimg, signature checks).
 * Every tool runs with an argument array, never a shell string.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RenderInput } from '../../src/render/render-input.js';
import { signPdf } from '../../src/issuance/sign-pdf.js';
import { createDevRootCa, issueAgencySigningCertificate, PadesSigner } from '../../src/signing/index.js';
import { BULK_VARIANTS, makeRenderer } from './render-bulk-variants.js';

export interface CheckLine {
  variant: string;
  type: string;
  check: string;
  ok: boolean;
  detail: string;
}

function run(cmd: string, args: string[]): { status: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
  return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function pgm(file: string, dpi: number, out: string): Buffer {
  const r = run('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', file, out]);
  if (r.status !== 0) throw new Error(`pdftoppm ${file}: ${r.out}`);
  return readFileSync(`${out}.pgm`);
}

export async function checkVariants(names: string[], inputs: RenderInput[], dir: string, repoRoot: string): Promise<CheckLine[]> {
  mkdirSync(dir, { recursive: true });
  const firsts = [...new Map(inputs.map((i) => [i.templateKey, i])).values()];
  const root = await createDevRootCa();
  const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'Bulk Bench Agency', agencyNameTh: 'หน่วยงานทดสอบ', keyAlgorithm: 'P-256' });
  const signer = await PadesSigner.create(identity);
  const rootPem = join(dir, 'root.pem');
  writeFileSync(rootPem, root.certificatePem);
  const pdfCheck = resolve(repoRoot, '..', 'shared', 'tools', 'pdf-check', 'pdf-check.sh');
  const lines: CheckLine[] = [];
  const shipped = makeRenderer(BULK_VARIANTS.find((v) => v.name === 'shipped')!.spec, repoRoot);
  for (const name of names) {
    const spec = BULK_VARIANTS.find((v) => v.name === name)?.spec;
    if (!spec) throw new Error(`unknown variant ${name}`);
    const renderer = makeRenderer(spec, repoRoot);
    for (const input of firsts) {
      const type = input.templateKey.replace(/@.*/, '');
      const add = (check: string, ok: boolean, detail: string) => lines.push({ variant: name, type, check, ok, detail: detail.trim().slice(0, 200) });
      const base = join(dir, `${name}--${type}`);
      const ref = join(dir, `shipped-ref-for-${name}--${type}`);
      writeFileSync(`${base}.pdf`, renderer.render(input));
      writeFileSync(`${ref}.pdf`, shipped.render(input));
      const q = run('qpdf', ['--check', `${base}.pdf`]);
      add('qpdf --check', q.status === 0, q.out.split('\n').find((l) => /error|warning|No syntax/i.test(l)) ?? q.out);
      const fonts = run('pdffonts', [`${base}.pdf`]).out.split('\n').slice(2).filter((l) => l.trim());
      add('pdffonts: all embedded + subset', fonts.length > 0 && fonts.every((l) => / yes yes yes /.test(l)), fonts.map((l) => l.split(/\s+/)[0]).join(', '));
      const att = run('pdfdetach', ['-list', `${base}.pdf`]).out;
      add('pdfdetach: data.json', /1 embedded files[\s\S]*data\.json/.test(att), att.replace(/\n/g, ' '));
      const meta = run('pdfinfo', ['-meta', `${base}.pdf`]).out;
      add('XMP: PDF/A-3a', /pdfaid:part>3</.test(meta) && /pdfaid:conformance>A</.test(meta), (meta.match(/pdfaid:[a-z]+>[^<]+/g) ?? []).join(' '));
      const text = (f: string) => run('pdftotext', ['-layout', f, '-']).out;
      add('pdftotext = shipped', text(`${base}.pdf`) === text(`${ref}.pdf`), `${text(`${base}.pdf`).length} characters`);
      const info = (f: string) => run('pdfinfo', [f]).out.split('\n').filter((l) => /^(Title|Author|Keywords|Tagged|Pages):/.test(l)).join(' | ');
      add('pdfinfo Title/Author/Keywords/Tagged = shipped', info(`${base}.pdf`) === info(`${ref}.pdf`), info(`${base}.pdf`));
      const structs = (f: string) => (run('qpdf', ['--qdf', '--object-streams=disable', f, '-']).out.match(/\/StructElem/g) ?? []).length;
      add('structure elements = shipped', structs(`${base}.pdf`) === structs(`${ref}.pdf`), `${structs(`${base}.pdf`)} /StructElem vs ${structs(`${ref}.pdf`)}`);
      for (const dpi of [50, 150]) {
        const same = pgm(`${base}.pdf`, dpi, `${base}-${dpi}`).equals(pgm(`${ref}.pdf`, dpi, `${ref}-${dpi}`));
        add(`page image ${dpi} dpi = shipped`, same, same ? 'pixel-identical' : 'DIFFERENT');
      }
      const signed = await signPdf(readFileSync(`${base}.pdf`), signer, { reason: 'bench', location: 'bench', signingTime: new Date() });
      writeFileSync(`${base}.signed.pdf`, signed);
      if (existsSync(pdfCheck)) {
        const r = run('bash', [pdfCheck, `${base}.signed.pdf`, rootPem, '--expect-attachment', 'data.json', '--expect-qr-substring', `/v/${input.meta.documentId}`]);
        const fails = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
        add('pdf-check.sh (signed)', r.status === 0, (r.out.match(/\d+ passed, \d+ failed/)?.[0] ?? '') + ' ' + fails.join('; '));
      } else add('pdf-check.sh (signed)', false, `${pdfCheck} not found`);
    }
    renderer.close();
  }
  shipped.close();
  return lines;
}
