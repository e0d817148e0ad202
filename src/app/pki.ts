import type { Config } from '../config.js';
import type { BinaryHandler } from '../http/services.js';
import { createRevocationHandlers, type RevocationHandlers } from '../revocation/ca/index.js';
import { loadDevCa } from '../signing/node/index.js';
import { DEV_CA_CRL_NAME, hasDevRoot, keysDir } from './keys.js';
import type { TimeStampAuthority } from '../timestamp/authority/index.js';
import { createTsaRequestHandler } from '../timestamp/node.js';

/**
 * The development CA's CRL and OCSP endpoints, when this instance has a development CA (demo, tests). Loaded on
 * first use: most commands never publish revocation data.
 */
export function devCaEndpoints(config: Config): BinaryHandler | undefined {
  if (!hasDevRoot(config)) return undefined;
  let handlers: Promise<RevocationHandlers> | null = null;
  const get = () =>
    (handlers ??= loadDevCa(keysDir(config)).then((ca) => createRevocationHandlers({ ca, stateDir: keysDir(config), crlName: DEV_CA_CRL_NAME })));
  return async (req) =>
    (await get()).handle({
      method: req.method,
      path: req.path,
      ...(req.contentType ? { contentType: req.contentType } : {}),
      ...(req.body ? { body: req.body } : {}),
    });
}

/** The built-in time-stamping authority over HTTP (POST /tsa), as RFC 3161 clients expect it. */
export function tsaEndpoint(authority: TimeStampAuthority): BinaryHandler {
  const handle = createTsaRequestHandler(authority);
  return async (req) => {
    if (req.method !== 'POST') return undefined;
    return handle(req.body ?? new Uint8Array(), {
      'content-type': req.contentType,
      ...(req.authorization ? { authorization: req.authorization } : {}),
    });
  };
}
