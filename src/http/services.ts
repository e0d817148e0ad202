import type { BulkService } from '../bulk/bulk-service.js';
import type { ConsoleDeps } from './console/console-deps.js';
import type { PadesLevel } from '../issuance/sign-pdf.js';
import type { Bilingual } from '../domain/document-type.js';
import type { LoadedType } from '../doctypes/load-types.js';
import type { VerificationReport } from '../verify/report.js';
import type { RegistryDigests, RegistryStatus } from '../verify/index.js';
import type { ProofBundle } from '../transparency/index.js';
import type { WebhookRouteDeps } from './routes/webhooks.js';

/** What the HTTP layer needs from the services below it; built in `src/app`. The HTTP layer knows nothing else. */
export interface Caller {
  agencyId: string;
  scopes: string[];
  keyId: string;
}

export interface IssuedDocumentView {
  id: string;
  address: string;
  serial: string;
  type: { id: string; version: number; name: Bilingual };
  agency: { id: string; name: Bilingual };
  status: string;
  issuedAt: string;
  validUntil: string | null;
  pdfSha256: string;
  pdfSize: number;
  statusReason: string | null;
  statusChangedAt: string | null;
  successorId: string | null;
}

export interface StatusChangeBody {
  reason?: unknown;
  note?: unknown;
  effectiveAt?: unknown;
}

export interface PublicStatus {
  id: string;
  status: string;
  type: { id: string; version: number; name: Bilingual };
  issuer: { id: string; name: Bilingual };
  serial: string;
  issuedAt: string;
  validUntil: string | null;
  expired: boolean;
  pdfSha256: string;
  /** Why the status last changed (agency's words), when, and the replacing document. */
  statusReason: string | null;
  statusChangedAt: string | null;
  successorId: string | null;
}

/** What a verifier anywhere needs to check this deployment's documents offline: public facts only. */
export interface TrustBundle {
  /** Base URL of this registry (documents' verifyUrl starts with it). */
  registry: string;
  /** Trust anchors, DER in base64. */
  roots: string[];
  /** Which agency signs with which certificates (SHA-256 hex) and may issue which types. */
  issuers: { agencies: { id: string; name: Bilingual; certificates: string[]; types: string[] }[] };
  /** The public transparency log: where it is and the key its checkpoints are signed with. */
  log: { url: string; verifierKey: string };
}

/** One match of a public look-up by document id or printed serial number (no personal data). */
export interface LookupMatch {
  id: string;
  serial: string;
  type: { id: string; name: Bilingual };
  issuer: { id: string; name: Bilingual };
  issuedAt: string;
}

/** A binary protocol endpoint (OCSP, CRL, RFC 3161) mounted as is: bytes in, bytes out. */
export interface BinaryRequest {
  method: string;
  /** Path below the mount point, e.g. "/ocsp". */
  path: string;
  contentType?: string;
  authorization?: string;
  body?: Uint8Array;
}
export interface BinaryResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}
export type BinaryHandler = (req: BinaryRequest) => Promise<BinaryResponse | undefined>;

/** The public transparency log as HTTP sees it (C2SP tlog-tiles plus JSON conveniences). */
export interface LogServices {
  /** The latest signed checkpoint note, or null before the first entry. */
  checkpoint(): Promise<{ size: number; note: string } | null>;
  /** The log's verifier key ("<origin>+<id>+<base64>"). */
  verifierKey(): Promise<string>;
  proof(documentId: string): Promise<ProofBundle | null>;
  proofAt(index: number): Promise<ProofBundle | null>;
  consistency(oldSize: number, newSize: number): Promise<string[]>;
  /** Bytes of a tile path ("tile/0/x001/234", "tile/entries/000.p/5"), or null when the tree does not have it. */
  tile(path: string): Promise<Uint8Array | null>;
  entries(start: number, end: number): Promise<{ index: number; leaf: unknown }[]>;
}

export interface Services {
  /** The issuer console's services (officers' pages under /console). */
  console?: ConsoleDeps;
  /** Bulk issuance (batches of CSV/JSONL rows). */
  bulk: BulkService;
  /** The PAdES level documents get unless a request asks for another. */
  defaultLevel: PadesLevel;
  /** The development CA's CRL and OCSP responder (demo/development only), mounted under /pki. */
  pki?: BinaryHandler;
  /** The built-in RFC 3161 time-stamping authority, mounted at /tsa. */
  tsa?: BinaryHandler;
  publicUrl: string;
  bodyLimit: number;
  types: Map<string, LoadedType>;
  authenticate(presentedKey: string): Promise<Caller | null>;
  issue(req: {
    caller: Caller;
    typeId: string;
    data: unknown;
    idempotencyKey?: string;
  }): Promise<{ document: IssuedDocumentView; created: boolean }>;
  getDocument(caller: Caller, id: string): Promise<(IssuedDocumentView & { data: Record<string, unknown> }) | null>;
  getPdf(caller: Caller, id: string): Promise<Uint8Array | null>;
  publicStatus(id: string): Promise<PublicStatus | null>;
  changeStatus(caller: Caller, action: 'revoke' | 'suspend' | 'reinstate', id: string, body: StatusChangeBody): Promise<IssuedDocumentView>;
  supersede(caller: Caller, id: string, body: StatusChangeBody & { data: unknown }): Promise<{ old: IssuedDocumentView; successor: IssuedDocumentView }>;
  /** The registry's answer for a held file's digests (null: no such document). */
  checkDigests(id: string, digests: RegistryDigests): Promise<RegistryStatus | null>;
  /** Documents with this id or printed serial number. */
  lookup(query: string): Promise<LookupMatch[]>;
  trustBundle(): Promise<TrustBundle>;
  log: LogServices;
  /** Relying parties' webhook subscriptions (scope webhooks:manage). */
  webhooks: Omit<WebhookRouteDeps, 'authenticate'>;
  /** The signed Bitstring Status List (compact JWS) of an agency's type, or null when it has no documents. */
  statusList(agencyId: string, typeId: string): Promise<string | null>;
  verify(pdf: Uint8Array, opts?: { offline?: boolean }): Promise<VerificationReport>;
  close(): Promise<void>;
}
