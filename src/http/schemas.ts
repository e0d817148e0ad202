/** JSON schemas shared by routes: they validate requests and document the API in OpenAPI. */
export const bilingual = {
  type: 'object',
  properties: { th: { type: 'string' }, en: { type: 'string' } },
  required: ['th', 'en'],
} as const;

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: bilingual,
        details: {},
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

export const documentIdParam = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$', description: 'Document id (22 characters, base64url)' } },
  required: ['id'],
} as const;

export const documentView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    address: { type: 'string', description: 'agency:type:id' },
    serial: { type: 'string' },
    type: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, name: bilingual } },
    agency: { type: 'object', properties: { id: { type: 'string' }, name: bilingual } },
    status: { type: 'string' },
    issuedAt: { type: 'string', format: 'date-time' },
    validUntil: { type: ['string', 'null'] },
    pdfSha256: { type: 'string' },
    pdfSize: { type: 'integer' },
    links: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const publicStatusSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', description: 'active | revoked | suspended | superseded' },
    expired: { type: 'boolean' },
    type: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, name: bilingual } },
    issuer: { type: 'object', properties: { id: { type: 'string' }, name: bilingual } },
    serial: { type: 'string' },
    issuedAt: { type: 'string' },
    validUntil: { type: ['string', 'null'] },
    pdfSha256: { type: 'string' },
  },
} as const;

export const reportSchema = {
  type: 'object',
  description: 'Verification report: verdict, Thai/English summary, and every check',
  additionalProperties: true,
  properties: {
    verdict: {
      type: 'string',
      enum: ['VALID', 'TAMPERED', 'UNTRUSTED', 'REVOKED', 'SUSPENDED', 'SUPERSEDED', 'EXPIRED', 'NOT_SIGNED', 'MALFORMED', 'INDETERMINATE'],
    },
    summary: bilingual,
  },
} as const;
