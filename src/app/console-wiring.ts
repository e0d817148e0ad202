import type { Kysely } from 'kysely';
import type { BulkService } from '../bulk/bulk-service.js';
import { newDocumentId } from '../domain/identifiers.js';
import type { LoadedType } from '../doctypes/load-types.js';
import { checkAuthoredType, publishAuthoredType } from '../doctypes/authoring/publish.js';
import type { ConsoleDeps } from '../http/console/console-deps.js';
import { issueDocument, renderInputFor, unknownAgency, unknownType, type AgencySigner, type IssuanceDeps } from '../issuance/issue-document.js';
import { issueSpecimen, type SpecimenDeps } from '../issuance/issue-specimen.js';
import type { PadesLevel } from '../issuance/sign-pdf.js';
import { changeDocumentStatus, supersedeDocument, type LifecycleDeps } from '../lifecycle/index.js';
import type { Renderer, Watermark } from '../render/index.js';
import { getAgency, getDocumentById, listAgencyCertificates, type BlobStore, type Database } from '../store/index.js';
import { isApprovalRequired } from '../store/repos/type-settings.js';
import { getSpecimen } from '../store/repos/specimens.js';

interface WiringDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  types: Map<string, LoadedType>;
  publicUrl: string;
  bulk: BulkService;
  defaultLevel: PadesLevel;
  issuance: IssuanceDeps;
  lifecycle: LifecycleDeps;
  renderer(): Renderer;
  signerFor(agencyId: string): Promise<AgencySigner>;
  sandboxSignerFor(agencyId: string): Promise<AgencySigner>;
  /** After a live change commits: log, status lists, webhooks. */
  afterChange(): void;
  /** Makes a development signing key for a new agency when this deployment signs with development keys. */
  ensureAgencyKey(agencyId: string): Promise<void>;
}

/** Made-up facts for a preview: the document does not exist yet, so it has no id, serial or status. */
function previewFacts(publicUrl: string, fields: Record<string, unknown>) {
  const id = newDocumentId();
  return { id, serial: 'ร่าง / DRAFT', issuedAt: new Date(), validUntil: null, verifyUrl: `${publicUrl}/v/${id}`, fields };
}

/** The issuer console's view of the application: every function scoped by the agency the officer acts for. */
export function consoleDeps(w: WiringDeps): ConsoleDeps {
  const agencyOr404 = async (agencyId: string) => {
    const a = await getAgency(w.db, agencyId);
    if (!a) throw unknownAgency(agencyId);
    return a;
  };
  const specimenDeps: SpecimenDeps = {
    db: w.db,
    blobs: w.blobs,
    types: w.types,
    get renderer() {
      return w.renderer();
    },
    sandboxSignerFor: w.sandboxSignerFor,
    publicUrl: w.publicUrl,
  };
  const previewPages = (type: LoadedType, agency: Awaited<ReturnType<typeof agencyOr404>>, data: Record<string, unknown>, watermark: Watermark) =>
    w.renderer().previewSvg({ ...renderInputFor(type, agency, previewFacts(w.publicUrl, data)), watermark });

  return {
    db: w.db,
    types: w.types,
    publicUrl: w.publicUrl,
    bulk: w.bulk,
    defaultLevel: w.defaultLevel,
    drafts: {
      db: w.db,
      types: w.types,
      async issueLive(req) {
        const r = await issueDocument(w.issuance, { agencyId: req.agencyId, typeId: req.typeId, data: req.data, actor: req.actor, source: req.source, idempotencyKey: req.idempotencyKey });
        if (r.created) w.afterChange();
        return { documentId: r.document.id, serial: r.document.serial };
      },
      async issueSpecimen(req) {
        const r = await issueSpecimen(specimenDeps, { agencyId: req.agencyId, typeId: req.typeId, data: req.data, actor: req.actor, source: req.source, draftId: req.draftId });
        return { specimenId: r.specimen.id, serial: r.specimen.serial };
      },
      isApprovalRequired: (agencyId, typeId) => isApprovalRequired(w.db, agencyId, typeId),
    },
    async preview(agencyId, typeId, data, watermark) {
      const type = w.types.get(typeId);
      if (!type) throw unknownType(typeId);
      return previewPages(type, await agencyOr404(agencyId), data, watermark);
    },
    changeStatus: (action, req) => changeDocumentStatus(w.lifecycle, action, req),
    async supersede(req) {
      const r = await supersedeDocument({ ...w.lifecycle, issuance: w.issuance }, req);
      return { old: r.old, successorId: r.successor.document.id };
    },
    async documentPdf(agencyId, id) {
      const d = await getDocumentById(w.db, id);
      return d && d.agencyId === agencyId ? w.blobs.get(d.blobKey) : null;
    },
    async specimenPdf(agencyId, id) {
      const s = await getSpecimen(w.db, agencyId, id);
      return s ? w.blobs.get(s.blobKey) : null;
    },
    afterAgencyCreated: (agencyId) => w.ensureAgencyKey(agencyId),
    async checkType(agencyId, typeId, version) {
      const agency = await agencyOr404(agencyId);
      const report = await checkAuthoredType({ db: w.db, agency }, { typeId, version });
      if (!report.ok || !report.type) return { ok: false, problems: report.problems };
      // The sample already compiled within the time limit in a child process; its preview renders here.
      return { ok: true, preview: previewPages(report.type, agency, report.type.sample ?? {}, 'draft') };
    },
    async publishType(agencyId, typeId, version, actor, source) {
      await publishAuthoredType({ db: w.db, types: w.types, agency: await agencyOr404(agencyId) }, { typeId, version, actor, source });
    },
    async signingCertificate(agencyId) {
      // What the issuer directory recorded when the key was made or loaded: no need to load the private key here.
      const newest = (await listAgencyCertificates(w.db, agencyId)).at(-1);
      return newest ? { subject: newest.subject, notAfter: newest.notAfter, sha256: newest.certificateSha256 } : null;
    },
  };
}
