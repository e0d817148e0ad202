import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTypeSources, pdfaStructureProblems } from '../../../src/doctypes/authoring/index.js';
import { AGENCY, volunteerSources, withTemplate } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ekasarn-authoring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout + r.stderr };
}

const templateMessages = async (templateSource: string, timeoutMs?: number) => {
  const r = await checkTypeSources(withTemplate(templateSource), { agency: AGENCY, ...(timeoutMs ? { timeoutMs } : {}) });
  expect(r.ok).toBe(false);
  expect(r.pdfBytes).toBeUndefined();
  return r.problems.map((p) => `${p.part}: ${p.message.en} | ${p.message.th}`).join('\n');
};

/** A one-page PDF 1.7 written by hand: Helvetica not embedded, no XMP, no OutputIntent, a JavaScript OpenAction, a Launch link. */
function handMadePdf(): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >> /Annots [6 0 R] >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /S /JavaScript /JS (app.alert\\(1\\)) >>',
    // A direct (nested) action dictionary: the walk must look inside objects, not only at them.
    '<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /Launch /F (calc.exe) >> >>',
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

describe('publish checks: compile with the sample in a child process, then PDF/A structure', () => {
  it('a good type passes; its sample PDF is PDF/A-3 by independent tools too (pdffonts, pdfdetach, pdfinfo, qpdf)', async () => {
    const r = await checkTypeSources(volunteerSources(), { agency: AGENCY });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.type?.definition.id).toBe('volunteer-certificate');
    console.log(`publish check of a good type: ${JSON.stringify(r.timings)} ms`);
    const file = join(dir, 'sample.pdf');
    writeFileSync(file, r.pdfBytes!);
    const fonts = run('pdffonts', [file]).out.split('\n').slice(2).filter((l) => l.trim());
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/); // the "emb" column
    expect(run('pdfdetach', ['-list', file]).out).toContain('data.json');
    const meta = run('pdfinfo', ['-meta', file]).out;
    expect(meta).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(run('qpdf', ['--check', file]).status).toBe(0);
    expect(pdfaStructureProblems(r.pdfBytes!)).toEqual([]);
  });

  it('the structural check names each PDF/A problem of a non-conforming file', () => {
    const en = pdfaStructureProblems(handMadePdf()).map((p) => p.message.en);
    expect(en).toEqual([
      'the PDF has no XMP metadata stream (/Metadata), which PDF/A requires',
      'the PDF has no /GTS_PDFA1 OutputIntent with a colour profile',
      'font Helvetica is not embedded',
      'the PDF contains a JavaScript action, which official documents must not have',
      'the PDF contains a Launch action, which official documents must not have',
      'the PDF has no embedded data.json',
    ]);
    expect(pdfaStructureProblems(new TextEncoder().encode('not a pdf'))[0]!.message.en).toMatch(/^the produced PDF cannot be read/);
  });

  it("a syntax error is reported with Typst's own message, on template.typ", async () => {
    const text = await templateMessages('#import "/_shared/official.typ": *\n#let y = (\nhello');
    expect(text).toContain('template: the template does not compile');
    expect(text).toContain('template.typ');
    expect(text).toContain('unclosed delimiter');
    expect(text).toContain('แม่แบบแปลผลไม่สำเร็จ');
  });

  it('templates cannot read the real file system: absolute paths stay inside the empty private root, ".." is refused', async () => {
    // The renderer's root is an empty temporary folder holding only mapped files; "/" in Typst means that root.
    expect(await templateMessages('#read("/etc/passwd")')).toMatch(/file not found \(searched at \/etc\/passwd\)/);
    expect(await templateMessages('#image("/etc/hostname")')).toMatch(/file not found \(searched at \/etc\/hostname\)/);
    expect(await templateMessages('#read("../../../../../../etc/passwd")')).toContain('cannot read file outside of project root');
  });

  it('a template that runs too long is killed at the time limit and reported', async () => {
    const started = Date.now();
    const text = await templateMessages('#for i in range(2000000000) { }\nnever', 1500);
    expect(text).toContain('the template did not finish compiling within 1.5 s and was stopped');
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('a sample that does not validate stops the check before compiling', async () => {
    const r = await checkTypeSources(volunteerSources({ sample: { citizen_id: '1103700123458', full_name_th: '', hours: 1 } }), { agency: AGENCY });
    expect(r.ok).toBe(false);
    expect(r.timings.compileMs).toBe(0);
    expect(r.problems.map((p) => p.message.en)).toEqual(['sample data: Full name must not be empty']);
  });
});
