import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { loadTypes, type LoadedType } from '../doctypes/load-types.js';
import type { Services } from '../http/services.js';
import { issueDocument, unknownAgency, type AgencySigner, type IssueResult } from '../issuance/issue-document.js';
import { createRenderer, type Renderer } from '../render/index.js';
import { PadesSigner } from '../signing/index.js';
import {
  createApiKey,
  getAgency,
  getDocumentById,
  listAgencies,
  openDatabase,
  openFilesystemBlobStore,
  upsertAgency,
  upsertDocumentType,
  grantTypeEntitlement,
  type BlobStore,
  type OpenedDatabase,
  type StoredDocument,
} from '../store/index.js';
import type { VerificationReport } from '../verify/report.js';
import { DEMO_AGENCY, DEMO_AGENCY_ID, DEMO_API_KEY_FILE } from './demo.js';
import { canSignFor, keysDir, createDevAgencyIdentity, ensureDevRoot, hasAgencyIdentity, loadAgencyIdentity, loadTrustRoots, rootsToPem } from './keys.js';
import { buildServices } from './services.js';
import { devCaEndpoints, tsaEndpoint } from './pki.js';
import { builtInAuthority, configuredTimestamper, defaultLevel, ensureDevTsa, revocationSource } from './ltv.js';
import type { PadesLevel } from '../issuance/sign-pdf.js';
import { retimestampArchive, type RetimestampProgress } from '../issuance/archive-retimestamp.js';
import type { TimeStampAuthority } from '../timestamp/authority/index.js';
import { verifyWithRegistry } from './verification.js';
import { registerAgencyCertificate } from './agency-certificates.js';
import { changeDocumentStatus, expireDueDocuments, supersedeDocument, type LifecycleDeps } from '../lifecycle/index.js';
import { isDocumentId } from '../domain/identifiers.js';
import { openPublicLog, type PublicLog } from '../public-log/public-log.js';
import { logServices } from '../public-log/log-services.js';
import { proofForDocument } from '../public-log/read-log.js';
import { createWebhookDispatcher, webhookSubscriptionService } from '../notifications/index.js';
import { statusListPublisher } from './status-lists.js';
import { sweepOrphanBlobs } from '../issuance/orphan-blobs.js';
import type { TransparencyOptions } from '../verify/index.js';
import { cachedIssuerDirectory } from './issuer-directory.js';
import { BulkService } from '../bulk/bulk-service.js';
import { consoleDeps } from './console-wiring.js';
import { sandboxSigners } from './sandbox-keys.js';
import { seedDemoOfficers } from './demo-idp.js';
import { loadPublishedAuthoredTypes } from '../doctypes/authoring/publish.js';
import { setApprovalRequired } from '../store/repos/type-settings.js';
import { hasDevRoot } from './keys.js';
import { deleteExpiredSessions } from '../store/repos/sessions.js';

export { DEMO_AGENCY_ID } from './demo.js';

export interface App {
  config: Config;
  database: OpenedDatabase;
  blobs: BlobStore;
  types: Map<string, LoadedType>;
  services: Services;
  issueAsAgency(agencyId: string, typeId: string, data: unknown, opts?: { idempotencyKey?: string; level?: PadesLevel }): Promise<IssueResult>;
  verify(pdf: Uint8Array, opts?: { offline?: boolean; extraTrustPem?: string | undefined }): Promise<VerificationReport>;
  trustRootsPem(): string;
  createDevSigningKey(agencyId: string, algorithm: string): Promise<{ lines: string[] }>;
  createApiKey(agencyId: string, label: string, scopes: string[]): Promise<string>;
  retimestamp(before: Date, onProgress?: (p: RetimestampProgress) => void): Promise<RetimestampProgress>;
  /** Revoke, suspend or reinstate; `agencyId` defaults to the document's own agency (operator on the CLI). */
  changeStatus(action: 'revoke' | 'suspend' | 'reinstate', req: LifecycleCommand, actor: string): Promise<StoredDocument>;
  /** Issue a corrected successor and mark the document superseded, in one transaction. */
  supersede(req: LifecycleCommand & { data: unknown }, actor: string): Promise<{ old: StoredDocument; successor: IssueResult }>;
  /** The transparency log (key, integrator). */
  publicLog: PublicLog;
  /** `serve` only: integrate the log on a timer and deliver webhooks (unless EKASARN_WEBHOOKS=off). */
  startBackgroundWork(): void;
  /** Mark documents past their valid-until as expired (with log events); returns how many. */
  expireDue(): Promise<number>;
  /** The built-in time-stamping authority, when this instance has one (development CA). */
  timeStampAuthority: TimeStampAuthority | undefined;
  /** Bulk issuance: batches from CSV/JSONL files. */
  bulk: BulkService;
  /** The PAdES level documents get unless a request asks for another. */
  defaultLevel: PadesLevel;
  close(): Promise<void>;
}

/** A whole number from the environment, or the default; anything else is a configuration error said plainly. */
function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export interface LifecycleCommand {
  documentId: string;
  agencyId?: string;
  reason?: unknown;
  note?: unknown;
  effectiveAt?: unknown;
}

/**
 * Registers the bundled type versions for an agency and entitles it to issue them; an edited template under an old
 * version number is refused.
 */
async function registerTypes(database: OpenedDatabase, types: Map<string, LoadedType>, agencyId: string): Promise<void> {
  for (const t of types.values()) {
    await grantTypeEntitlement(database.db, agencyId, t.definition.id);
    await upsertDocumentType(database.db, {
      typeId: t.definition.id,
      version: t.definition.version,
      agencyId,
      nameTh: t.definition.name.th,
      nameEn: t.definition.name.en,
      definition: { type: t.definition, schema: t.schema },
      templateSha256: t.templateSha256,
    });
  }
}

/** Wires configuration to database, blob store, document types, renderer, signers and verification. */
export interface OpenAppOptions {
  /** Verification-only use: no key creation, no TSA, no log integration on close. */
  readOnly?: boolean;
  /**
   * Integrate the transparency log right after each change this process commits (default true). Tests that drive a
   * separate `ekasarn serve` turn it off: a background transaction left open in a process that then blocks (spawnSync
   * of pdfsig) would hold SQLite's write lock and stall the server; the server integrates on its own timer anyway.
   */
  integrateAfterChanges?: boolean;
}

export async function openApp(config: Config, opts: OpenAppOptions = {}): Promise<App> {
  const types = await loadTypes(config.typesDir);
  const database = await openDatabase({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const blobs = openFilesystemBlobStore(config.dataDir);
  if (!opts.readOnly) {
    for (const agencyId of [DEMO_AGENCY_ID]) if (await getAgency(database.db, agencyId)) await registerTypes(database, types, agencyId);
  }
  // Versions agency administrators published in the console replace the bundled ones they are newer than.
  await loadPublishedAuthoredTypes(database.db, types);
  let trustRoots = await loadTrustRoots(config);
  const issuerDirectory = cachedIssuerDirectory(database.db);

  // The Typst compiler costs tens of milliseconds to create: only commands that issue pay for it.
  let renderer: Renderer | null = null;
  const getRenderer = (): Renderer => (renderer ??= createRenderer());
  const signers = new Map<string, Promise<AgencySigner>>();
  const signerFor = (agencyId: string): Promise<AgencySigner> => {
    let s = signers.get(agencyId);
    if (!s) {
      s = (async () => {
        const identity = await loadAgencyIdentity(config, agencyId);
        const agency = await getAgency(database.db, agencyId);
        // Whatever key the agency signs with is listed in the issuer directory before its first signature.
        await registerAgencyCertificate(database.db, agencyId, identity.certificate);
        issuerDirectory.invalidate();
        return { signer: await PadesSigner.create(identity), chain: identity.chain, identity, ...(agency ? { signerName: agency.nameTh } : {}) };
      })();
      s.catch(() => signers.delete(agencyId));
      signers.set(agencyId, s);
    }
    return s;
  };

  // Time-stamping: a remote TSA when configured, else the built-in development one (demo). Verification-only
  // commands skip it.
  const authority = opts.readOnly ? undefined : await builtInAuthority(config);
  const timestamper = opts.readOnly ? undefined : await configuredTimestamper(config, async () => authority);
  const level = defaultLevel(config, timestamper !== undefined);
  const issuanceDeps = {
    signing: { level, timestamper, revocation: revocationSource(config) },
    db: database.db,
    blobs,
    types,
    get renderer() {
      return getRenderer();
    },
    signerFor,
    publicUrl: config.publicUrl,
  };
  const verify = async (pdf: Uint8Array, o: { offline?: boolean; extraTrustPem?: string | undefined } = {}) =>
    verifyWithRegistry(pdf, {
      db: database.db,
      trustRoots: o.extraTrustPem ? await loadTrustRoots(config, o.extraTrustPem) : trustRoots,
      offline: o.offline === true,
      publicUrl: config.publicUrl,
      issuers: await issuerDirectory.get(),
      ...(o.offline ? {} : await transparencyFor()),
      ...(o.offline ? {} : { fetchStatusList: ownStatusList }),
    });

  const publicLog = openPublicLog(database.db, {
    keyFile: join(keysDir(config), 'log.key'),
    publicUrl: config.publicUrl,
    onError: (e) => console.error(`ekasarn: transparency log integration failed: ${(e as Error).message}`),
  });
  // Every committed change is integrated into the public log right after (and on a timer in `serve`).
  // The log as a verifier sees it. A read-only process (the verify CLI) never creates the key: no key, no log check.
  const transparencyFor = async (): Promise<{ transparency?: TransparencyOptions }> => {
    if (opts.readOnly && !existsSync(join(keysDir(config), 'log.key'))) return {};
    const identity = await publicLog.identity();
    return { transparency: { verifierKey: identity.verifierKey, proofFor: (id) => proofForDocument(database.db, id) } };
  };
  const statusLists = statusListPublisher(database.db, config);
  // Relying parties' webhooks: delivered by `serve` (its dispatcher); EKASARN_WEBHOOKS=off leaves them queued.
  const webhooks = createWebhookDispatcher({ db: database.db, onError: (e) => console.error(`ekasarn: webhook dispatch failed: ${(e as Error).message}`) });
  const onChange = () => {
    if (opts.integrateAfterChanges !== false) publicLog.kick();
    statusLists.invalidate();
    if (dispatching) webhooks.kick();
  };
  let dispatching = false;
  // This deployment's own status lists, read without HTTP; lists of other registries are not fetched by the server.
  const ownStatusList = async (url: string): Promise<string> => {
    const m = url.startsWith(`${config.publicUrl}/status/`) ? /^\/status\/([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(url.slice(config.publicUrl.length)) : null;
    const jws = m ? await statusLists.get(m[1]!, m[2]!) : null;
    if (!jws) throw new Error(`status list ${url} is not one of this registry's`);
    return jws;
  };
  const lifecycleDeps: LifecycleDeps = { db: database.db, publicUrl: config.publicUrl, afterCommit: onChange };
  const issueAndLog = async (...args: Parameters<typeof issueDocument>) => {
    const r = await issueDocument(...args);
    if (r.created) onChange();
    return r;
  };
  const agencyOf = async (req: LifecycleCommand): Promise<string> => {
    if (req.agencyId) return req.agencyId;
    const d = isDocumentId(req.documentId) ? await getDocumentById(database.db, req.documentId) : null;
    if (!d) throw new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });
    return d.agencyId;
  };

  // Bulk issuance: worker threads per core (EKASARN_BULK_WORKERS), claims that lapse after EKASARN_BULK_LEASE_MS when
  // their process dies, a fresh worker thread every EKASARN_BULK_RECYCLE documents (a safety valve for Typst's memory).
  const bulkWorkers = envInt('EKASARN_BULK_WORKERS', 0, 0, 64);
  const bulk = new BulkService(
    {
      db: database.db,
      dialect: database.dialect,
      blobs,
      blobRoot: blobs.root,
      types,
      publicUrl: config.publicUrl,
      signerFor,
      signing: { timestamper, revocation: issuanceDeps.signing.revocation },
      now: () => new Date(),
      leaseMs: envInt('EKASARN_BULK_LEASE_MS', 30_000, 1000, 3_600_000),
      nodeId: `${hostname()}:${process.pid}`,
      afterCommit: onChange,
      ...(bulkWorkers ? { workers: bulkWorkers } : {}),
      recycleAfter: envInt('EKASARN_BULK_RECYCLE', 50_000, 10, 10_000_000),
      perWorker: envInt('EKASARN_BULK_INFLIGHT', 3, 1, 64),
    },
    { databaseUrl: config.databaseUrl, onError: (e) => console.error(`ekasarn: bulk issuance: ${(e as Error).message}`) },
  );

  const sandboxSignerFor = sandboxSigners(config, database.db);
  const consoleServices = consoleDeps({
    db: database.db,
    blobs,
    types,
    publicUrl: config.publicUrl,
    bulk,
    defaultLevel: level,
    issuance: issuanceDeps,
    lifecycle: lifecycleDeps,
    renderer: getRenderer,
    signerFor,
    sandboxSignerFor,
    afterChange: onChange,
    async ensureAgencyKey(agencyId) {
      // Deployments on development keys (demo, training) give a new agency its own development key; production
      // agencies get theirs from a certification authority (`ekasarn keys`), never from here.
      if (canSignFor(config, agencyId) || !hasDevRoot(config)) return;
      const agency = await getAgency(database.db, agencyId);
      if (!agency) throw unknownAgency(agencyId);
      const identity = await createDevAgencyIdentity(config, agency, 'RSA-2048');
      await registerAgencyCertificate(database.db, agencyId, identity.certificate);
      issuerDirectory.invalidate();
      trustRoots = await loadTrustRoots(config);
    },
  });

  const services = buildServices({
    config,
    database,
    blobs,
    types,
    issuance: issuanceDeps,
    verify,
    pki: devCaEndpoints(config),
    tsa: authority ? tsaEndpoint(authority) : undefined,
    trustRoots: () => trustRoots,
    lifecycle: lifecycleDeps,
    log: logServices(database.db, publicLog),
    statusLists,
    // Plain-http receivers only where the deployment itself runs on plain http (development and demos).
    webhooks: webhookSubscriptionService(database.db, { allowHttp: config.publicUrl.startsWith('http:'), allowPrivateHosts: config.publicUrl.startsWith('http:') }),
    issuerDirectory: () => issuerDirectory.get(),
    bulk,
    console: consoleServices,
  });

  return {
    config,
    database,
    blobs,
    types,
    services,
    publicLog,
    startBackgroundWork() {
      publicLog.start(2000);
      // Certificates are recorded when a key is created and whenever a signer loads it. A data folder from before the
      // issuer directory (or a production key swapped in) is caught up here, once per server start — not on every
      // CLI command, which loads only the signer it needs.
      void listAgencies(database.db)
        .then((agencies) => Promise.all(agencies.filter((a) => canSignFor(config, a.id)).map((a) => signerFor(a.id).catch(() => undefined))))
        .catch((e: Error) => console.error(`ekasarn: recording signing certificates failed: ${e.message}`));
      // PDFs left by an issuance killed before its commit: at start, then hourly.
      const sweep = () =>
        void sweepOrphanBlobs(database.db, blobs)
          .then((r) => r.removed.length + r.temporaries && console.error(`ekasarn: removed ${r.removed.length} orphaned PDF(s), ${r.temporaries} unfinished write(s)`))
          .catch((e: Error) => console.error(`ekasarn: orphan sweep failed: ${e.message}`));
      // Console sessions past their absolute expiry (refused already; this only clears the rows): hourly too.
      const sweepSessions = () => void deleteExpiredSessions(database.db).catch((e: Error) => console.error(`ekasarn: session sweep failed: ${e.message}`));
      sweep();
      sweepSessions();
      setInterval(() => {
        sweep();
        sweepSessions();
      }, 3_600_000).unref();
      if (process.env.EKASARN_WEBHOOKS !== 'off') {
        dispatching = true;
        webhooks.start(5000);
      }
      // Type versions another server published reach this one within 30 s (several servers share only PostgreSQL;
      // on SQLite this process is the only one that publishes, and publishing updates its map at once).
      if (database.dialect === 'postgres') {
        setInterval(
          () => void loadPublishedAuthoredTypes(database.db, types).catch((e: Error) => console.error(`ekasarn: loading published types failed: ${e.message}`)),
          30_000,
        ).unref();
      }
      // Batches left unfinished by a stopped process continue (SQLite), or this server joins the shared queue (PG).
      void bulk.start().catch((e: Error) => console.error(`ekasarn: bulk queue failed to start: ${e.message}`));
    },
    bulk,
    defaultLevel: level,
    issueAsAgency: (agencyId, typeId, data, o = {}) =>
      issueAndLog(issuanceDeps, { agencyId, typeId, data, idempotencyKey: o.idempotencyKey, level: o.level, actor: 'cli' }),
    verify,
    trustRootsPem: () => rootsToPem(trustRoots),
    async createDevSigningKey(agencyId, algorithm) {
      const agency = await getAgency(database.db, agencyId);
      if (!agency) throw unknownAgency(agencyId);
      const identity = await createDevAgencyIdentity(config, agency, algorithm);
      await registerAgencyCertificate(database.db, agencyId, identity.certificate);
      issuerDirectory.invalidate();
      signers.delete(agencyId);
      trustRoots = await loadTrustRoots(config);
      return { lines: [`created ${identity.keyAlgorithm} development signing key for ${agencyId} (NOT FOR PRODUCTION)`] };
    },
    async changeStatus(action, req, actor) {
      return changeDocumentStatus(lifecycleDeps, action, { ...req, reason: req.reason, agencyId: await agencyOf(req), actor });
    },
    async supersede(req, actor) {
      return supersedeDocument({ ...lifecycleDeps, issuance: issuanceDeps }, { ...req, agencyId: await agencyOf(req), actor });
    },
    expireDue: () => expireDueDocuments(lifecycleDeps),
    timeStampAuthority: authority,
    async retimestamp(before, onProgress) {
      if (!timestamper) {
        throw new AppError('no_tsa', 503, { th: 'ยังไม่ได้ตั้งค่าผู้ให้บริการตราประทับเวลา', en: 'No time-stamping authority is configured (EKASARN_TSA_URL)' });
      }
      return retimestampArchive(
        { db: database.db, blobs, timestamper, revocation: issuanceDeps.signing.revocation, trustRoots },
        { before, ...(onProgress ? { onProgress } : {}) },
      );
    },
    async createApiKey(agencyId, label, scopes) {
      if (!(await getAgency(database.db, agencyId))) {
        throw unknownAgency(agencyId);
      }
      return (await createApiKey(database.db, agencyId, label, scopes)).secret;
    },
    async close() {
      // Changes made by this process reach the log before it exits (a CLI command, a server shutting down).
      if (!opts.readOnly) await publicLog.flush();
      await bulk.close();
      await publicLog.stop();
      await webhooks.stop();
      renderer?.close();
      await database.close();
    },
  };
}


/**
 * First-run set-up. Always: database migrations. With `demo`: the demonstration agency, the bundled types, a
 * development root CA and agency signing key (labelled NOT FOR PRODUCTION), and an API key saved to
 * `<data>/demo-api-key.txt` so `npm start` can print it every time.
 */
export async function initProject(config: Config, opts: { demo: boolean }): Promise<{ lines: string[] }> {
  const lines: string[] = [];
  const types = await loadTypes(config.typesDir);
  const database = await openDatabase({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    lines.push(`ฐานข้อมูล / database: ${database.dialect}${database.dialect === 'sqlite' ? ` (${join(config.dataDir, 'ekasarn.sqlite')})` : ''}`);
    if (!opts.demo) return { lines };
    await upsertAgency(database.db, DEMO_AGENCY);
    await registerTypes(database, types, DEMO_AGENCY_ID);
    // The demo shows maker-checker on the training certificate: a second officer approves before it is signed.
    await setApprovalRequired(database.db, DEMO_AGENCY_ID, 'training-certificate', true, 'system');
    await seedDemoOfficers(database.db);
    if (await ensureDevRoot(config)) lines.push('สร้าง CA สำหรับพัฒนา / created a DEVELOPMENT root CA (NOT FOR PRODUCTION)');
    if (await ensureDevTsa(config)) lines.push('สร้างผู้ให้บริการตราประทับเวลาสำหรับพัฒนา / created a DEVELOPMENT time-stamping authority');
    if (!hasAgencyIdentity(config, DEMO_AGENCY_ID)) {
      const identity = await createDevAgencyIdentity(config, DEMO_AGENCY, 'RSA-2048');
      await registerAgencyCertificate(database.db, DEMO_AGENCY_ID, identity.certificate);
      lines.push('สร้างกุญแจลงนามของหน่วยงานตัวอย่าง / created the demo agency signing key (NOT FOR PRODUCTION)');
    }
    const keyFile = join(config.dataDir, DEMO_API_KEY_FILE);
    let key: string;
    if (existsSync(keyFile)) key = (await readFile(keyFile, 'utf8')).trim();
    else {
      key = (await createApiKey(database.db, DEMO_AGENCY_ID, 'demo', ['documents:issue', 'documents:read', 'documents:status'])).secret;
      await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
    }
    lines.push(
      `หน่วยงานตัวอย่าง / demo agency: ${DEMO_AGENCY.nameTh} (${DEMO_AGENCY_ID})`,
      `ประเภทเอกสาร / document types: ${[...types.keys()].join(', ')}`,
      `กุญแจ API ตัวอย่าง / demo API key: ${key}`,
      `ลองออกเอกสาร / try:`,
      `  curl -s -X POST ${config.publicUrl}/api/v1/documents -H "Authorization: Bearer ${key}" \\`,
      `       -H 'Content-Type: application/json' -d @examples/issue-training-certificate.json`,
      `  npx ekasarn issue --type training-certificate --data types/training-certificate/sample.json --out cert.pdf`,
      `  npx ekasarn verify cert.pdf`,
    );
    return { lines };
  } finally {
    await database.close();
  }
}
