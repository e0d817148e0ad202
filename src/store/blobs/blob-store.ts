/**
 * Storage for the issued PDFs, keyed by document id. An interface so that an S3-style store can replace the
 * filesystem one without touching callers.
 */
export interface BlobStore {
  /** Stores bytes under key, replacing any previous value. Readers see the old bytes or the new, never a mix. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when there is no such key. */
  get(key: string): Promise<Uint8Array | null>;
  has(key: string): Promise<boolean>;
  /** Removes the key; false when it did not exist. */
  delete(key: string): Promise<boolean>;
  /** Every key (order unspecified). */
  list(): AsyncIterable<string>;
  /** When a blob was last written (null when absent): the orphan sweep leaves young blobs alone. */
  lastModified(key: string): Promise<Date | null>;
  /** Removes unfinished writes (temporary files) older than `olderThanMs`; returns how many. */
  removeStaleTemporaries(olderThanMs: number): Promise<number>;
}

/** Keys are document ids: URL-safe characters only, so a key can never name a path outside the store. */
export const BLOB_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export class InvalidBlobKeyError extends Error {
  constructor(readonly key: unknown) {
    super(`invalid blob key: expected 16–64 characters from A-Z a-z 0-9 "_" "-" (a document id)`);
    this.name = 'InvalidBlobKeyError';
  }
}

export function assertBlobKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !BLOB_KEY_PATTERN.test(key)) throw new InvalidBlobKeyError(key);
}
