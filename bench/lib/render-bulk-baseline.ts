/**
 * The renderer as it was before the bulk proposal (commit ab2cd46 and earlier), kept here so the bulk experiments
 * keep comparing against the same "before" after src/ adopted the proposal: the entry that took data, QR and the
 * template path from `sys.inputs`, and official.typ as it was then (bench/proposals/baseline/official.typ).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ATTACHMENT_PATH = '/__input__/attachment.json';

export const BASELINE_ENTRY_SOURCE = `// ekasarn renderer entry — generated, constant.
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

export const baselineOfficial = (repoRoot: string): string => readFileSync(join(repoRoot, 'bench', 'proposals', 'baseline', 'official.typ'), 'utf8');
