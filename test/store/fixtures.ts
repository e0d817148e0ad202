import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/db/schema.js';
import { upsertAgency } from '../../src/store/repos/agencies.js';
import { upsertDocumentType } from '../../src/store/repos/document-types.js';
import type { NewDocumentInput } from '../../src/store/repos/documents.js';

export const AGENCY = 'dopa-bangrak';
export const TYPE = 'residence-certificate';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/** An agency and version 1 of one document type, the minimum a document row refers to. */
export async function seedAgencyAndType(db: Kysely<Database>, agencyId = AGENCY): Promise<void> {
  await upsertAgency(db, {
    id: agencyId,
    nameTh: 'สำนักงานเขตบางรัก',
    nameEn: 'Bang Rak District Office',
    addressTh: '๑๙๒ ถนนนเรศ แขวงสี่พระยา เขตบางรัก กรุงเทพมหานคร ๑๐๕๐๐',
  });
  await upsertDocumentType(db, {
    typeId: TYPE,
    version: 1,
    agencyId,
    nameTh: 'หนังสือรับรองถิ่นที่อยู่',
    nameEn: 'Certificate of residence',
    definition: { type: { id: TYPE, version: 1 }, schema: { type: 'object' } },
    templateSha256: sha256('template v1'),
  });
}

export function documentInput(overrides: Partial<NewDocumentInput> = {}): NewDocumentInput {
  return {
    id: randomId(),
    serial: `บร 0201/2568/${randomBytes(3).toString('hex')}`,
    typeId: TYPE,
    typeVersion: 1,
    agencyId: AGENCY,
    subjectKind: 'citizen',
    subjectId: '1101700230708',
    data: { name: 'นายสมชาย ใจดี', address: 'บ้านเลขที่ ๑' },
    pdfSha256: sha256(randomId()),
    pdfSize: 12345,
    issuedAt: '2025-01-15T03:00:00.000Z',
    ...overrides,
  };
}
