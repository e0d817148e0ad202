import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { loadDefaultFonts } from '../../src/render/fonts.js';
import { mkdtempSync } from 'node:fs';
const root = mkdtempSync('/tmp/rbp/root-');
const c = NodeCompiler.create({ workspace: root, fontArgs: [{ fontBlobs: loadDefaultFonts().blobs }] });
const thai = 'บริษัทตัวอย่างอุตสาหกรรมไทยจำกัดมหาชน';
const lat = 'Example Industrial Thai Company Limited';
const head = (lang: string) => `#set text(font: ("Sarabun","Laksaman"), fallback: false, size: 16pt, lang: "${lang}")\n#set page(paper: "a4")\n`;
function bench(name: string, mk: (i: number) => string, pdf = false) {
  for (let i = 0; i < 10; i++) { const r = c.compile({ mainFileContent: mk(i) }); if (pdf) c.pdf(r.result!); }
  const n = 100; const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 10; i < 10 + n; i++) { const r = c.compile({ mainFileContent: mk(i) }); if (r.hasError()) { r.printErrors(); throw new Error(name); } if (pdf) c.pdf(r.result!, { pdfStandard: 'a-3a' }); c.evictCache(2); }
  const cu = process.cpuUsage(c0);
  console.log(name.padEnd(40), ((cu.user + cu.system) / 1000 / n).toFixed(2), 'CPU ms', ((performance.now() - t0) / n).toFixed(2), 'wall');
}
const paras = (k: number, s: string, lang: string) => (i: number) => head(lang) + Array.from({ length: k }, (_, j) => `${s} ${i}-${j}`).join('\n\n');
bench('empty page (distinct number)', (i) => head('th') + `${i}`);
bench('1 para thai', paras(1, thai, 'th'));
bench('10 para thai', paras(10, thai, 'th'));
bench('30 para thai', paras(30, thai, 'th'));
bench('10 para latin lang en', paras(10, lat, 'en'));
bench('10 para thai lang en', paras(10, thai, 'en'));
bench('1 para 10x thai', (i) => head('th') + Array.from({ length: 10 }, (_, j) => `${thai} ${i}-${j}`).join(' '));
bench('10 para thai + pdf', paras(10, thai, 'th'), true);
bench('empty + pdf', (i) => head('th') + `${i}`, true);
const headF = (font: string) => `#set text(font: "${font}", fallback: false, size: 16pt, lang: "th")\n#set page(paper: "a4")\n`;
bench('10 para thai, font without Thai glyphs', (i) => headF('DejaVu Sans') + Array.from({ length: 10 }, (_, j) => `${thai} ${i}-${j}`).join('\n\n'));
bench('10 para thai in box', (i) => head('th') + Array.from({ length: 10 }, (_, j) => `#box[${thai} ${i}-${j}]`).join('\n\n'));
bench('10 para thai, ZWSP between words', (i) => head('th') + Array.from({ length: 10 }, (_, j) => `${thai.replace(/(ตัวอย่าง|อุตสาหกรรม|ไทย|จำกัด)/g, '\u200b$1')} ${i}-${j}`).join('\n\n'));
bench('10 para latin lang th', paras(10, lat, 'th'));
bench('10 para thai lang ja', paras(10, thai, 'ja'));
