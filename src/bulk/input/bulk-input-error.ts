import type { Bilingual } from '../../domain/document-type.js';
import { AppError } from '../../domain/errors.js';

/**
 * The input as a whole cannot be read as rows of this type (header empty, duplicated, or not matching the type):
 * raised before any row is read, so nothing of the batch is issued. HTTP 400 because the file must be fixed.
 */
export class BulkInputError extends AppError {
  constructor(text: Bilingual, details?: unknown, code = 'bad_header') {
    super(code, 400, text, details);
    this.name = 'BulkInputError';
  }
}
