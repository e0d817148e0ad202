/**
 * CPU cost of the JavaScript around a render (data JSON with Thai dates and display values, QR SVG), per document,
 * on the same fixture rows: the part of a render that Typst tuning cannot remove.
 *   npx tsx bench/lib/render-bulk-js-cost.ts
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTypes } from '../../src/doctypes/load-types.js';
import { qrSvg } from '../../src/render/qr-svg.js';
import { documentInputs } from './document-inputs.js';
import { prepareDocument } from './render-bulk-data.js';
import { renderInputFor } from './render-inputs.js';
import { inputsFor } from './render-variants.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = resolve(repoRoot, '..', 'shared', 'fixtures');

async function main(): Promise<void> {
  const types = [...(await loadTypes(resolve(repoRoot, 'types'))).values()];
  const rows = new Map(types.map((t) => [t.definition.id, documentInputs(t, 1000, existsSync(fixtures) ? fixtures : '/nonexistent').rows]));
  const inputs = inputsFor(types, rows, renderInputFor);
  const time = (label: string, f: (i: (typeof inputs)[number]) => unknown) => {
    for (const i of inputs.slice(0, 100)) f(i);
    const c0 = process.cpuUsage();
    for (const i of inputs) f(i);
    const c = process.cpuUsage(c0);
    console.log(`${label.padEnd(36)} ${((c.user + c.system) / 1000 / inputs.length).toFixed(3)} CPU ms/doc`);
  };
  time('data JSON (dates, display values)', (i) => prepareDocument(i));
  time('QR SVG', (i) => qrSvg(i.meta.verifyUrl));
  time('building the RenderInput (bench only)', (i) => renderInputFor(types.find((t) => i.templateKey.startsWith(t.definition.id))!, i.fields, 1));
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
