import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A temporary copy of types/_shared with text replacements applied to official.typ, for template experiments.
 * Every replacement must match, so an experiment fails loudly instead of silently measuring the original.
 */
export function sharedDirVariant(sourceDir: string, replacements: [string, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ekasarn-bench-shared-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const name of readdirSync(sourceDir)) {
    if (!name.endsWith('.typ')) continue;
    let text = readFileSync(join(sourceDir, name), 'utf8');
    if (name === 'official.typ') {
      for (const [from, to] of replacements) {
        if (!text.includes(from)) throw new Error(`experiment replacement not found in official.typ: ${from}`);
        text = text.split(from).join(to);
      }
    }
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
