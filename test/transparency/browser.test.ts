/**
 * src/transparency must run in the browser (src/verify calls verifyProofBundle there): no Node built-ins, an
 * esbuild browser bundle, and in Debian's Chromium: WebCrypto Ed25519 keys and signatures, the pure SHA-256, and
 * verification of a proof bundle produced by Node — plus a tampered one refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../e2e/lib/browser.js';
import { signCheckpoint } from '../../src/transparency/checkpoint.js';
import { encodeLeaf, type LogLeaf } from '../../src/transparency/leaf.js';
import { MemoryHashStore } from '../../src/transparency/memory-hash-store.js';
import { createNoteSigner, generateNoteKey } from '../../src/transparency/note.js';
import { buildProofBundle } from '../../src/transparency/proof-bundle.js';
import { proveRecord } from '../../src/transparency/stored-hashes.js';
import { nodeSha256 } from './naive-merkle.js';

const SRC = join(import.meta.dirname, '../../src/transparency');
const BUILTINS = new Set(builtinModules);

describe('browser safety of src/transparency', () => {
  it('imports no Node built-in', () => {
    const problems: string[] = [];
    for (const f of readdirSync(SRC).filter((n) => n.endsWith('.ts'))) {
      const code = readFileSync(join(SRC, f), 'utf8');
      for (const m of code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)) {
        if (m[1]!.startsWith('node:') || BUILTINS.has(m[1]!)) problems.push(`${f} imports ${m[1]}`);
      }
      const noComments = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const g of ['Buffer', 'process', 'require']) if (new RegExp(`\\b${g}\\b`).test(noComments)) problems.push(`${f} uses ${g}`);
    }
    expect(problems).toEqual([]);
  });

  it.skipIf(!CHROMIUM)('in Chromium: Ed25519 via WebCrypto, pure SHA-256, and a Node-made proof bundle verifies', async () => {
    const out = await build({
      entryPoints: [join(SRC, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'Tlog',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(Object.keys(out.metafile!.inputs).filter((i) => i.startsWith('node:'))).toEqual([]);

    // The bundle built in Node: 300 leaves, a signed checkpoint, the proof of entry 123.
    const origin = 'ekasarn.example/log';
    const keys = await generateNoteKey(origin);
    const store = new MemoryHashStore();
    const leaves: LogLeaf[] = Array.from({ length: 300 }, (_, seq) => ({
      seq,
      time: '2025-06-01T00:00:00Z',
      kind: 'issued',
      agency: 'dopa',
      docType: 'id-card',
      documentId: `${'Q'.repeat(19)}${String(seq).padStart(3, '0')}`,
      pdfSha256: Buffer.from(nodeSha256(Buffer.from(String(seq)))).toString('hex'),
      successorId: null,
    }));
    for (const l of leaves) store.appendLeaf(encodeLeaf(l));
    const checkpoint = await signCheckpoint({ origin, size: 300, rootHash: store.rootHash() }, await createNoteSigner(keys.signerKey));
    const bundle = buildProofBundle({ index: 123, treeSize: 300, leaf: leaves[123]!, proof: proveRecord(123, 300, store), checkpoint });

    // A loopback origin is a secure context, which WebCrypto requires.
    const server = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.addScriptTag({ content: out.outputFiles[0]!.text });
      const result = await page.evaluate(
        async ({ bundle, vkey }) => {
          const T = (globalThis as unknown as { Tlog: typeof import('../../src/transparency/index.js') }).Tlog;
          const ok = await T.verifyProofBundle(bundle, vkey, { documentId: bundle.leaf.documentId });
          const tampered = await T.verifyProofBundle({ ...bundle, leaf: { ...bundle.leaf, kind: 'revoked' } }, vkey);
          // Keys made in the browser sign a checkpoint the browser then opens.
          const k = await T.generateNoteKey('browser.example/log');
          const signer = await T.createNoteSigner(k.signerKey);
          const note = await T.signCheckpoint({ origin: 'browser.example/log', size: 0, rootHash: T.emptyTreeHash() }, signer);
          const opened = await T.openCheckpoint(note, k.verifierKey);
          return {
            ok: ok.ok,
            index: ok.ok ? ok.index : -1,
            tampered: tampered.ok ? 'accepted' : tampered.reason,
            abc: T.toHex(T.sha256(new TextEncoder().encode('abc'))),
            note,
            vkey: k.verifierKey,
            openedSize: opened.size,
          };
        },
        { bundle, vkey: keys.verifierKey },
      );
      expect(result.ok).toBe(true);
      expect(result.index).toBe(123);
      expect(result.tampered).toMatch(/does not lead to the checkpoint root/);
      expect(result.abc).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(result.openedSize).toBe(0);
      // What the browser signed, Node verifies.
      const { openCheckpoint } = await import('../../src/transparency/checkpoint.js');
      expect((await openCheckpoint(result.note, result.vkey)).origin).toBe('browser.example/log');
    } finally {
      await browser.close();
      server.close();
    }
  });
});
