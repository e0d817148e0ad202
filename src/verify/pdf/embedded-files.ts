import { PdfDict, PdfRef, PdfString, isName, isStream, type PdfDocument, type PdfObject } from '../../pdf/index.js';
import { decodeTextString } from '../../pdf/index.js';

/** One embedded file found through the catalog's /AF array or the /EmbeddedFiles name tree. */
export interface EmbeddedFile {
  name: string;
  relationship: string | null;
  inAssociatedFiles: boolean;
  bytes: Uint8Array | null;
  error?: string;
}

const MAX_NAME_TREE_NODES = 10_000;
const MAX_EMBEDDED_SIZE = 8 * 1024 * 1024;

function fileName(doc: PdfDocument, spec: PdfDict): string {
  const uf = doc.resolve(spec.get('UF'));
  if (uf instanceof PdfString) return decodeTextString(uf);
  const f = doc.resolve(spec.get('F'));
  return f instanceof PdfString ? decodeTextString(f) : '';
}

function readSpec(doc: PdfDocument, spec: PdfDict, inAf: boolean): EmbeddedFile {
  const rel = doc.resolve(spec.get('AFRelationship'));
  const out: EmbeddedFile = { name: fileName(doc, spec), relationship: isName(rel) ? rel.value : null, inAssociatedFiles: inAf, bytes: null };
  const ef = doc.resolve(spec.get('EF'));
  const stream = ef instanceof PdfDict ? doc.resolve(ef.get('UF') ?? ef.get('F')) : null;
  if (!isStream(stream)) {
    out.error = 'file specification has no embedded stream';
    return out;
  }
  try {
    out.bytes = doc.decodeStream(stream, MAX_EMBEDDED_SIZE);
  } catch (e) {
    out.error = `embedded stream cannot be decoded: ${(e as Error).message}`;
  }
  return out;
}

/** Walks a name tree iteratively (no recursion: hostile files may nest deeply or loop). */
function nameTreeSpecs(doc: PdfDocument, root: PdfObject | undefined): PdfObject[] {
  const out: PdfObject[] = [];
  const stack: PdfObject[] = root === undefined ? [] : [root];
  const seen = new Set<string>();
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NAME_TREE_NODES) {
    const raw = stack.pop()!;
    if (raw instanceof PdfRef) {
      const key = `${raw.num}/${raw.gen}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const node = doc.resolve(raw);
    if (!(node instanceof PdfDict)) continue;
    const names = doc.resolve(node.get('Names'));
    if (Array.isArray(names)) for (let i = 1; i < names.length; i += 2) out.push(names[i]!);
    const kids = doc.resolve(node.get('Kids'));
    if (Array.isArray(kids)) stack.push(...kids);
  }
  return out;
}

/**
 * Every embedded file of the document: those listed as associated files of the document (catalog /AF, PDF/A-3) and
 * those in the /EmbeddedFiles name tree, each file specification counted once.
 */
export function listEmbeddedFiles(doc: PdfDocument): EmbeddedFile[] {
  const catalog = doc.catalog;
  const files: EmbeddedFile[] = [];
  const seenRefs = new Set<string>();
  const consider = (raw: PdfObject, inAf: boolean) => {
    if (raw instanceof PdfRef) {
      const key = `${raw.num}/${raw.gen}`;
      if (seenRefs.has(key)) {
        if (inAf) for (const f of files) if ((f as EmbeddedFile & { key?: string }).key === key) f.inAssociatedFiles = true;
        return;
      }
      seenRefs.add(key);
    }
    const spec = doc.resolve(raw);
    if (!(spec instanceof PdfDict)) return;
    const f = readSpec(doc, spec, inAf) as EmbeddedFile & { key?: string };
    if (raw instanceof PdfRef) Object.defineProperty(f, 'key', { value: `${raw.num}/${raw.gen}`, enumerable: false });
    files.push(f);
  };
  const af = doc.resolve(catalog.get('AF'));
  if (Array.isArray(af)) for (const x of af.slice(0, 1000)) consider(x, true);
  const names = doc.resolve(catalog.get('Names'));
  if (names instanceof PdfDict) for (const x of nameTreeSpecs(doc, names.get('EmbeddedFiles'))) consider(x, false);
  return files;
}
