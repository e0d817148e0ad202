// Bundles the browser side of the verify page and of the issuer console (src/web/verify/main.ts, which includes the verification engine in
// src/verify) into dist/web/verify.js. Run by `npm run build`; the server serves the result at /assets/verify.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/web/verify/main.ts'],
  outfile: 'dist/web/verify.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`dist/web/verify.js: ${(bytes / 1024).toFixed(0)} KiB`);

// The issuer console's small script (inline validation, file loading, batch progress).
await build({
  absWorkingDir: root,
  entryPoints: ['src/web/console/main.ts'],
  outfile: 'dist/web/console.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  logLevel: 'warning',
});
