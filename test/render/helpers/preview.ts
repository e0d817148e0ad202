// Renders each bundled sample to /tmp/render-preview/<type>.pdf and a 150-dpi PNG: `npx tsx test/render/helpers/preview.ts`
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRenderer } from '../../../src/render/render-document.js';
import { sampleInput } from './sample-input.js';

const out = '/tmp/render-preview';
mkdirSync(out, { recursive: true });
const renderer = createRenderer();
for (const typeId of ['training-certificate', 'factory-licence']) {
  const t = performance.now();
  const pdf = renderer.render(sampleInput(typeId));
  console.log(typeId, pdf.length, 'bytes', (performance.now() - t).toFixed(1), 'ms');
  writeFileSync(`${out}/${typeId}.pdf`, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', `${out}/${typeId}.pdf`, `${out}/${typeId}`]);
}
renderer.close();
