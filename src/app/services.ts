import type { Config } from '../config.js';
import type { Bilingual } from '../domain/document-type.js';
import { documentAddress, isDocumentId } from '../domain/identifiers.js';
import type { LoadedType } from '../doctypes/load-types.js';
import type { BinaryHandler, IssuedDocumentView, LogServices, PublicStatus, Services } from '../http/services.js';
import { issueDocument, type IssuanceDeps } from '../issuance/issue-document.js';
import {
  authenticateApiKey,
  getAgency,
  getDocumentById,
  getDocumentType,
  findDocumentsBySerial,
  type BlobStore,
  type OpenedDatabase,
  type StoredDocument,
} from '../store/index.js';
import type { VerificationReport } from '../verify/report.js';
import { registryStatus } from './registry-status.js';
import { changeDocumentStatus, supersedeDocument, type LifecycleDeps } from '../lifecycle/index.js';
import type { PublishedIssuerDirectory } from './issuer-directory.js';
import type { StatusListPublisher } from './status-lists.js';
import type { BulkService } from '../bulk/bulk-service.js';
import type { ConsoleDeps } from '../http/console/console-deps.js';

interface ServiceDeps {
  config: Config;
  database: OpenedDatabase;
  blobs: BlobStore;
  types: Map<string, LoadedType>;
  issuance: IssuanceDeps;
  verify(pdf: Uint8Array, opts: { offline?: boolean }): Promise<VerificationReport>;
  pki?: BinaryHandler | undefined;
  tsa?: BinaryHandler | undefined;
  trustRoots(): Uint8Array[];
  lifecycle: LifecycleDeps;
  log: LogServices;
  webhooks: Services['webhooks'];
  statusLists: StatusListPublisher;
  issuerDirectory(): Promise<PublishedIssuerDirectory>;
  bulk: BulkService;
  console: ConsoleDeps;
}

/** The HTTP layer's view of the services: access rules (agency scoping) live here, not in routes. */
export function buildServices(deps: ServiceDeps): Services {
  const db = deps.database.db;

  // The public status endpoint is the hot path: agency names change rarely, so one lookup per agency per minute.
  const agencyNames = new Map<string, { at: number; name: Bilingual }>();
  const agencyName = async (id: string): Promise<Bilingual> => {
    const hit = agencyNames.get(id);
    if (hit && Date.now() - hit.at < 60_000) return hit.name;
    const a = await getAgency(db, id);
    const name = a ? { th: a.nameTh, en: a.nameEn } : { th: id, en: id };
    if (a) agencyNames.set(id, { at: Date.now(), name });
    return name;
  };
  // Names come from the version the document was issued under, which may be older than the bundled one.
  const typeName = async (typeId: string, version: number): Promise<Bilingual> => {
    const bundled = deps.types.get(typeId);
    if (bundled && bundled.definition.version === version) return bundled.definition.name;
    const stored = await getDocumentType(db, typeId, version);
    return stored ? { th: stored.nameTh, en: stored.nameEn } : { th: typeId, en: typeId };
  };

  const view = async (d: StoredDocument): Promise<IssuedDocumentView> => ({
    id: d.id,
    address: documentAddress(d.agencyId, d.typeId, d.id),
    serial: d.serial,
    type: { id: d.typeId, version: d.typeVersion, name: await typeName(d.typeId, d.typeVersion) },
    agency: { id: d.agencyId, name: await agencyName(d.agencyId) },
    status: d.status,
    issuedAt: d.issuedAt,
    validUntil: d.validUntil,
    pdfSha256: d.pdfSha256,
    pdfSize: d.pdfSize,
    statusReason: d.statusReason,
    statusChangedAt: d.statusChangedAt,
    successorId: d.successorId,
  });

  const ownDocument = async (agencyId: string, id: string): Promise<StoredDocument | null> => {
    if (!isDocumentId(id)) return null;
    const d = await getDocumentById(db, id);
    return d && d.agencyId === agencyId ? d : null;
  };

  return {
    ...(deps.pki ? { pki: deps.pki } : {}),
    ...(deps.tsa ? { tsa: deps.tsa } : {}),
    publicUrl: deps.config.publicUrl,
    bodyLimit: deps.config.bodyLimit,
    types: deps.types,
    async authenticate(presented) {
      const k = await authenticateApiKey(db, presented);
      return k ? { agencyId: k.agencyId, scopes: k.scopes, keyId: k.keyId } : null;
    },
    async issue({ caller, typeId, data, idempotencyKey }) {
      const r = await issueDocument(deps.issuance, { agencyId: caller.agencyId, typeId, data, idempotencyKey, actor: `apikey:${caller.keyId}` });
      if (r.created) deps.lifecycle.afterCommit?.();
      return { document: await view(r.document), created: r.created };
    },
    async getDocument(caller, id) {
      const d = await ownDocument(caller.agencyId, id);
      return d ? { ...(await view(d)), data: d.data as Record<string, unknown> } : null;
    },
    async getPdf(caller, id) {
      const d = await ownDocument(caller.agencyId, id);
      return d ? deps.blobs.get(d.blobKey) : null;
    },
    async publicStatus(id): Promise<PublicStatus | null> {
      if (!isDocumentId(id)) return null;
      const d = await getDocumentById(db, id);
      if (!d) return null;
      return {
        id: d.id,
        status: d.status,
        type: { id: d.typeId, version: d.typeVersion, name: await typeName(d.typeId, d.typeVersion) },
        issuer: { id: d.agencyId, name: await agencyName(d.agencyId) },
        serial: d.serial,
        issuedAt: d.issuedAt,
        validUntil: d.validUntil,
        expired: d.validUntil !== null && Date.parse(d.validUntil) < Date.now(),
        pdfSha256: d.pdfSha256,
        statusReason: d.statusReason,
        statusChangedAt: d.statusChangedAt,
        successorId: d.successorId,
      };
    },
    async changeStatus(caller, action, id, body) {
      return view(await changeDocumentStatus(deps.lifecycle, action, { ...body, reason: body.reason, agencyId: caller.agencyId, documentId: id, actor: `apikey:${caller.keyId}` }));
    },
    async supersede(caller, id, body) {
      const r = await supersedeDocument(
        { ...deps.lifecycle, issuance: deps.issuance },
        { data: body.data, reason: body.reason, note: body.note, agencyId: caller.agencyId, documentId: id, actor: `apikey:${caller.keyId}` },
      );
      return { old: await view(r.old), successor: await view(r.successor.document) };
    },
    async checkDigests(id, digests) {
      const r = await registryStatus(db, id, digests);
      return r.found ? r : null;
    },
    async lookup(query) {
      const q = query.trim();
      if (!q || q.length > 100) return [];
      const found = isDocumentId(q) ? [await getDocumentById(db, q)].filter((d) => d !== null) : await findDocumentsBySerial(db, q, 20);
      return Promise.all(
        found.map(async (d) => ({
          id: d.id,
          serial: d.serial,
          type: { id: d.typeId, name: await typeName(d.typeId, d.typeVersion) },
          issuer: { id: d.agencyId, name: await agencyName(d.agencyId) },
          issuedAt: d.issuedAt,
        })),
      );
    },
    log: deps.log,
    webhooks: deps.webhooks,
    statusList: (agencyId, typeId) => deps.statusLists.get(agencyId, typeId),
    async trustBundle() {
      return {
        registry: deps.config.publicUrl,
        roots: deps.trustRoots().map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('base64')),
        issuers: await deps.issuerDirectory(),
        log: { url: `${deps.config.publicUrl}/log`, verifierKey: await deps.log.verifierKey() },
      };
    },
    verify: (pdf, opts) => deps.verify(pdf, opts ?? {}),
    bulk: deps.bulk,
    console: deps.console,
    defaultLevel: deps.issuance.signing.level,
    async close() {
      await deps.database.close();
    },
  };
}
