/**
 * A document type as an agency defines it: the folder `types/<id>/` with type.json, schema.json, template.typ and
 * sample.json. These are the shapes of type.json; the loader in `src/doctypes` reads and checks them.
 */
export interface Bilingual {
  th: string;
  en: string;
}

export type SubjectKind = 'citizen' | 'juristic';

export type ValidityRule =
  | { kind: 'none' }
  | { kind: 'field'; field: string }
  | { kind: 'duration'; years?: number; months?: number; days?: number };

export interface FieldLabel extends Bilingual {
  /** Identifies a natural person: never shown on public pages or written to logs. */
  personal?: boolean;
}

export interface TypeDefinition {
  id: string;
  version: number;
  name: Bilingual;
  legalBasis: Bilingual;
  subject: { kind: SubjectKind; idField: string; nameFields: string[] };
  validity: ValidityRule;
  serial: { pattern: string };
  fields: Record<string, FieldLabel>;
  template: string;
}

/** When a document stops being valid, from its type's rule; null means it does not expire. */
export function validUntilFor(rule: ValidityRule, fields: Record<string, unknown>, issuedAt: Date): string | null {
  switch (rule.kind) {
    case 'none':
      return null;
    case 'field': {
      const v = fields[rule.field];
      // A date-only value means "valid through that day" in Thailand: end of day, UTC+7.
      return typeof v === 'string' ? new Date(`${v}T23:59:59.999+07:00`).toISOString() : null;
    }
    case 'duration': {
      const d = new Date(issuedAt.getTime());
      d.setUTCFullYear(d.getUTCFullYear() + (rule.years ?? 0), d.getUTCMonth() + (rule.months ?? 0), d.getUTCDate() + (rule.days ?? 0));
      return d.toISOString();
    }
  }
}
