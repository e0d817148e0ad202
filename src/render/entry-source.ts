import { assertWatermark, WATERMARK_PATH, type Watermark } from './watermark.js';

/** Where the renderer maps per-render files inside the compiler's private root. */
export const ATTACHMENT_PATH = '/__input__/attachment.json';
/** The template data (JSON) and the verification QR code (SVG), mapped per document. */
export const DATA_PATH = '/__input__/data.json';
export const QR_PATH = '/__input__/qr.svg';

/**
 * Entry files live at the root so the embedded file's name is plain "data.json" (Typst names it relative to the caller).
 * A watermarked rendering has its own entry file per template, so the unmarked entry (and its output) never changes.
 */
export const entryPathFor = (templateNumber: number, watermark?: Watermark): string =>
  watermark ? `/entry-t${templateNumber}-${watermark}.typ` : `/entry-t${templateNumber}.typ`;
export const templatePathFor = (templateNumber: number): string => `/templates/t${templateNumber}.typ`;

/**
 * The entry file for one template. Constant text — nothing from a request is ever spliced into it: the only variable
 * part is the template's numbered path, which the renderer generates. Every value arrives through mapped files
 * (DATA_PATH, QR_PATH, ATTACHMENT_PATH) — not `sys.inputs`, because changing sys.inputs changes Typst's standard
 * library and thereby the key of nearly every memoised evaluation and layout (bench/proposals/README.md).
 *
 * It attaches data.json for every type, so a template cannot forget the associated file, then includes the type's
 * template. `set document(...)` comes *after* the template on purpose: a set rule sits in the style chain of all
 * content after it, and the title and keywords differ per document (serial, id), so placing it first made every
 * memoised layout miss. Typst 0.14 accepts document set rules anywhere at the top level.
 */
export function entrySource(templatePath: string, watermark?: Watermark): string {
  if (!/^\/templates\/t[0-9]+\.typ$/.test(templatePath)) throw new Error(`template path "${templatePath}" is not a generated template path`);
  assertWatermark(watermark);
  return `// ekasarn renderer entry — generated, constant.
#let input = json("${DATA_PATH}")
#set text(lang: "th", region: "TH")
${watermark ? watermarkLines(watermark) : ''}#pdf.attach(
  "data.json",
  read("${ATTACHMENT_PATH}", encoding: none),
  relationship: "alternative",
  mime-type: "application/json",
  description: input.attachment.description,
)
#include "${templatePath}"
#set document(title: input.pdf.title, author: input.pdf.author, keywords: input.pdf.keywords, date: auto)
`;
}

/**
 * The page foreground of a watermarked rendering. A page set rule before the template's include reaches every page
 * the template makes: the template's own `set page(...)` calls change other properties and keep this one. (A
 * template that set its own `foreground` would replace it — type authoring should refuse that; see the report.)
 */
function watermarkLines(watermark: Watermark): string {
  return `#import "${WATERMARK_PATH}": watermark
#set page(foreground: watermark("${watermark}"))
`;
}
