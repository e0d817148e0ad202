import type { Kysely } from 'kysely';
import type { LoadedType } from '../doctypes/load-types.js';
import type { AgencySigner, SigningServices } from '../issuance/document-pdf.js';
import type { BlobStore, Database, DialectName } from '../store/index.js';

/** What the bulk machinery needs from the application (wired in src/app). */
export interface BulkContext {
  db: Kysely<Database>;
  dialect: DialectName;
  blobs: BlobStore;
  /** Root folder of the filesystem blob store, which the worker threads open themselves. */
  blobRoot: string;
  types: Map<string, LoadedType>;
  publicUrl: string;
  signerFor(agencyId: string): Promise<AgencySigner>;
  signing: SigningServices;
  now(): Date;
  leaseMs: number;
  /** This process, as recorded on the rows it issues (`host:pid`). */
  nodeId: string;
  /** Called after each commit of issued documents (log integration, status-list cache). */
  afterCommit(): void;
  /** Worker threads; default one per core. */
  workers?: number;
  /** Documents given to one worker thread at once (default 3: its fsyncs overlap its next render). */
  perWorker?: number;
  /** Replace a worker thread after this many documents (memory). */
  recycleAfter?: number;
}
