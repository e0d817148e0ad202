/**
 * Turns the SVG that Typst writes for a whole document (pages stacked top to bottom) into one standalone SVG per
 * page, for previews shown to officers as `<img>`, and checks that each is inert: no script, no event handlers, no
 * style sheets, no foreign HTML, and no reference to anything outside the file.
 *
 * The stacked SVG (typst-ts `plainSvg`) is, at its top level: for each page a white background `<path>` whose `d`
 * is "M 0 0v <height> h <width> …" followed by one `<g>` with the page content (translated down by the heights of
 * the pages before it), then `<defs>` with the glyph outlines every page uses. Anything else is refused rather
 * than guessed at, so an upgrade of the compiler that changes the layout fails loudly in the tests.
 */

export class SvgPreviewError extends Error {
  override name = 'SvgPreviewError';
}

interface TopElement {
  name: string;
  /** Text of the opening tag. */
  open: string;
  /** The whole element, opening tag to closing tag. */
  text: string;
}

/** A fresh matcher per scan: scans nest (an embedded SVG image is checked inside the outer scan). */
const tagPattern = (): RegExp => /<(\/?)([A-Za-z][A-Za-z0-9:_-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;

/** The root element's opening tag and its direct children (comments and processing instructions are refused). */
function topLevel(svg: string): { root: string; children: TopElement[] } {
  if (/<!|<\?(?!xml )/.test(svg)) throw new SvgPreviewError('svg: comments, CDATA and DOCTYPE are not expected');
  const children: TopElement[] = [];
  let root = '';
  let depth = 0;
  let start = -1;
  let current: { name: string; open: string } | null = null;
  const tags = tagPattern();
  for (let m = tags.exec(svg); m; m = tags.exec(svg)) {
    const [whole, closing, name, , selfClosing] = m;
    if (closing) {
      depth--;
      if (depth === 1 && current) {
        children.push({ ...current, text: svg.slice(start, m.index + whole.length) });
        current = null;
      }
      continue;
    }
    if (depth === 0) {
      if (root) throw new SvgPreviewError('svg: more than one root element');
      root = whole;
    } else if (depth === 1) {
      if (selfClosing) {
        children.push({ name: name!, open: whole, text: whole });
        continue;
      }
      start = m.index;
      current = { name: name!, open: whole };
    }
    if (!selfClosing) depth++;
  }
  if (!root || depth !== 0) throw new SvgPreviewError('svg: unbalanced elements');
  return { root, children };
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** Height and width of a page from its background path "M 0 0v H h W v -H Z". */
function pageBox(background: TopElement): { width: number; height: number } {
  const d = attr(background.open, 'd') ?? '';
  const m = /^M 0 0\s*v\s*([0-9.]+)\s*h\s*([0-9.]+)/.exec(d);
  if (!m) throw new SvgPreviewError(`svg: page background "${d.slice(0, 60)}" is not the expected rectangle`);
  return { height: Number(m[1]), width: Number(m[2]) };
}

/** Elements a page preview may contain: shapes, glyph references, groups, clipping, gradients and raster images. */
const ALLOWED_ELEMENTS = new Set([
  'svg', 'g', 'path', 'defs', 'symbol', 'use', 'image', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'clipPath', 'mask', 'linearGradient', 'radialGradient', 'stop', 'pattern',
]);
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,([A-Za-z0-9+/=\s]*)$/;

/**
 * Throws unless the SVG is inert: only ALLOWED_ELEMENTS, no `on…` attributes, every href is a fragment (`#id`) or a
 * base64 raster/SVG image (checked the same way), and every `url(…)` names a fragment.
 */
export function assertInertSvg(svg: string, depth = 0): void {
  if (depth > 2) throw new SvgPreviewError('svg: images nested too deeply');
  if (/<!|<\?(?!xml )/.test(svg)) throw new SvgPreviewError('svg: comments, CDATA and DOCTYPE are not expected');
  const tags = tagPattern();
  for (let m = tags.exec(svg); m; m = tags.exec(svg)) {
    const [, , name, attrs] = m;
    if (!ALLOWED_ELEMENTS.has(name!)) throw new SvgPreviewError(`svg: element <${name}> is not allowed in a preview`);
    for (const a of (attrs ?? '').matchAll(/\s([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      const key = a[1]!.toLowerCase();
      const value = a[3] ?? a[4] ?? '';
      if (key.startsWith('on')) throw new SvgPreviewError(`svg: event attribute ${key} is not allowed`);
      if (key === 'style') throw new SvgPreviewError('svg: style attributes are not allowed');
      if (key === 'href' || key === 'xlink:href') {
        if (value.startsWith('#')) continue;
        const image = DATA_IMAGE.exec(value);
        if (!image || name !== 'image') throw new SvgPreviewError(`svg: reference "${value.slice(0, 40)}" is not a fragment or an embedded image`);
        if (image[1] === 'svg+xml') assertInertSvg(new TextDecoder().decode(base64Bytes(image[2]!)), depth + 1);
      }
      for (const u of value.matchAll(/url\(\s*['"]?([^)'"]*)/g)) {
        if (!u[1]!.startsWith('#')) throw new SvgPreviewError(`svg: url(${u[1]!.slice(0, 40)}) is not a fragment`);
      }
    }
  }
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const fmt = (n: number): string => String(Math.round(n * 1000) / 1000);

/** One standalone, inert SVG per page (A4 pages are 595.276 × 841.89 pt; width and height are given in pt). */
export function splitSvgPages(svg: string, expectedPages: number): string[] {
  const { root, children } = topLevel(svg);
  if (!/^<svg\s/.test(root)) throw new SvgPreviewError('svg: the root element is not <svg>');
  const defs = children.filter((c) => c.name === 'defs').map((c) => c.text).join('');
  const body = children.filter((c) => c.name !== 'defs');
  const pages: string[] = [];
  let offset = 0;
  for (let i = 0; i < body.length; i += 2) {
    const background = body[i]!;
    const content = body[i + 1];
    if (background.name !== 'path' || content?.name !== 'g') {
      throw new SvgPreviewError(`svg: expected a page background and a page group at top-level position ${i}`);
    }
    const { width, height } = pageBox(background);
    pages.push(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${fmt(width)} ${fmt(height)}" ` +
        `width="${fmt(width)}pt" height="${fmt(height)}pt">` +
        `<rect width="${fmt(width)}" height="${fmt(height)}" fill="#ffffff"/>` +
        // Each page group carries its own downward translation in the stacked file: undo it.
        `<g transform="translate(0 ${fmt(-offset)})">${content.text}</g>${defs}</svg>`,
    );
    offset += height;
  }
  if (pages.length !== expectedPages) throw new SvgPreviewError(`svg: found ${pages.length} page(s), the document has ${expectedPages}`);
  for (const p of pages) assertInertSvg(p);
  return pages;
}
