/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, with file and line.
 * Native work (the Typst binding, WebCrypto) shows as the JS function that called it, or as "(program)".
 *
 *   npx tsx bench/cpuprofile-top.ts /tmp/prof/xyz.cpuprofile [top=25] [under=functionName]
 *
 * With `under`, only samples whose stack contains that function count (e.g. verifyPdf), so set-up work is left out.
 */
import { readFileSync } from 'node:fs';
import { fmt, table } from './lib/stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topRaw, under] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [top]');
const top = /^[0-9]+$/.test(topRaw ?? '') ? Number(topRaw) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inside = (id: number): boolean => {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)?.callFrame.functionName === under) return true;
  return false;
};
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, k) => {
  const node = byId.get(id);
  const dt = (profile.timeDeltas[k] ?? 0) / 1000;
  if (!node || (under && !inside(id))) return;
  total += dt;
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
});
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`total sampled ${fmt(total, 0)} ms${under ? ` under ${under}` : ''}\n`);
console.log(table(['function (self time)', 'ms', 'share'], rows.map(([k, v]) => [k.slice(0, 110), fmt(v, 0), `${fmt((v / total) * 100, 1)} %`])));
