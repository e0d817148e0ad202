import type { TypeDefinition } from '../../domain/document-type.js';
import type { StatusListEntry } from '../../domain/status-list.js';
import type { PadesLevel } from '../../issuance/sign-pdf.js';
import type { CertificatePair } from '../../issuance/validation-data.js';
import type { SigningIdentity } from '../../signing/index.js';
import type { Agency } from '../../store/repos/agencies.js';

/** The messages between the bulk coordinator (main thread) and its render-and-sign workers. All structured-clonable. */

export interface WorkerInit {
  types: { definition: TypeDefinition; templateSource: string }[];
  agencies: Agency[];
  /** CryptoKey is clonable into a worker thread; the key never leaves the process. */
  signers: { agencyId: string; identity: SigningIdentity; chain: Uint8Array[]; signerName?: string }[];
  blobRoot: string;
}

export interface RenderTask {
  agencyId: string;
  /** `${typeId}@${version}` */
  typeKey: string;
  level: PadesLevel;
  facts: {
    id: string;
    serial: string;
    issuedAt: string;
    validUntil: string | null;
    verifyUrl: string;
    fields: Record<string, unknown>;
    status?: StatusListEntry;
  };
}

export interface RenderDone {
  documentId: string;
  pdfSha256: string;
  pdfSize: number;
  renderMs: number;
  signMs: number;
  writeMs: number;
}

/** `permanent`: the row itself cannot be rendered (template error for these values); else the row can be retried. */
export interface RenderFailure {
  permanent: boolean;
  code: string;
  message: { th: string; en: string };
}

export type ToWorker =
  | { kind: 'task'; id: number; task: RenderTask }
  | { kind: 'rpc-reply'; rid: number; ok: true; value: unknown }
  | { kind: 'rpc-reply'; rid: number; ok: false; error: { code: string; th: string; en: string } };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; result: RenderDone }
  | { kind: 'failed'; id: number; failure: RenderFailure }
  | { kind: 'rpc'; rid: number; method: 'timestamp'; imprint: Uint8Array }
  | { kind: 'rpc'; rid: number; method: 'revocation'; pairs: CertificatePair[] };


