/**
 * Probe: how much does Typst reuse when only part of a document changes? Renders the first document of each type
 * N times in one process, changing only the chosen part each time, and prints compile / pdf wall ms and CPU ms.
 *   npx tsx bench/lib/render-bulk-probe.ts <variant> <what-changes>   (id | fields | all | none)
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { loadTypes } from '../../src/doctypes/load-types.js';
import type { RenderInput } from '../../src/render/render-input.js';
import { documentInputs } from './document-inputs.js';
import { renderInputFor } from './render-inputs.js';
import { BULK_VARIANTS, makeRenderer } from './render-bulk-variants.js';
import { inputsFor } from './render-variants.js';
import { summarize, fmt } from './stats.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = resolve(repoRoot, '..', 'shared', 'fixtures');

async function main(): Promise<void> {
  const [name = 'proposed', mode = 'all'] = process.argv.slice(2);
  const v = BULK_VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`unknown variant ${name}`);
  if (!['id', 'fields', 'all', 'none'].includes(mode)) throw new Error(`mode must be id | fields | all | none, got ${mode}`);
  const types = [...(await loadTypes(resolve(repoRoot, 'types'))).values()];
  const n = 120;
  const rows = new Map(types.map((t) => [t.definition.id, documentInputs(t, n, existsSync(fixtures) ? fixtures : '/nonexistent').rows]));
  const all = inputsFor(types, rows, renderInputFor);
  const firstOf = (key: string) => all.find((i) => i.templateKey === key)!;
  const inputs: RenderInput[] = all.map((i) => {
    const f = firstOf(i.templateKey);
    if (mode === 'all') return i;
    if (mode === 'none') return f;
    if (mode === 'id') return { ...f, meta: { ...f.meta, documentId: i.meta.documentId, verifyUrl: i.meta.verifyUrl, serial: i.meta.serial } };
    return { ...f, fields: i.fields };
  });
  const r = makeRenderer(v.spec, repoRoot);
  for (const i of inputs.slice(0, 20)) r.render(i);
  r.resetTimes();
  const c0 = process.cpuUsage();
  for (const i of inputs.slice(20)) r.render(i);
  const c = process.cpuUsage(c0);
  const k = inputs.length - 20;
  console.log(`${name} changes=${mode}: CPU ${fmt((c.user + c.system) / 1000 / k)} ms, compile ${fmt(summarize(r.times.compile).mean)}, pdf ${fmt(summarize(r.times.pdf).mean)}`);
  r.close();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
