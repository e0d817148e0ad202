/**
 * A bare Typst engine for the bulk-render experiments: one NodeCompiler, files mapped from memory into a private
 * root, and every knob the experiments turn (how data reaches Typst, eviction policy, PDF options) exposed directly,
 * so variants need no monkey-patching of the binding. Times compile and pdf export separately.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeCompiler, type RenderPdfOpts } from '@myriaddreamin/typst-ts-node-compiler';

export interface EvictPolicy {
  /** evictCache(age) every `every` documents; every = 0 never evicts. */
  every: number;
  age: number;
}

export interface BulkEngineOptions {
  fontBlobs: Buffer[];
  evict: EvictPolicy;
}

export interface BulkTimes {
  compile: number[];
  pdf: number[];
  /** evictCache wall ms (0 when not called for that document). */
  evict: number[];
}

export class BulkEngine {
  readonly root = mkdtempSync(join(tmpdir(), 'ekasarn-bulk-'));
  readonly times: BulkTimes = { compile: [], pdf: [], evict: [] };
  private readonly compiler: NodeCompiler;
  private readonly mapped = new Map<string, Buffer>();
  private documents = 0;

  constructor(private readonly options: BulkEngineOptions) {
    this.compiler = NodeCompiler.create({ workspace: this.root, fontArgs: [{ fontBlobs: options.fontBlobs }] });
  }

  /** Maps a file at an absolute path inside the root; identical content is not re-sent (keeps caches warm). */
  setFile(path: string, content: string | Uint8Array): void {
    if (!/^\/[A-Za-z0-9_./-]+$/.test(path) || path.includes('..')) throw new Error(`bench file path "${path}" is not allowed`);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const previous = this.mapped.get(path);
    if (previous && previous.equals(bytes)) return;
    this.compiler.mapShadow(join(this.root, path), bytes);
    this.mapped.set(path, Buffer.from(bytes));
  }

  compilePdf(mainPath: string, inputs: Record<string, string> | undefined, pdfOpts: RenderPdfOpts): Buffer {
    const t0 = performance.now();
    const result = this.compiler.compile({ mainFilePath: join(this.root, mainPath), ...(inputs ? { inputs } : {}) });
    const error = result.takeError();
    if (error || !result.result) {
      const diags = error ? this.compiler.fetchDiagnostics(error).map((d) => JSON.stringify(d)) : [];
      throw new Error(`bench compile of ${mainPath} failed:\n${diags.join('\n')}`);
    }
    const t1 = performance.now();
    const pdf = this.compiler.pdf(result.result, pdfOpts);
    const t2 = performance.now();
    this.times.compile.push(t1 - t0);
    this.times.pdf.push(t2 - t1);
    ++this.documents;
    const { every, age } = this.options.evict;
    const t3 = performance.now();
    if (every > 0 && this.documents % every === 0) this.compiler.evictCache(age);
    this.times.evict.push(performance.now() - t3);
    return pdf;
  }

  resetTimes(): void {
    this.times.compile.length = 0;
    this.times.pdf.length = 0;
    this.times.evict.length = 0;
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
