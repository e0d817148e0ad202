import type { Kysely } from 'kysely';
import type { BulkService } from '../../bulk/bulk-service.js';
import type { LoadedType } from '../../doctypes/load-types.js';
import type { PadesLevel } from '../../issuance/sign-pdf.js';
import type { Database, StoredDocument } from '../../store/index.js';
import type { DraftDeps } from '../../console/services/drafts.js';

/** What the console's pages need from the services below them; built in `src/app/console-wiring.ts`. */
export interface ConsoleDeps {
  db: Kysely<Database>;
  types: Map<string, LoadedType>;
  publicUrl: string;
  bulk: BulkService;
  defaultLevel: PadesLevel;
  drafts: DraftDeps;
  /** Page images of an unsigned rendering, watermarked (the officer's preview). */
  preview(agencyId: string, typeId: string, data: Record<string, unknown>, watermark: 'draft' | 'specimen'): Promise<string[]>;
  changeStatus(action: 'revoke' | 'suspend' | 'reinstate', req: LifecycleFromConsole): Promise<StoredDocument>;
  supersede(req: LifecycleFromConsole & { data: unknown }): Promise<{ old: StoredDocument; successorId: string }>;
  documentPdf(agencyId: string, id: string): Promise<Uint8Array | null>;
  specimenPdf(agencyId: string, id: string): Promise<Uint8Array | null>;
  /** A new agency's development signing key (demo deployments); production agencies get theirs from their CA. */
  afterAgencyCreated(agencyId: string): Promise<void>;
  /** Runs the publish checks on a saved authored type version; on success, the sample rendered as preview pages. */
  checkType(agencyId: string, typeId: string, version: number): Promise<{ ok: true; preview: string[] } | { ok: false; problems: { part: string; message: { th: string; en: string } }[] }>;
  /** Publishes a checked version: new documents of the type use it at once. */
  publishType(agencyId: string, typeId: string, version: number, actor: string, source: string | null): Promise<void>;
  /** The agency's signing certificate, for the settings page. */
  signingCertificate(agencyId: string): Promise<{ subject: string; notAfter: string; sha256: string } | null>;
}

export interface LifecycleFromConsole {
  agencyId: string;
  documentId: string;
  reason: unknown;
  note?: unknown;
  actor: string;
  source: string | null;
}
