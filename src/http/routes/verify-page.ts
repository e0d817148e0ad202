import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { isDocumentId } from '../../domain/identifiers.js';
import { pickLang } from '../pages/html.js';
import { lookupPage } from '../pages/lookup-page.js';
import { verifyPage } from '../pages/verify-page.js';
import type { Services } from '../services.js';

const HTML = 'text/html; charset=utf-8';

/** The browser bundle of the verify page, built by scripts/build-web.mjs into dist/web (same place from src/ and dist/). */
const BUNDLE_FILE = fileURLToPath(new URL('../../../dist/web/verify.js', import.meta.url));

interface Asset {
  body: Buffer;
  /** Compressed once when first asked for: the script is ~730 KiB, ~190 KiB gzipped, ~145 KiB with Brotli. */
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

function compressed(body: Buffer): Asset {
  return {
    body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
  };
}

/** The /verify page, its script, and the look-up by document id or printed serial number. */
export function verifyPageRoutes(app: FastifyInstance, services: Services): void {
  let bundle: Promise<Asset> | undefined;
  const loadBundle = () => {
    bundle ??= readFile(BUNDLE_FILE).then(compressed);
    bundle.catch(() => (bundle = undefined));
    return bundle;
  };

  app.get('/assets/verify.js', { schema: { hide: true } }, async (req, reply) => {
    let asset: Asset;
    try {
      asset = await loadBundle();
    } catch {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('verify page script is not built: run `npm run build` (ยังไม่ได้สร้างสคริปต์ของหน้าตรวจสอบ)');
    }
    reply.header('etag', asset.etag).header('cache-control', 'public, max-age=300, must-revalidate').header('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    const accepts = String(req.headers['accept-encoding'] ?? '');
    reply.type('text/javascript; charset=utf-8');
    if (/\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(asset.br);
    if (/\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  });

  app.get('/verify', { schema: { hide: true } }, async (req, reply) => {
    const lang = pickLang(req.query);
    const id = (req.query as { id?: string }).id;
    reply.type(HTML);
    return verifyPage(lang, { scriptUrl: '/assets/verify.js', ...(isDocumentId(id) ? { expectedId: id } : {}) });
  });

  app.get('/lookup', { schema: { hide: true } }, async (req, reply) => {
    const lang = pickLang(req.query);
    const raw = (req.query as { q?: unknown }).q;
    const q = typeof raw === 'string' ? raw.trim().slice(0, 100) : '';
    const matches = q ? await services.lookup(q) : [];
    if (matches.length === 1) return reply.redirect(`/v/${encodeURIComponent(matches[0]!.id)}?lang=${lang}`, 303);
    reply.type(HTML);
    return reply.status(matches.length ? 200 : 404).send(lookupPage(lang, q, matches));
  });
}
