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
    statusReason: { type: ['string', 'null'] },
    statusChangedAt: { type: ['string', 'null'] },
    successorId: { type: ['string', 'null'] },
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
    statusReason: { type: ['string', 'null'], description: 'Why the status last changed' },
    statusChangedAt: { type: ['string', 'null'] },
    successorId: { type: ['string', 'null'], description: 'The document replacing this one (superseded)' },
  },
} as const;

const sha256Hex = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

export const digestsSchema = {
  type: 'object',
  description: 'Digests of a file someone holds: never the file or its data',
  properties: {
    pdfSha256: { ...sha256Hex, description: 'SHA-256 of the whole PDF file, lowercase hex' },
    dataSha256: { ...sha256Hex, description: 'SHA-256 of the RFC 8785 canonical JSON of the embedded data.json "fields"' },
  },
  required: ['pdfSha256', 'dataSha256'],
  additionalProperties: false,
} as const;

export const registryStatusSchema = {
  type: 'object',
  properties: {
    found: { type: 'boolean' },
    status: { type: 'string' },
    pdfMatches: { type: 'boolean', description: 'The file is one this registry issued (any version)' },
    dataMatches: { type: 'boolean', description: "The embedded fields equal the registry's" },
    record: {
      type: 'object',
      properties: { serial: { type: 'string' }, typeId: { type: 'string' }, issuerId: { type: 'string' }, issuedAt: { type: 'string' } },
    },
    validUntil: { type: ['string', 'null'] },
    successorId: { type: ['string', 'null'] },
    statusReason: { type: ['string', 'null'] },
    statusChangedAt: { type: ['string', 'null'] },
  },
} as const;

export const trustBundleSchema = {
  type: 'object',
  properties: {
    registry: { type: 'string' },
    log: { type: 'object', properties: { url: { type: 'string' }, verifierKey: { type: 'string', description: 'C2SP note verifier key of the log' } } },
    roots: { type: 'array', items: { type: 'string', description: 'certificate DER, base64' } },
    issuers: {
      type: 'object',
      properties: {
        agencies: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: bilingual,
              certificates: { type: 'array', items: { type: 'string' } },
              types: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
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
