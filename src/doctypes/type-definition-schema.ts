/** JSON Schema for type.json itself, so a broken type folder is refused with a clear message at load time. */
const bilingual = {
  type: 'object',
  required: ['th', 'en'],
  properties: { th: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
  additionalProperties: false,
} as const;

export const typeDefinitionSchema = {
  type: 'object',
  required: ['id', 'version', 'name', 'legalBasis', 'subject', 'validity', 'serial', 'fields', 'template'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' },
    version: { type: 'integer', minimum: 1 },
    name: bilingual,
    legalBasis: bilingual,
    subject: {
      type: 'object',
      required: ['kind', 'idField', 'nameFields'],
      additionalProperties: false,
      properties: {
        kind: { enum: ['citizen', 'juristic'] },
        idField: { type: 'string' },
        nameFields: { type: 'array', items: { type: 'string' } },
      },
    },
    validity: {
      type: 'object',
      required: ['kind'],
      properties: {
        kind: { enum: ['none', 'field', 'duration'] },
        field: { type: 'string' },
        years: { type: 'integer', minimum: 0 },
        months: { type: 'integer', minimum: 0 },
        days: { type: 'integer', minimum: 0 },
      },
      additionalProperties: false,
    },
    serial: {
      type: 'object',
      required: ['pattern'],
      additionalProperties: false,
      properties: { pattern: { type: 'string', minLength: 1, maxLength: 64 } },
    },
    fields: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['th', 'en'],
        additionalProperties: false,
        properties: { th: { type: 'string' }, en: { type: 'string' }, personal: { type: 'boolean' } },
      },
    },
    template: { type: 'string', pattern: '^[A-Za-z0-9_.-]+\\.typ$' },
  },
} as const;
