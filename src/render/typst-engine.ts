import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeCompiler, type NodeTypstDocument } from '@myriaddreamin/typst-ts-node-compiler';

/** PDF standards our documents may claim. All three are accepted by Typst 0.14 for our templates. */
export type PdfAStandard = 'a-3b' | 'a-3u' | 'a-3a';

/** A Typst diagnostic as the node binding reports it. */
interface TypstDiagnostic {
  message?: string;
  path?: string;
  /** Zero-based positions (typst-ts 0.7 gives an object; older builds gave a string). */
  range?: string | { start?: { line?: number; character?: number } } | null;
  severity?: number | string;
  hints?: string[];
}

/** Thrown when a template does not compile or Typst refuses to export conforming PDF/A. */
export class RenderError extends Error {
  override name = 'RenderError';
  constructor(message: string, readonly diagnostics: string[] = []) {
    super(diagnostics.length ? `${message}:\n${diagnostics.join('\n')}` : message);
  }
}

export interface TypstEngineOptions {
  fontBlobs: Buffer[];
  /** Files visible to every template, keyed by their absolute path inside the virtual root, e.g. "/_shared/x.typ". */
  sharedFiles: Record<string, Uint8Array | string>;
}

export interface CompileRequest {
  /** Absolute path of the entry file inside the virtual root (registered with setFile). */
  mainPath: string;
  /**
   * String inputs visible as `sys.inputs`. Leave out for per-document data: sys.inputs is part of Typst's standard
   * library, so changing it invalidates nearly every memoised result; map per-document data as files instead.
   */
  inputs?: Record<string, string>;
  pdfStandard: PdfAStandard;
  /** Seconds since the epoch written as the PDF creation date. */
  creationTimestamp: number;
}

/**
 * One warm Typst compiler (creating one costs 22–42 ms, reusing it ~5 ms).
 *
 * Everything the compiler may read lives in "shadow" files mapped from memory into an empty private directory used as
 * the project root: Typst confines `read`/`import` to its root, so a template (or a value mistaken for markup) cannot
 * reach the real file system. The binding offers no switch to hide system fonts; templates therefore name their font
 * families explicitly with `fallback: false` so only the fonts we pass are ever used.
 *
 * Not thread-safe, and not meant to be: one engine per worker thread.
 */
export class TypstEngine {
  readonly root: string;
  private compiler: NodeCompiler | null;
  private readonly files = new Map<string, string | Buffer>();
  private compilations = 0;

  constructor(options: TypstEngineOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'ekasarn-typst-'));
    this.compiler = NodeCompiler.create({ workspace: this.root, fontArgs: [{ fontBlobs: options.fontBlobs }] });
    for (const [path, content] of Object.entries(options.sharedFiles)) this.setFile(path, content);
  }

  /** Maps (or replaces) an in-memory file. Unchanged content is not re-sent, so Typst's caches stay warm. */
  setFile(path: string, content: Uint8Array | string): void {
    if (!/^\/[A-Za-z0-9_./@-]+$/.test(path) || path.includes('..')) throw new Error(`typst file path "${path}" is not allowed`);
    const compiler = this.live();
    const value = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const previous = this.files.get(path);
    if (previous !== undefined && sameContent(previous, value)) return;
    compiler.mapShadow(join(this.root, path), typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
    this.files.set(path, typeof value === 'string' ? value : Buffer.from(value));
  }

  /** Compiles `mainPath` and exports PDF; throws RenderError carrying Typst's diagnostics. */
  compilePdf(req: CompileRequest): Buffer {
    return this.compileWith(req, (compiler, doc) => {
      try {
        return compiler.pdf(doc, { pdfStandard: req.pdfStandard, creationTimestamp: req.creationTimestamp });
      } catch (e) {
        // PDF/A violations (e.g. an image without alt text under a-3a) surface here.
        throw new RenderError(`Typst refused to export ${req.pdfStandard}`, [String((e as Error).message ?? e)]);
      }
    });
  }

  /**
   * Compiles `mainPath` and hands the laid-out document to `use` (which exports it), then evicts the memo cache.
   * `query(selector)` answers Typst's introspection on that document, e.g. how many watermark markers were placed.
   */
  compileWith<T>(req: Omit<CompileRequest, 'pdfStandard' | 'creationTimestamp'> & Partial<CompileRequest>, use: (compiler: NodeCompiler, doc: NodeTypstDocument, query: (selector: string) => unknown[]) => T): T {
    const compiler = this.live();
    if (!this.files.has(req.mainPath)) throw new Error(`typst entry file ${req.mainPath} was not registered`);
    const result = compiler.compile({ mainFilePath: join(this.root, req.mainPath), ...(req.inputs ? { inputs: req.inputs } : {}) });
    const error = result.takeError();
    if (error || !result.result) {
      const diagnostics = error ? this.describe(compiler.fetchDiagnostics(error)) : [];
      throw new RenderError('Typst could not compile the template', diagnostics);
    }
    const doc = result.result;
    const out = use(compiler, doc, (selector) => {
      const found = compiler.query(doc, { selector }) as unknown;
      return Array.isArray(found) ? found : [];
    });
    // The binding's memo cache is global (shared by every engine in the process) and grows with every distinct
    // input. Evicting after every document keeps RSS flat, while results used within the last 10 evictions — the
    // template's static parts (agency block, title, labels, signature block), the same for every document of a type
    // and agency — survive and are reused, which is where the bulk speed comes from (bench/proposals/README.md).
    // Age 0–1 throws that reuse away as soon as two types alternate (+17 % CPU vs today); 10 leaves room for several
    // types or agencies interleaved and for other threads' evictions (each one ages every entry), at the same RSS.
    ++this.compilations;
    compiler.evictCache(10);
    return out;
  }

  close(): void {
    this.compiler = null;
    rmSync(this.root, { recursive: true, force: true });
  }

  private live(): NodeCompiler {
    if (!this.compiler) throw new Error('renderer is closed');
    return this.compiler;
  }

  private describe(diagnostics: unknown[]): string[] {
    return diagnostics.map((d) => {
      const diag = d as TypstDiagnostic;
      const start = typeof diag.range === 'object' && diag.range ? diag.range.start : undefined;
      const at = start && typeof start.line === 'number' ? `:${start.line + 1}:${(start.character ?? 0) + 1}` : typeof diag.range === 'string' ? `:${diag.range}` : '';
      const where = diag.path ? diag.path.replace(this.root, '') + at : '(unknown)';
      const hints = diag.hints?.length ? ` (hint: ${diag.hints.join('; ')})` : '';
      return `${where}: ${diag.message ?? JSON.stringify(d)}${hints}`;
    });
  }
}

function sameContent(a: string | Buffer, b: string | Buffer): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.equals(b);
}
