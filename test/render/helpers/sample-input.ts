import { readFileSync } from 'node:fs';
import type { RenderInput } from '../../../src/render/render-document.js';

export const TYPES_DIR = new URL('../../../types/', import.meta.url);

export function readType(typeId: string) {
  const type = JSON.parse(readFileSync(new URL(`${typeId}/type.json`, TYPES_DIR), 'utf8'));
  const sample = JSON.parse(readFileSync(new URL(`${typeId}/sample.json`, TYPES_DIR), 'utf8'));
  const template = readFileSync(new URL(`${typeId}/${type.template}`, TYPES_DIR), 'utf8');
  return { type, sample, template };
}

const ISSUERS: Record<string, RenderInput['meta']['issuer']> = {
  'training-certificate': {
    nameTh: 'สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล',
    nameEn: 'Thailand Digital Government Academy',
    addressTh: '108 อาคารบางกอกไทย ทาวเวอร์ ถนนรางน้ำ แขวงถนนพญาไท เขตราชเทวี กรุงเทพมหานคร 10400',
    signerTitleTh: 'ผู้อำนวยการสถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล',
    signerNameTh: 'นายวิชัย ผู้ใหญ่ที่ดี',
  },
  'factory-licence': {
    nameTh: 'กรมโรงงานอุตสาหกรรม',
    nameEn: 'Department of Industrial Works',
    addressTh: '75/6 ถนนพระรามที่ 6 แขวงทุ่งพญาไท เขตราชเทวี กรุงเทพมหานคร 10400',
    signerTitleTh: 'อธิบดีกรมโรงงานอุตสาหกรรม',
  },
};

/** A complete RenderInput for a bundled type, as the issuance service would build it. */
export function sampleInput(typeId: string, overrides: { fields?: Record<string, unknown>; documentId?: string } = {}): RenderInput {
  const { type, sample, template } = readType(typeId);
  const fields = overrides.fields ?? sample;
  const documentId = overrides.documentId ?? 'Qm3x7Vb2Kc9TzR4pLw8NdA';
  const labels: Record<string, { th: string; en: string }> = {};
  for (const [k, f] of Object.entries<any>(type.fields)) labels[k] = { th: f.th, en: f.en };
  const serial = typeId === 'factory-licence' ? 'รง.4 000123/2568' : 'ฝอ. 2568/000123';
  return {
    templateSource: template,
    templateKey: `${type.id}@${type.version}`,
    fields,
    labels,
    meta: {
      documentId,
      serial,
      typeNameTh: type.name.th,
      typeNameEn: type.name.en,
      issuer: ISSUERS[typeId]!,
      issuedAt: '2025-01-15T03:00:00Z',
      validUntil: type.validity.kind === 'field' ? (fields[type.validity.field] as string) : null,
      verifyUrl: `https://verify.ekasarn.go.th/d/${documentId}`,
      legalBasis: type.legalBasis,
    },
    attachment: {
      name: 'data.json',
      bytes: new TextEncoder().encode(JSON.stringify({ type: type.id, version: type.version, data: fields })),
      description: 'ข้อมูลของเอกสาร / Document data',
    },
    pdfMetadata: {
      title: `${type.name.th} ${serial}`,
      keywords: [type.id, serial],
      date: new Date('2025-01-15T03:00:00Z'),
    },
  };
}
