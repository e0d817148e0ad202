/**
 * The template data JSON from src/render/render-document.ts (templateData: same keys, same display strings), so
 * the bulk experiments feed Typst the same values the shipped renderer does — only the channel and the templates vary.
 */
import { templateData } from '../../src/render/render-document.js';
import { assertRenderInput, type RenderInput } from '../../src/render/render-input.js';

export interface PreparedDocument {
  /** The JSON the templates read (sys.inputs.data or /__input__/data.json). */
  dataJson: string;
  attachment: Uint8Array;
  /** Seconds since the epoch for the PDF creation date. */
  creationTimestamp: number;
}

export function prepareDocument(input: RenderInput): PreparedDocument {
  assertRenderInput(input);
  const { meta } = input;
  const data = templateData(input);
  const when = input.pdfMetadata.date ?? new Date(meta.issuedAt);
  return { dataJson: JSON.stringify(data), attachment: input.attachment.bytes, creationTimestamp: Math.floor(when.getTime() / 1000) };
}
