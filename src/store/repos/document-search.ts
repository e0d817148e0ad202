import { PostgresAdapter, sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../db/transaction.js';

/**
 * The console's document search, over the live registry (`documents`) or the training sandbox (`specimens`), always
 * within one agency. Names are not columns: they sit in data_json under the fields each type declares as its
 * subject's name (type.json `subject.nameFields`), so the name filter reads them with the engine's JSON operator
 * (`->>`, which SQLite ≥ 3.38 and PostgreSQL share) per type version. Matching is a substring match on the name
 * fields joined without spaces, against the query without spaces: "นางสาวพิมพ์ชนก" and "พิมพ์ชนก ผู้มีทรัพย์" both find
 * title + first + last name. Every value is a bound parameter; field names come from stored type definitions and are
 * checked against a plain identifier pattern before use.
 */
export interface SearchScope {
  agencyId: string;
  mode: 'live' | 'sandbox';
}

/** Where a type version keeps its subject: the id field and the name fields, in display order. */
export interface SubjectFields {
  typeId: string;
  typeVersion: number;
  idField: string;
  nameFields: string[];
}

export interface DocumentSearchQuery {
  /** Substring of the serial. */
  serial?: string | undefined;
  /** Exact subject id. */
  subjectId?: string | undefined;
  /** Substring of the subject's name (spaces ignored). */
  name?: string | undefined;
  /** Issued at or after (UTC ISO). */
  issuedFromIso?: string | null | undefined;
  /** Issued before (UTC ISO, exclusive). */
  issuedBeforeIso?: string | null | undefined;
  /** A lifecycle status (live) — sandbox rows are all 'specimen'. */
  status?: string | undefined;
  typeId?: string | undefined;
  limit: number;
  offset: number;
}

export interface DocumentSearchRow {
  id: string;
  serial: string;
  typeId: string;
  typeVersion: number;
  subjectId: string;
  /** The name fields' values joined with spaces, e.g. "นางสาว พิมพ์ชนก ผู้มีทรัพย์". */
  subjectName: string;
  status: string;
  issuedAt: string;
  validUntil: string | null;
}

export interface DocumentSearchResult {
  rows: DocumentSearchRow[];
  /** How many rows match in all (for paging). */
  total: number;
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Escapes LIKE's wildcards so what the officer typed is matched literally (ESCAPE '\' on both engines). */
export function likeContains(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** One field of data_json as text ('' when absent). */
function jsonField(db: Executor, column: string, field: string): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`coalesce((${sql.ref(column)})::jsonb ->> ${field}::text, '')`
    : sql<string>`coalesce(cast(${sql.ref(column)} ->> ${field} as text), '')`;
}

function nameExpression(db: Executor, column: string, fields: readonly string[]): RawBuilder<string> {
  const parts = fields.filter((f) => FIELD_NAME.test(f)).map((f) => jsonField(db, column, f));
  if (parts.length === 0) return sql<string>`''`;
  return sql<string>`replace(${sql.join(parts, sql` || `)}, ' ', '')`;
}

const likeEscaped = (expr: RawBuilder<string>, pattern: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`lower(${expr}) like lower(${pattern}) escape '\\'`;

/** `(type_id = ? and type_version = ? and <per-type test>) or …`; false when no type version applies. */
function perTypeVersion(
  subjects: readonly SubjectFields[],
  test: (s: SubjectFields) => RawBuilder<SqlBool> | null,
): RawBuilder<SqlBool> {
  const alternatives = subjects.flatMap((s) => {
    const t = test(s);
    return t ? [sql<SqlBool>`(type_id = ${s.typeId} and type_version = ${s.typeVersion} and ${t})`] : [];
  });
  return alternatives.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}

const and = (preds: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> => (preds.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`${sql.join(preds, sql` and `)}`);

function displayName(data: Record<string, unknown>, fields: readonly string[]): string {
  return fields
    .map((f) => data[f])
    .filter((v) => v !== undefined && v !== null && v !== '')
    .map(String)
    .join(' ');
}

function subjectOf(subjects: readonly SubjectFields[], typeId: string, version: number): SubjectFields | undefined {
  return subjects.find((s) => s.typeId === typeId && s.typeVersion === version);
}

export async function searchDocumentRows(
  db: Executor,
  scope: SearchScope,
  q: DocumentSearchQuery,
  subjects: readonly SubjectFields[],
): Promise<DocumentSearchResult> {
  const relevant = q.typeId === undefined ? subjects : subjects.filter((s) => s.typeId === q.typeId);
  const sandbox = scope.mode === 'sandbox';
  const timeColumn = sandbox ? 'created_at' : 'issued_at';
  const preds: RawBuilder<SqlBool>[] = [sql<SqlBool>`agency_id = ${scope.agencyId}`];
  if (q.typeId !== undefined) preds.push(sql<SqlBool>`type_id = ${q.typeId}`);
  if (q.serial !== undefined) preds.push(sql<SqlBool>`serial like ${likeContains(q.serial)} escape '\\'`);
  if (q.issuedFromIso) preds.push(sql<SqlBool>`${sql.ref(timeColumn)} >= ${q.issuedFromIso}`);
  if (q.issuedBeforeIso) preds.push(sql<SqlBool>`${sql.ref(timeColumn)} < ${q.issuedBeforeIso}`);
  if (q.status !== undefined) preds.push(sandbox ? (q.status === 'specimen' ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`) : sql<SqlBool>`status = ${q.status}`);
  if (q.subjectId !== undefined) {
    const id = q.subjectId;
    preds.push(
      sandbox
        ? perTypeVersion(relevant, (s) => (FIELD_NAME.test(s.idField) ? sql<SqlBool>`${jsonField(db, 'data_json', s.idField)} = ${id}` : null))
        : sql<SqlBool>`subject_id = ${id}`,
    );
  }
  if (q.name !== undefined) {
    const pattern = likeContains(q.name.replace(/\s+/g, ''));
    preds.push(perTypeVersion(relevant, (s) => likeEscaped(nameExpression(db, 'data_json', s.nameFields), pattern)));
  }
  const where = and(preds);

  // Specimens and documents answer in the same row shape; a specimen has no status column, no subject_id column and
  // no validity, so those come from its data or are constant.
  const table = sandbox ? 'specimens' : 'documents';
  const [rows, count] = await Promise.all([
    db
      .selectFrom(table)
      .select(['id', 'serial', 'type_id', 'type_version', 'data_json'])
      .select(sql.ref<string>(timeColumn).as('at'))
      .select(sandbox ? sql<string>`'specimen'`.as('status') : sql.ref<string>('status').as('status'))
      .select(sandbox ? sql<string | null>`null`.as('subject_id') : sql.ref<string | null>('subject_id').as('subject_id'))
      .select(sandbox ? sql<string | null>`null`.as('valid_until') : sql.ref<string | null>('valid_until').as('valid_until'))
      .where(where)
      .orderBy(timeColumn, 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    rows: rows.map((r) => {
      const data = JSON.parse(r.data_json) as Record<string, unknown>;
      const s = subjectOf(subjects, r.type_id, r.type_version);
      return {
        id: r.id,
        serial: r.serial,
        typeId: r.type_id,
        typeVersion: r.type_version,
        subjectId: r.subject_id ?? (s ? String(data[s.idField] ?? '') : ''),
        subjectName: s ? displayName(data, s.nameFields) : '',
        status: r.status,
        issuedAt: r.at,
        validUntil: r.valid_until,
      };
    }),
  };
}

/**
 * Subject fields of every registered type version, read from the definitions stored at registration
 * (`{ type, schema }` for bundled types; a bare definition is accepted too).
 */
export async function subjectFieldsOfRegisteredTypes(db: Executor): Promise<SubjectFields[]> {
  const rows = await db.selectFrom('document_types').select(['type_id', 'version', 'definition_json']).execute();
  const out: SubjectFields[] = [];
  for (const r of rows) {
    let def: unknown;
    try {
      def = JSON.parse(r.definition_json);
    } catch {
      continue;
    }
    const d = def as { type?: { subject?: unknown }; subject?: unknown };
    const subject = (d.type?.subject ?? d.subject) as { idField?: unknown; nameFields?: unknown } | undefined;
    if (!subject || typeof subject.idField !== 'string' || !Array.isArray(subject.nameFields)) continue;
    out.push({
      typeId: r.type_id,
      typeVersion: r.version,
      idField: subject.idField,
      nameFields: subject.nameFields.filter((f): f is string => typeof f === 'string'),
    });
  }
  return out;
}
