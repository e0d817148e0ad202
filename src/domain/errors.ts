import type { Bilingual } from './document-type.js';

/**
 * An error a caller can act on: a stable code for programs, an HTTP status for the API, a Thai and an English
 * sentence for people, and optional details (per-field problems). Anything that is not an AppError is a bug and is
 * answered as a bare 500 without internals.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    readonly text: Bilingual,
    readonly details?: unknown,
  ) {
    super(text.en);
    this.name = 'AppError';
  }
}

export const notFound = (what: Bilingual): AppError => new AppError('not_found', 404, what);
