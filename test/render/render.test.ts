import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, RenderError, type Renderer } from '../../src/render/index.js';
import { catalog, pdfFonts, pdfText, run } from './helpers/pdf-tools.js';
import { sampleInput } from './helpers/sample-input.js';

const PREVIEW = '/tmp/render-preview';
let dir: string;
let renderer: Renderer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ekasarn-render-test-'));
  mkdirSync(PREVIEW, { recursive: true });
  renderer = createRenderer();
});
afterAll(() => {
  renderer?.close();
  rmSync(dir, { recursive: true, force: true });
});

function save(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe.each([
  ['training-certificate', ['นางสาวพิมพ์ชนก', 'ผู้มีทรัพย์', '1-1037-00123-45-8', 'ฝอ. 2568/000123']],
  ['factory-licence', ['ป่าตองผลิตภัณฑ์ไม้', '0-1055-56012-34-1', '1,250', 'รง.4 000123/2568', '14 มกราคม พ.ศ. 2573']],
])('sample %s', (typeId, expectedTexts) => {
  let file: string;
  let input: ReturnType<typeof sampleInput>;

  beforeAll(() => {
    input = sampleInput(typeId);
    file = save(`${typeId}.pdf`, renderer.render(input));
    writeFileSync(join(PREVIEW, `${typeId}.pdf`), readFileSync(file));
  });

  it('is one structurally sound A4 page (qpdf --check, pdfinfo)', () => {
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(run('qpdf', ['--check', file])).toMatch(/No syntax or stream encoding errors/);
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info).toMatch(/Tagged:\s+yes/);
  });

  it('embeds every font, and only Sarabun (pdffonts)', () => {
    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.emb, f.name).toBe('yes');
      expect(f.name).toMatch(/^[A-Z]{6}\+Sarabun-/);
    }
  });

  it('claims PDF/A-3a in XMP (pdfinfo -meta)', () => {
    const xmp = run('pdfinfo', ['-meta', file]);
    expect(xmp).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>A</pdfaid:conformance>');
    expect(xmp).toContain('<rdf:li>th-TH</rdf:li>'); // dc:language from text(lang, region)
  });

  it('carries data.json as an associated file with the exact bytes (pdfdetach, catalog /AF)', () => {
    expect(run('pdfdetach', ['-list', file])).toMatch(/^1 embedded files\n1: data\.json\n$/);
    const out = join(dir, `${typeId}-data.json`);
    run('pdfdetach', ['-save', '1', '-o', out, file]);
    expect(Buffer.compare(readFileSync(out), Buffer.from(input.attachment.bytes))).toBe(0);
    const cat = catalog(file);
    const af = /\/AF \[ (\d+) 0 R \]/.exec(cat);
    expect(af, cat).not.toBeNull();
    const filespec = run('qpdf', [`--show-object=${af![1]}`, file]);
    expect(filespec).toContain('/AFRelationship /Alternative');
    expect(filespec).toContain('/F (data.json)');
    expect(filespec).toContain('/UF (data.json)');
    expect(filespec).toContain('/Type /Filespec');
    const ef = /\/EF << \/F (\d+) 0 R/.exec(filespec);
    expect(run('qpdf', [`--show-object=${ef![1]}`, file])).toMatch(/\/Subtype \/application#2fjson/);
  });

  it('prints the values, Buddhist-era dates and serial (pdftotext)', () => {
    const text = pdfText(file);
    expect(text).toContain(input.meta.typeNameTh);
    expect(text).toContain('15 มกราคม พ.ศ. 2568');
    expect(text).toContain('15 January 2025');
    expect(text).toContain('ลงนามด้วยลายมือชื่ออิเล็กทรอนิกส์');
    expect(text).toContain('ตรวจสอบเอกสาร / Verify');
    for (const t of expectedTexts) expect(text).toContain(t);
  });

  it('has a QR code that decodes to the verification URL at 150 dpi (zbarimg)', () => {
    const png = join(PREVIEW, typeId);
    run('pdftoppm', ['-png', '-r', '150', '-singlefile', file, png]);
    const decoded = run('zbarimg', ['--quiet', '--raw', `${png}.png`]).trim();
    expect(decoded).toBe(input.meta.verifyUrl);
  });
});

describe('data never becomes markup', () => {
  it('prints #read("/etc/passwd") and markup characters literally, and no passwd content', () => {
    const base = sampleInput('training-certificate');
    const evil = {
      ...(base.fields as Record<string, unknown>),
      first_name_th: '#read("/etc/passwd")',
      last_name_th: '*bold* $x$ @ref <lab>',
      course_th: '#include "/etc/hostname" ]} #{ panic("x") } \\ // not a comment',
      result: '#eval("1+1")',
    };
    const file = save('evil.pdf', renderer.render({ ...base, fields: evil }));
    const text = pdfText(file);
    expect(text).toContain('#read("/etc/passwd")');
    expect(text).toContain('*bold* $x$ @ref <lab>');
    expect(text).toContain('#include "/etc/hostname"');
    expect(text).toContain('// not a comment');
    expect(text).toContain('#eval("1+1")');
    expect(text).not.toMatch(/root:.*:0:0:/);
    expect(text).not.toContain('/bin/bash');
  });

  it('keeps the compiler away from the file system even for template code', () => {
    const base = sampleInput('training-certificate');
    expect(() =>
      renderer.render({ ...base, templateKey: 'reads-passwd@1', templateSource: '#read("/etc/passwd")' }),
    ).toThrow(RenderError);
    expect(() =>
      renderer.render({ ...base, templateKey: 'reads-up@1', templateSource: '#read("../../../../etc/passwd")' }),
    ).toThrow(/Typst could not compile/);
  });
});

describe('fail closed', () => {
  it('throws a RenderError with Typst diagnostics on a syntax error', () => {
    const base = sampleInput('training-certificate');
    let error: unknown;
    try {
      renderer.render({ ...base, templateKey: 'broken@1', templateSource: '#let x = (\n= Title\n#unknown-function()' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RenderError);
    const message = (error as Error).message;
    expect(message).toMatch(/Typst could not compile the template/);
    expect((error as RenderError).diagnostics.length).toBeGreaterThan(0);
    expect(message).toMatch(/templates\/t\d+\.typ/); // points at the template, not at a temp path
    expect(message).not.toContain(tmpdir());
  });

  it('refuses to export PDF/A-3a when an image has no alternative text', () => {
    const base = sampleInput('training-certificate');
    const source = '#image(read("/__input__/qr.svg", encoding: none), format: "svg", width: 2cm)';
    expect(() => renderer.render({ ...base, templateKey: 'no-alt@1', templateSource: source })).toThrow(RenderError);
  });

  it('validates the input at the boundary, naming the field', () => {
    const base = sampleInput('factory-licence');
    expect(() => renderer.render({ ...base, meta: { ...base.meta, verifyUrl: 'javascript:alert(1)' } })).toThrow(
      /meta\.verifyUrl/,
    );
    expect(() => renderer.render({ ...base, meta: { ...base.meta, issuedAt: '2025-02-30' } })).toThrow(/meta\.issuedAt/);
    expect(() => renderer.render({ ...base, templateKey: '../x' })).toThrow(/templateKey/);
    expect(() => renderer.render({ ...base, attachment: { ...base.attachment, name: 'x.json' as 'data.json' } })).toThrow(
      /attachment\.name/,
    );
  });

  it('keeps working after a failed render', () => {
    const pdf = renderer.render(sampleInput('factory-licence'));
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
  });
});

describe('attachments and templates are per render', () => {
  it('embeds each render’s own bytes, including non-UTF-8 bytes', () => {
    const base = sampleInput('training-certificate');
    const variants = [
      new TextEncoder().encode('{"n":1}'),
      new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x7b, 0x7d]),
      new TextEncoder().encode('{"n":3,"ชื่อ":"ป่า"}'),
    ];
    variants.forEach((bytes, i) => {
      const file = save(`att-${i}.pdf`, renderer.render({ ...base, attachment: { ...base.attachment, bytes } }));
      const out = join(dir, `att-${i}.bin`);
      run('pdfdetach', ['-save', '1', '-o', out, file]);
      expect(Buffer.compare(readFileSync(out), Buffer.from(bytes)), `variant ${i}`).toBe(0);
    });
  });

  it('picks up a changed template source under the same key', () => {
    const base = sampleInput('training-certificate');
    const a = save('k1.pdf', renderer.render({ ...base, templateKey: 'k@1', templateSource: '#import "/_shared/official.typ": *\n#show: official-page\nvariant-one แบบ ก' }));
    const b = save('k2.pdf', renderer.render({ ...base, templateKey: 'k@1', templateSource: '#import "/_shared/official.typ": *\n#show: official-page\nvariant-two แบบ ข' }));
    expect(pdfText(a)).toContain('variant-one');
    expect(pdfText(b)).toContain('variant-two');
    expect(pdfText(b)).not.toContain('variant-one');
  });
});

describe('PDF/A levels', () => {
  it.each([
    ['a-3b', 'B'],
    ['a-3u', 'U'],
  ] as const)('%s is accepted and claimed', (standard, letter) => {
    const r = createRenderer({ pdfStandard: standard });
    try {
      const file = save(`${standard}.pdf`, r.render(sampleInput('factory-licence')));
      const xmp = run('pdfinfo', ['-meta', file]);
      expect(xmp).toContain('<pdfaid:part>3</pdfaid:part>');
      expect(xmp).toContain(`<pdfaid:conformance>${letter}</pdfaid:conformance>`);
    } finally {
      r.close();
    }
  });

  it('prints Thai digits when asked', () => {
    const r = createRenderer({ digits: 'thai' });
    try {
      const file = save('thai-digits.pdf', r.render(sampleInput('factory-licence')));
      const text = pdfText(file);
      expect(text).toContain('๑๕ มกราคม พ.ศ. ๒๕๖๘');
      expect(text).toContain('๑,๒๕๐');
      expect(text).toContain('15 January 2025');
    } finally {
      r.close();
    }
  });
});

describe('timing', () => {
  it('renders warm documents (ms/doc reported)', () => {
    const inputs = ['training-certificate', 'factory-licence'].map((t) => sampleInput(t));
    for (const i of inputs) renderer.render(i); // warm both templates
    const n = 100;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < n; k++) {
      const base = inputs[k % 2]!;
      // Distinct data per document, as in a real batch (defeats Typst's memoisation of identical inputs).
      renderer.render({ ...base, meta: { ...base.meta, documentId: `doc${k}`, verifyUrl: `https://verify.ekasarn.go.th/d/doc${k}` } });
    }
    const perDoc = (performance.now() - t0) / n;
    const cpu = process.cpuUsage(cpu0);
    // CPU time is reported too: on a loaded shared machine wall time mostly measures the neighbours.
    const cpuPerDoc = (cpu.user + cpu.system) / 1000 / n;
    console.log(`warm render: ${perDoc.toFixed(1)} ms/doc wall, ${cpuPerDoc.toFixed(1)} ms/doc CPU over ${n} documents`);
    const t1 = performance.now();
    const cold = createRenderer();
    const created = performance.now() - t1;
    cold.render(inputs[0]!);
    const firstRender = performance.now() - t1 - created;
    cold.close();
    console.log(`new renderer: ${created.toFixed(1)} ms to create, first render ${firstRender.toFixed(1)} ms`);
    expect(perDoc).toBeLessThan(150);
  });
});
