/**
 * Visible marks for renderings that are not official documents: a draft preview shown to officers before signing,
 * and a training specimen from the sandbox. The Typst source is constant text (no request data is ever spliced in);
 * the entry file of a watermarked rendering imports it and sets it as the page foreground.
 */
export type Watermark = 'draft' | 'specimen';
export const WATERMARKS: readonly Watermark[] = ['draft', 'specimen'];

/** Where the watermark module is mapped inside the compiler's private root. */
export const WATERMARK_PATH = '/__ekasarn__/watermark.typ';

/** A Typst label on a marker placed with each page's watermark: the renderer counts them after layout. */
export const WATERMARK_LABEL = '<ekasarn-watermark>';

/** The printed words, for tests and for UIs that describe the mark. */
export const WATERMARK_TEXT: Readonly<Record<Watermark, { th: string; en: string }>> = {
  draft: { th: 'ร่าง', en: 'DRAFT' },
  specimen: { th: 'ตัวอย่าง – ใช้ฝึกอบรมเท่านั้น', en: 'SPECIMEN' },
};

/**
 * Two marks per page, both in the page foreground so no template content can cover them:
 *  - a large diagonal text in semi-transparent grey (PDF/A-3 permits transparency; Typst's a-3a export accepts it);
 *  - a horizontal banner along the top edge. Diagonal text comes out of text extractors one glyph per line (poppler
 *    treats it as "diagonal" and does not join it into words), so the banner is what makes the mark searchable and
 *    copyable with `pdftotext`.
 * Fonts are named with `fallback: false` like the templates, so only the fonts the renderer passes are used.
 */
export const WATERMARK_SOURCE = `// ekasarn watermarks — generated, constant.
#let mark-fill = rgb(110, 110, 110, 38%)
#let banner-fill = rgb("#5f5f5f")
#let words = (
  draft: (th: "${WATERMARK_TEXT.draft.th}", en: "${WATERMARK_TEXT.draft.en}", size: 120pt, th-size: 96pt,
    banner: "ร่าง / DRAFT — ยังไม่ได้ลงนาม ไม่ใช่เอกสารราชการ / not signed, not an official document"),
  specimen: (th: "${WATERMARK_TEXT.specimen.th}", en: "${WATERMARK_TEXT.specimen.en}", size: 104pt, th-size: 40pt,
    banner: "ตัวอย่าง – ใช้ฝึกอบรมเท่านั้น / SPECIMEN — ไม่ใช่เอกสารราชการ / not an official document"),
)
#let watermark(kind) = {
  let w = words.at(kind)
  set text(font: ("Sarabun", "Laksaman"), fallback: false, lang: "th", region: "TH", weight: "bold")
  set par(leading: 0.2em, spacing: 0em, justify: false)
  [#metadata(kind) ${WATERMARK_LABEL}]
  place(top + center, dy: 0.5cm, text(size: 10.5pt, fill: banner-fill, w.banner))
  place(center + horizon, rotate(-54deg, reflow: false, align(center, {
    text(size: w.th-size, fill: mark-fill, w.th)
    linebreak()
    text(size: w.size, fill: mark-fill, w.en)
  })))
}
`;

export function assertWatermark(value: unknown, path = 'watermark'): asserts value is Watermark | undefined {
  if (value === undefined) return;
  if (typeof value !== 'string' || !(WATERMARKS as readonly string[]).includes(value)) {
    throw new TypeError(`render input ${path}: expected "draft", "specimen" or nothing`);
  }
}
