/** The two bulk input formats: a spreadsheet export, or one JSON object per line for programs. */
export type InputFormat = 'csv' | 'jsonl';

/** The format a file name announces by its extension (case-insensitive); null when it is neither. */
export function formatFromName(name: string): InputFormat | null {
  const m = /\.([A-Za-z0-9]+)$/.exec(name.trim());
  const ext = m?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return null;
}

const byMediaType: Record<string, InputFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
};

/** The format of an HTTP body from its Content-Type (parameters such as charset ignored); null when unknown. */
export function formatFromContentType(ct: string | undefined): InputFormat | null {
  if (!ct) return null;
  const mediaType = ct.split(';')[0]!.trim().toLowerCase();
  return Object.hasOwn(byMediaType, mediaType) ? byMediaType[mediaType]! : null;
}
