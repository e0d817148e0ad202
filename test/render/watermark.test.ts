import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, RenderError, type Renderer, type RenderInput } from '../../src/render/index.js';
import { assertInertSvg } from '../../src/render/svg-pages.js';
import { run } from './helpers/pdf-tools.js';
import { sampleInput } from './helpers/sample-input.js';

/**
 * SHA-256 of each sample rendered by the renderer as it was before watermarks existed (commit ac261fd, Typst 0.14
 * via typst-ts-node-compiler 0.7.0, Sarabun from @expo-google-fonts/sarabun). An unmarked rendering must stay
 * byte-for-byte what it was: bulk issuance and every archived digest depend on it. If a deliberate renderer or font
 * upgrade changes these, re-measure them with that upgrade alone.
 */
const BEFORE_WATERMARKS: Record<string, string> = {
  'training-certificate': 'e1dc96470312496f0fd88648a7b323917ae1bd17d370a2a49e2e4545bde06783',
  'factory-licence': '210a4310eeae73c6bdf8d6f377c5d181b8acf10b30e4b28c6f665ae1490c1119',
};

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** pdftotext of one page, white space folded (Typst's Thai text extraction is imperfect: compare short runs only). */
const pageText = (file: string, page: number) => run('pdftotext', ['-raw', '-f', String(page), '-l', String(page), file, '-']).replace(/\s+/g, ' ');

/** The training certificate's template with a second page, to show the mark reaches every page. */
function twoPageInput(): RenderInput {
  const base = sampleInput('training-certificate');
  return { ...base, templateKey: 'two-pages@1', templateSource: `${base.templateSource}\n#pagebreak()\nหน้าที่สอง / page two\n` };
}

let dir: string;
let renderer: Renderer;
const save = (name: string, bytes: Uint8Array) => {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ekasarn-watermark-'));
  renderer = createRenderer();
});
afterAll(() => {
  renderer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('without a watermark', () => {
  it.each(Object.keys(BEFORE_WATERMARKS))('%s is byte-identical to the renderer before watermarks, also after marked renderings', (typeId) => {
    expect(sha256(renderer.render(sampleInput(typeId)))).toBe(BEFORE_WATERMARKS[typeId]);
    // Marked renderings use their own entry file: the unmarked one (and its memoised layout) must not change.
    renderer.render({ ...sampleInput(typeId), watermark: 'specimen' });
    renderer.previewSvg(sampleInput(typeId));
    expect(sha256(renderer.render(sampleInput(typeId)))).toBe(BEFORE_WATERMARKS[typeId]);
    expect(pageText(save(`${typeId}-plain.pdf`, renderer.render(sampleInput(typeId))), 1)).not.toMatch(/SPECIMEN|DRAFT/);
  });
});

describe('specimen watermark', () => {
  let file: string;
  beforeAll(() => {
    file = save('specimen-2p.pdf', renderer.render({ ...twoPageInput(), watermark: 'specimen' }));
  });

  it('is on every page as text pdftotext finds (Thai and English)', () => {
    expect(run('pdfinfo', [file])).toMatch(/Pages:\s+2\n/);
    for (const page of [1, 2]) {
      const text = pageText(file, page);
      expect(text, `page ${page}`).toContain('SPECIMEN');
      expect(text, `page ${page}`).toContain('ตัวอย่าง');
      expect(text, `page ${page}`).toContain('ใช้ฝึกอบรม');
    }
    expect(pageText(file, 2)).toContain('page two');
  });

  it('is visible: a render of each page has many more grey pixels than the unmarked page', () => {
    const plain = save('plain-2p.pdf', renderer.render(twoPageInput()));
    for (const page of [1, 2]) {
      expect(greyPixels(file, page), `page ${page}`).toBeGreaterThan(greyPixels(plain, page) + 2000);
    }
  });

  it('is still a PDF/A-3a file Typst accepted, intact for qpdf, fonts embedded', () => {
    expect(run('qpdf', ['--check', file])).toMatch(/No syntax or stream encoding errors/);
    expect(run('pdfinfo', ['-meta', file])).toMatch(/pdfaid:part[^0-9]*3/);
    for (const line of run('pdffonts', [file]).split('\n').slice(2).filter((l) => l.trim())) expect(line).toMatch(/Sarabun.* yes /);
  });
});

describe('draft watermark', () => {
  it.each(['training-certificate', 'factory-licence'])('%s shows "DRAFT" and "ร่าง"', (typeId) => {
    const file = save(`${typeId}-draft.pdf`, renderer.render({ ...sampleInput(typeId), watermark: 'draft' }));
    const text = pageText(file, 1);
    expect(text).toContain('DRAFT');
    expect(text).toContain('ร่าง');
    expect(text).not.toContain('SPECIMEN');
  });

  it('refuses a watermark it does not know', () => {
    expect(() => renderer.render({ ...sampleInput('training-certificate'), watermark: 'official' as never })).toThrow(/watermark/);
  });

  it('refuses a template that replaces the page foreground (which would hide the mark)', () => {
    const base = sampleInput('training-certificate');
    const sneaky = { ...base, templateKey: 'sneaky@1', templateSource: base.templateSource.replace('#show: official-page', '#show: official-page\n#set page(foreground: none)'), watermark: 'draft' as const };
    expect(() => renderer.render(sneaky)).toThrow(RenderError);
    expect(() => renderer.previewSvg(sneaky)).toThrow(/watermark is on 0 of 1/);
  });
});

describe('previewSvg', () => {
  it('gives one inert SVG per page: no script, no external reference, no foreign HTML', () => {
    const pages = renderer.previewSvg(twoPageInput());
    expect(pages).toHaveLength(2);
    for (const svg of pages) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).toMatch(/viewBox="0 0 595\.276 841\.89"/);
      expect(svg).not.toMatch(/<script/i);
      expect(svg).not.toMatch(/href="http/i);
      expect(svg).not.toMatch(/<foreignObject|<style|\son[a-z]+=/i);
      // Every reference is a fragment in the same file or an embedded image.
      for (const m of svg.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|data:image\/)/);
    }
    // The glyphs of page two's own words are drawn on page two (not page one shifted).
    expect(pages[0]).not.toBe(pages[1]);
  });

  it('shows the draft mark unless the input asks for the specimen mark', () => {
    // The watermark is drawn as glyph outlines: compare the draft and specimen previews instead of searching text.
    const draft = renderer.previewSvg(sampleInput('training-certificate'))[0]!;
    const specimen = renderer.previewSvg({ ...sampleInput('training-certificate'), watermark: 'specimen' })[0]!;
    const explicitDraft = renderer.previewSvg({ ...sampleInput('training-certificate'), watermark: 'draft' })[0]!;
    expect(draft).toBe(explicitDraft);
    expect(draft).not.toBe(specimen);
  });

  it('the safety check refuses what a preview must never carry', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>';
    expect(() => assertInertSvg(ok)).not.toThrow();
    for (const bad of [
      '<svg><script>alert(1)</script></svg>',
      '<svg><image href="https://example.org/x.png"/></svg>',
      '<svg><use xlink:href="http://example.org/x.svg#a"/></svg>',
      '<svg><path onload="alert(1)"/></svg>',
      '<svg><foreignObject><div/></foreignObject></svg>',
      '<svg><path fill="url(https://example.org/#g)"/></svg>',
      `<svg><image href="data:image/svg+xml;base64,${btoa('<svg><script>x</script></svg>')}"/></svg>`,
    ]) {
      expect(() => assertInertSvg(bad), bad).toThrow();
    }
  });
});

/** Pixels of a 50-dpi greyscale render that are neither white nor near-black (the watermark's grey). */
function greyPixels(file: string, page: number): number {
  const base = join(dir, `grey-${page}-${sha256(new TextEncoder().encode(file)).slice(0, 8)}`);
  run('pdftoppm', ['-r', '50', '-gray', '-f', String(page), '-l', String(page), '-singlefile', file, base]);
  let n = 0;
  for (const v of pgmPixels(readFileSync(`${base}.pgm`))) if (v > 90 && v < 235) n++;
  return n;
}

/** The pixel bytes of a binary PGM: header "P5 <width> <height> <max>" and one white-space byte, then the pixels. */
function pgmPixels(bytes: Uint8Array): Uint8Array {
  const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  let i = 0;
  for (let field = 0; field < 4; field++) {
    while (isSpace(bytes[i]!)) i++;
    while (!isSpace(bytes[i]!)) i++;
  }
  return bytes.subarray(i + 1);
}
