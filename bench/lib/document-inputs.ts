import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedType } from '../../src/doctypes/load-types.js';
import { parseCsv } from './csv-records.js';

/** Which shared fixture file feeds which bundled type. */
const FIXTURE_FILES: Record<string, string> = {
  'training-certificate': 'training-certificates-10k.csv',
  'factory-licence': 'factory-licences-2k.csv',
};

/** CSV holds text only; these schema fields are integers. */
const INTEGER_FIELDS = new Set(['horsepower', 'workers']);

export interface DocumentInputs {
  typeId: string;
  /** Where the rows came from, for the report. */
  source: string;
  rows: Record<string, unknown>[];
  /** Rows the type's own validator refused (skipped; counted so a bad fixture cannot hide). */
  rejected: number;
}

function fromCsv(path: string): Record<string, unknown>[] {
  return parseCsv(readFileSync(path, 'utf8')).map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (INTEGER_FIELDS.has(k)) {
        if (!/^[0-9]+$/.test(v)) throw new Error(`${path}: field ${k} = "${v}" is not a whole number`);
        out[k] = Number(v);
      } else out[k] = v;
    }
    return out;
  });
}

/**
 * Without fixtures: the type's sample.json, made different per document by suffixing free-text fields and bumping
 * numbers — each variant is kept only when the type's validator accepts it, otherwise the sample value stays.
 */
function fromSample(type: LoadedType, n: number): Record<string, unknown>[] {
  const sample = type.sample;
  if (!sample) throw new Error(`type ${type.definition.id} has no sample.json and no fixture file`);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = { ...sample };
    for (const [k, v] of Object.entries(sample)) {
      const candidate =
        typeof v === 'number' ? v + i : typeof v === 'string' && !/^[0-9-]+$/.test(v) ? `${v} ${i + 1}` : undefined;
      if (candidate === undefined) continue;
      const trial = { ...row, [k]: candidate };
      if (type.validate(trial).ok) row[k] = candidate;
    }
    rows.push(row);
  }
  return rows;
}

/** n inputs for one type: fixture rows (cycled when n exceeds them) that pass the type's validator, else samples. */
export function documentInputs(type: LoadedType, n: number, fixturesDir: string): DocumentInputs {
  const typeId = type.definition.id;
  const file = FIXTURE_FILES[typeId];
  const path = file ? join(fixturesDir, file) : null;
  if (!path || !existsSync(path)) return { typeId, source: 'sample.json (varied)', rows: fromSample(type, n), rejected: 0 };
  const all = fromCsv(path);
  const good = all.filter((r) => type.validate(r).ok);
  if (good.length === 0) throw new Error(`${path}: no row passes the ${typeId} validator`);
  const rows = Array.from({ length: n }, (_, i) => good[i % good.length]!);
  return { typeId, source: path, rows, rejected: all.length - good.length };
}
