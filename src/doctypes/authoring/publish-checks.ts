import { validUntilFor } from '../../domain/document-type.js';
import { newDocumentId } from '../../domain/identifiers.js';
import { bangkokYear, formatSerial } from '../../domain/serial.js';
import { renderInputFor } from '../../issuance/document-pdf.js';
import type { Agency } from '../../store/repos/agencies.js';
import type { LoadedType, TypeProblem } from '../load-types.js';
import { loadedTypeFromSources, type AuthoredSources } from './build-type.js';
import { renderInChildProcess } from './compile-sandboxed.js';
import { pdfaStructureProblems } from './pdfa-structure.js';

export interface PublishCheckTimings {
  buildMs: number;
  /** Starting the compile process (Node, modules, fonts): part of compileMs. */
  startMs: number;
  /** The whole sandboxed render, start included. */
  compileMs: number;
  structureMs: number;
  totalMs: number;
}

/** The outcome of checking a type for publication; stored (without the PDF) as the draft's check_json. */
export interface PublishCheckReport {
  ok: boolean;
  problems: TypeProblem[];
  checkedAt: string;
  timings: PublishCheckTimings;
}

export interface PublishCheckResult extends PublishCheckReport {
  /** The sample rendered as a document of this type (unsigned), when it compiled: for the author to look at. */
  pdfBytes?: Uint8Array;
  /** The type, ready to issue, when ok. */
  type?: LoadedType;
}

export interface PublishCheckOptions {
  /** The agency the sample is rendered for (its name and address appear on the page). */
  agency: Agency;
  /** Compile time limit; default 20 s. */
  timeoutMs?: number;
  now?: Date;
}

/** Typst's diagnostics name the renderer's internal paths; authors know their file as template.typ. */
function readableDiagnostics(diagnostics: string[]): string[] {
  const named = diagnostics.map((d) =>
    d
      .replace(/\/templates\/t\d+\.typ/g, 'template.typ')
      .replace(/:\[object Object\]/g, '')
      // The compiler's private root (a temporary folder) is the "/" templates see: show paths as they wrote them.
      .replace(/\/\S*?ekasarn-typst-[A-Za-z0-9]+(?=\/)/g, ''),
  );
  // Lines about the generated entry file only say "this include failed": keep them only when nothing else is said.
  const own = named.filter((d) => !/^\/entry-t\d+/.test(d));
  return own.length > 0 ? own : named;
}

function lineOf(diagnostic: string): string | null {
  const m = /template\.typ:(\d+)/.exec(diagnostic);
  return m ? m[1]! : null;
}

function compileProblems(result: { reason: 'render' | 'timeout' | 'crashed'; message: string; diagnostics: string[] }): TypeProblem[] {
  if (result.reason === 'timeout') {
    return [{ part: 'template', message: { th: `แม่แบบใช้เวลาแปลผลนานเกินกำหนดจึงถูกหยุด (อาจวนซ้ำไม่รู้จบ): ${result.message}`, en: `${result.message} (does it loop forever?)` } }];
  }
  if (result.reason === 'crashed') {
    return [{ part: 'template', message: { th: `กระบวนการแปลผลแม่แบบหยุดทำงาน: ${result.message}`, en: `the template compile failed: ${result.message}` } }];
  }
  const lines = readableDiagnostics(result.diagnostics);
  if (lines.length === 0) lines.push(result.message);
  return lines.map((d) => {
    const line = lineOf(d);
    return {
      part: 'template' as const,
      message: {
        th: `แม่แบบแปลผลไม่สำเร็จ${line ? ` (บรรทัด ${line})` : ''}: ${d}`,
        en: `the template does not compile${line ? ` (line ${line})` : ''}: ${d}`,
      },
    };
  });
}

/**
 * Everything a type must pass before it may be published: the source checks (type.json, JSON Schema, sample,
 * template text), then the template compiled with the sample by the real renderer in a killable child process, then
 * a structural PDF/A-3 check of the output. The sample is rendered as a made-up document (fresh id, serial number 1
 * of this year, today's date, a verify URL under example.invalid), exactly as issuance would build it.
 */
export async function checkTypeSources(sources: AuthoredSources, options: PublishCheckOptions): Promise<PublishCheckResult> {
  const t0 = performance.now();
  const now = options.now ?? new Date();
  const timings: PublishCheckTimings = { buildMs: 0, startMs: 0, compileMs: 0, structureMs: 0, totalMs: 0 };
  const report = (problems: TypeProblem[], extra: { pdfBytes?: Uint8Array; type?: LoadedType } = {}): PublishCheckResult => {
    timings.totalMs = Math.round(performance.now() - t0);
    return { ok: problems.length === 0, problems, checkedAt: now.toISOString(), timings, ...extra };
  };

  const built = loadedTypeFromSources(sources);
  timings.buildMs = Math.round(performance.now() - t0);
  if (!built.ok) return report(built.problems);
  const type = built.type;
  const def = type.definition;
  const fields = type.sample!;

  const id = newDocumentId();
  const input = renderInputFor(type, options.agency, {
    id,
    serial: formatSerial(def.serial.pattern, { sequence: 1, year: bangkokYear(now) }),
    issuedAt: now,
    validUntil: validUntilFor(def.validity, fields, now),
    verifyUrl: `https://verify.example.invalid/v/${id}`,
    fields,
  });
  const rendered = await renderInChildProcess(input, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  timings.compileMs = rendered.ms;
  timings.startMs = rendered.startMs;
  if (!rendered.ok) return report(compileProblems(rendered));

  const s0 = performance.now();
  const structure = pdfaStructureProblems(rendered.pdf);
  timings.structureMs = Math.round(performance.now() - s0);
  return report(structure, structure.length === 0 ? { pdfBytes: rendered.pdf, type } : { pdfBytes: rendered.pdf });
}

/** The part of a check result that is stored with the draft (no PDF, no compiled type). */
export function storedReport(r: PublishCheckResult): PublishCheckReport {
  return { ok: r.ok, problems: r.problems, checkedAt: r.checkedAt, timings: r.timings };
}
