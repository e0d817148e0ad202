/**
 * Times NodeCompiler.compile (parse + evaluate + layout) and NodeCompiler.pdf (PDF/A export: fonts, tags, images)
 * separately by wrapping the binding's prototype methods — for experiments only, so src/ needs no timing hooks.
 * Also lets an experiment override the PDF export options or the cache-eviction policy.
 */
import { performance } from 'node:perf_hooks';
import { NodeCompiler, type RenderPdfOpts } from '@myriaddreamin/typst-ts-node-compiler';

export interface TypstTimes {
  compile: number[];
  pdf: number[];
}

export const typstTimes: TypstTimes = { compile: [], pdf: [] };

export const typstOverrides: {
  /** Merged over the options the engine passes to pdf(). */
  pdfOptions: Partial<RenderPdfOpts> | null;
  /** Called after every pdf() with the compiler; e.g. evict the cache every document. */
  afterPdf: ((c: NodeCompiler) => void) | null;
  /** When true, the engine's own evictCache calls are ignored. */
  suppressEvict: boolean;
} = { pdfOptions: null, afterPdf: null, suppressEvict: false };

let installed = false;

export function installTypstTiming(): void {
  if (installed) return;
  installed = true;
  const proto = NodeCompiler.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const compile = proto.compile!;
  const pdf = proto.pdf!;
  const evict = proto.evictCache!;
  proto.compile = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    try {
      return compile.apply(this, args);
    } finally {
      typstTimes.compile.push(performance.now() - t);
    }
  };
  proto.pdf = function (this: NodeCompiler, doc: unknown, opts?: unknown) {
    const merged = typstOverrides.pdfOptions ? { ...(opts as object), ...typstOverrides.pdfOptions } : opts;
    const t = performance.now();
    try {
      return pdf.call(this, doc, merged);
    } finally {
      typstTimes.pdf.push(performance.now() - t);
      typstOverrides.afterPdf?.(this);
    }
  };
  proto.evictCache = function (this: unknown, ...args: unknown[]) {
    if (typstOverrides.suppressEvict) return undefined;
    return evict.apply(this, args);
  };
}

export function resetTypstTimes(): void {
  typstTimes.compile.length = 0;
  typstTimes.pdf.length = 0;
}
