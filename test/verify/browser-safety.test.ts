// src/verify must run in a browser: no Node built-ins, and esbuild can bundle it for platform 'browser'.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../src/verify');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

describe('browser safety of src/verify', () => {
  const files = tsFiles(ROOT);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(8);
  });

  it('imports no node: module or Node built-in, and uses no Node globals', () => {
    const problems: string[] = [];
    const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(specifier)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]!)) {
          problems.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
      const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const global of ['Buffer', 'process', '__dirname', 'require']) {
        if (new RegExp(`\\b${global}\\b`).test(withoutComments)) problems.push(`${relative(ROOT, file)} uses ${global}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('bundles with esbuild for the browser without errors or Node shims', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((i) => i.includes('pkijs'))).toBe(true);
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/require\(["'](?:node:)?(?:crypto|fs|buffer|path)["']\)/);
    expect(text).toContain('verifyCmsSignature');
    // Printed for the lead: the size of the engine core that the verify page will load.
    console.log(`src/verify browser bundle: ${(text.length / 1024).toFixed(0)} KiB unminified`);
  });
});
