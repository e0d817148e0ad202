import { AppError } from '../domain/errors.js';
import { buildTimeStampRequest, parseTimeStampResponse, TimestampError } from '../timestamp/index.js';
import type { TimeStampAuthority } from '../timestamp/authority/index.js';
import type { TsaClient } from '../timestamp/node.js';

/** Gets an RFC 3161 token for a SHA-256 imprint. Either a remote TSA (ETDA's, a commercial one) or the built-in one. */
export interface Timestamper {
  timestamp(imprint: Uint8Array): Promise<Uint8Array>;
}

export function remoteTimestamper(client: TsaClient): Timestamper {
  return { timestamp: async (imprint) => (await client.timestamp(imprint)).token };
}

/** The built-in authority called in-process: the same request/response bytes as over HTTP, without the socket. */
export function inProcessTimestamper(authority: TimeStampAuthority): Timestamper {
  return {
    async timestamp(imprint) {
      const req = buildTimeStampRequest({ imprint });
      const resp = parseTimeStampResponse(await authority.respond(req.der));
      if (!resp.token) throw new TimestampError('tsa_rejected', `built-in TSA refused: ${resp.statusText ?? resp.statusName}`);
      return resp.token;
    },
  };
}

export type TsaFailurePolicy = { kind: 'fail' } | { kind: 'wait'; maxWaitMs: number };

/**
 * What happens when the TSA cannot answer. Never a silent downgrade to a lower level: either the issuance fails with a
 * clear error (nothing is written), or it waits and retries with back-off up to a limit, then fails.
 */
export function withFailurePolicy(inner: Timestamper, policy: TsaFailurePolicy, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Timestamper {
  return {
    async timestamp(imprint) {
      const deadline = Date.now() + (policy.kind === 'wait' ? policy.maxWaitMs : 0);
      let delay = 250;
      for (;;) {
        try {
          return await inner.timestamp(imprint);
        } catch (e) {
          const retryable = e instanceof TimestampError && ['tsa_unreachable', 'tsa_timeout', 'tsa_http_error'].includes(e.code);
          if (policy.kind === 'wait' && retryable && Date.now() + delay < deadline) {
            await sleep(delay);
            delay = Math.min(delay * 2, 5000);
            continue;
          }
          const detail = e instanceof Error ? e.message : String(e);
          throw new AppError('tsa_unavailable', 503, {
            th: 'ขอตราประทับเวลาจากผู้ให้บริการ (TSA) ไม่สำเร็จ จึงยังไม่ออกเอกสาร กรุณาลองใหม่ภายหลัง',
            en: `The time-stamping authority did not provide a timestamp, so nothing was issued: ${detail}`,
          });
        }
      }
    },
  };
}
