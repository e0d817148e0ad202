/** Where the renderer maps per-render files inside the compiler's private root. */
export const ENTRY_PATH = '/main.typ';
export const ATTACHMENT_PATH = '/__input__/attachment.json';

/**
 * The entry file the renderer compiles. Constant text — nothing from a request is ever spliced into it; every value
 * arrives through `sys.inputs` (strings) or the mapped attachment file (exact bytes). It sets the PDF metadata and
 * embeds data.json for every type, so a template cannot forget the associated file, then includes the type's
 * template. It sits at the root so the embedded file's name is plain "data.json" (Typst names it relative to the
 * file that calls pdf.attach).
 */
export const ENTRY_SOURCE = `// ekasarn renderer entry — generated, constant.
#let input = json(bytes(sys.inputs.data))
#set document(
  title: input.pdf.title,
  author: input.pdf.author,
  keywords: input.pdf.keywords,
  date: auto,
)
#set text(lang: "th", region: "TH")
#pdf.attach(
  "data.json",
  read("${ATTACHMENT_PATH}", encoding: none),
  relationship: "alternative",
  mime-type: "application/json",
  description: input.attachment.description,
)
#include sys.inputs.template
`;
