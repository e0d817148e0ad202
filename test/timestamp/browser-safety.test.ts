// The isomorphic part of src/timestamp (everything except the HTTP client and server) runs in the browser
// verifier: no Node built-ins, and esbuild bundles it for platform 'browser'.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../src/timestamp');
/** Node-only by design. */
const NODE_ONLY = new Set(['server.ts', 'node.ts', 'client/tsa-client.ts']);
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('browser safety of src/timestamp', () => {
  const files = tsFiles(ROOT).filter((f) => !NODE_ONLY.has(relative(ROOT, f)));

  it('isomorphic files import no node: module or Node built-in and use no Node globals', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(specifier)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]!)) problems.push(`${relative(ROOT, file)} imports ${spec}`);
        // An isomorphic file must not pull in a Node-only one.
        if (/(^|\/)(server|node|client\/tsa-client)\.js$/.test(spec)) problems.push(`${relative(ROOT, file)} imports Node-only ${spec}`);
      }
      const code2 = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const global of ['Buffer', 'process', '__dirname', 'require']) {
        if (new RegExp(`\\b${global}\\b`).test(code2)) problems.push(`${relative(ROOT, file)} uses ${global}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the Node-only files are the ones that do use node: modules (the scan above is meaningful)', () => {
    expect(readFileSync(join(ROOT, 'client/tsa-client.ts'), 'utf8')).toMatch(/from 'node:https'/);
  });

  it.each([
    ['index.ts', 'verifyTimeStampToken'],
    ['authority/index.ts', 'createTimeStampAuthority'],
  ])('%s bundles with esbuild for the browser', async (entry, exported) => {
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text).toContain(exported);
    expect(text).not.toMatch(/require\(["'](?:node:)?(?:crypto|fs|buffer|path|http|https)["']\)/);
    if (entry === 'index.ts') expect(Object.keys(result.metafile!.inputs).some((i) => i.includes('@peculiar/x509'))).toBe(false);
    console.log(`src/timestamp/${entry} browser bundle: ${(text.length / 1024).toFixed(0)} KiB unminified`);
  });
});
