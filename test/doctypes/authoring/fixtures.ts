import type { AuthoredSources } from '../../../src/doctypes/authoring/index.js';
import type { Agency } from '../../../src/store/index.js';

export const AGENCY: Agency = {
  id: 'dla-volunteers',
  nameTh: 'กรมส่งเสริมการปกครองท้องถิ่น',
  nameEn: 'Department of Local Administration',
  addressTh: 'ถนนนครราชสีมา เขตดุสิต กรุงเทพมหานคร 10300',
  createdAt: '2025-01-01T00:00:00.000Z',
};

export const TYPE_ID = 'volunteer-certificate';

/** A small type written from scratch, as an agency administrator would in the console. */
export function volunteerSources(overrides: Partial<AuthoredSources> = {}): AuthoredSources {
  return {
    definition: {
      id: TYPE_ID,
      version: 1,
      name: { th: 'หนังสือรับรองการเป็นอาสาสมัคร', en: 'Volunteer Service Certificate' },
      legalBasis: { th: 'ระเบียบกรมส่งเสริมการปกครองท้องถิ่น ว่าด้วยอาสาสมัคร พ.ศ. 2567', en: 'DLA Volunteer Regulation B.E. 2567 (2024)' },
      subject: { kind: 'citizen', idField: 'citizen_id', nameFields: ['full_name_th'] },
      validity: { kind: 'duration', years: 1 },
      serial: { pattern: 'อส. {BE}/{SEQ:4}' },
      fields: {
        citizen_id: { th: 'เลขประจำตัวประชาชน', en: 'Citizen ID', personal: true },
        full_name_th: { th: 'ชื่อ-นามสกุล', en: 'Full name', personal: true },
        hours: { th: 'จำนวนชั่วโมง', en: 'Hours', personal: false },
      },
      template: 'template.typ',
    },
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['citizen_id', 'full_name_th', 'hours'],
      properties: {
        citizen_id: { type: 'string', pattern: '^[0-9]{13}$', format: 'thai-id' },
        full_name_th: { type: 'string', minLength: 1, maxLength: 120 },
        hours: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    templateSource: `#import "/_shared/official.typ": *
#show: official-page

#agency-header()
#document-title()
#legal-basis()

#align(center)[
  ขอรับรองว่า #text(weight: "bold", fields.full_name_th)
  ได้ปฏิบัติงานอาสาสมัครรวม #th("hours") ชั่วโมง
]

#given-on()
#v(1fr)
#verify-and-sign()
`,
    sample: { citizen_id: '1103700123458', full_name_th: 'นางสาวพิมพ์ชนก ผู้มีทรัพย์', hours: 120 },
    ...overrides,
  };
}

/** The same sources with the template replaced. */
export const withTemplate = (templateSource: string): AuthoredSources => volunteerSources({ templateSource });
