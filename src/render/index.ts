// Public surface of the renderer (Node only: it drives the native Typst compiler).
export { createRenderer, type Renderer, type RendererOptions } from './render-document.js';
export type { RenderInput, RenderMeta, RenderAttachment, PdfMetadata, IssuerInfo, Bilingual } from './render-input.js';
export { assertRenderInput } from './render-input.js';
export { RenderError, type PdfAStandard } from './typst-engine.js';
export { addDocumentXmpExtension, EKASARN_XMP_NAMESPACE, EKASARN_XMP_PREFIX, type DocumentXmpValues } from './xmp.js';
export { displayValue, displayFields, type DisplayValue } from './display-values.js';
export { qrSvg } from './qr-svg.js';
export type { Watermark } from './watermark.js';
