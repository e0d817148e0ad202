/**
 * Isomorphic PDF reader and incremental-update writer (no Node APIs: runs in the browser for verification and in
 * Node for signing).
 */
export { PdfParseError, PdfWriteError } from './errors.js';
export * from './objects.js';
export { openPdf, PdfDocument } from './reader/document.js';
export type { OpenPdfOptions, PdfRevision, PdfPage } from './reader/document.js';
export type { XrefEntry } from './reader/xref.js';
export { decodeStreamData, DEFAULT_MAX_DECODED_SIZE } from './reader/filters.js';
export { decodeTextString, parsePdfDate } from './reader/text.js';
export { findSignatureFields } from './reader/signatures.js';
export type { SignatureInfo } from './reader/signatures.js';
export { Parser } from './reader/parser.js';
export { serializeObject, PdfPlaceholder, writableDict, formatNumber } from './writer/serialize.js';
export type { WritableObject, WritableDict } from './writer/serialize.js';
export { IncrementalUpdate, appendIncrementalUpdate } from './writer/incremental-update.js';
export type { ObjectChange, UpdateResult } from './writer/incremental-update.js';
export { encodeTextString, formatPdfDate } from './writer/text-string.js';
export { prepareSignature, embedSignature, signedRanges } from './writer/signature.js';
export type { PrepareSignatureOptions, PreparedSignature } from './writer/signature.js';
export { appendDss, type ValidationData } from './writer/dss.js';
export { readDss, type DssContents } from './reader/dss.js';
