import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { loadDefaultFonts } from '../../src/render/fonts.js';
import { mkdtempSync } from 'node:fs';
const root = mkdtempSync('/tmp/rbp/root-');
const c = NodeCompiler.create({ workspace: root, fontArgs: [{ fontBlobs: loadDefaultFonts().blobs }] });
function pdfBench(name: string, src: string, opts: Record<string, unknown>) {
  const r = c.compile({ mainFileContent: src });
  if (r.hasError()) { r.printErrors(); throw new Error(name); }
  const doc = r.result!;
  for (let i = 0; i < 10; i++) c.pdf(doc, opts);
  const n = 100; const c0 = process.cpuUsage(); const t0 = performance.now();
  let size = 0;
  for (let i = 0; i < n; i++) size = c.pdf(doc, opts).length;
  const cu = process.cpuUsage(c0);
  console.log(name.padEnd(44), ((cu.user + cu.system) / 1000 / n).toFixed(2), 'CPU ms', ((performance.now() - t0) / n).toFixed(2), 'wall', size, 'bytes');
}
const th = '#set text(font: "Sarabun", fallback: false, lang: "th")\n';
pdfBench('empty page, 1.7', '#set page(paper: "a4")\n', {});
pdfBench('empty page, a-3b', '#set page(paper: "a4")\n', { pdfStandard: 'a-3b' });
pdfBench('empty page, a-3a', '#set page(paper: "a4")\n', { pdfStandard: 'a-3a' });
pdfBench('one thai char sarabun, 1.7', th + 'ก', {});
pdfBench('one thai char sarabun, 1.7 untagged', th + 'ก', { pdfTags: false });
pdfBench('one thai char sarabun, a-3a', th + 'ก', { pdfStandard: 'a-3a' });
pdfBench('one latin char dejavu, a-3a', '#set text(font: "DejaVu Sans", fallback: false)\nA', { pdfStandard: 'a-3a' });
pdfBench('sarabun regular+bold, a-3a', th + 'ก *ข*', { pdfStandard: 'a-3a' });
pdfBench('sarabun regular+bold+laksaman, a-3a', th + 'ก *ข* #text(font: "Laksaman")[ค]', { pdfStandard: 'a-3a' });
