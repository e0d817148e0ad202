/**
 * The one error type the PDF reader throws for malformed or hostile input, so callers (the verification engine
 * above all) can map every structural problem to a MALFORMED verdict without catching unrelated bugs.
 */
export class PdfParseError extends Error {
  /** Byte offset in the file (or in a decoded object stream) where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'PdfParseError';
    this.offset = offset;
  }
}

/** Thrown by the writer for invalid arguments or a document it cannot update safely. */
export class PdfWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfWriteError';
  }
}
