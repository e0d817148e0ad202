import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { integratePending, type IntegrationResult } from './integrate.js';
import { loadOrCreateLogKey, logOrigin, type LogIdentity } from './log-key.js';

export interface PublicLog {
  identity(): Promise<LogIdentity>;
  /** Integrates everything pending now. */
  integrate(): Promise<IntegrationResult>;
  /** Asks for an integration soon (after a change commits); never throws. */
  kick(): void;
  /** Waits until nothing is pending from this process (CLI commands call it before exiting). */
  flush(): Promise<void>;
  /** Integrates every `intervalMs` too, for events written by other processes. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/**
 * The deployment's transparency log: the Ed25519 key under `<data>/keys/log.key`, and an integrator that turns
 * committed log events into leaves and signed checkpoints — kicked after each change, and on a timer.
 */
export function openPublicLog(db: Kysely<Database>, opts: { keyFile: string; publicUrl: string; onError?: (e: unknown) => void }): PublicLog {
  let identity: Promise<LogIdentity> | undefined;
  const getIdentity = () => {
    identity ??= loadOrCreateLogKey(opts.keyFile, logOrigin(opts.publicUrl));
    identity.catch(() => (identity = undefined));
    return identity;
  };
  let running: Promise<unknown> = Promise.resolve();
  let queued = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const integrate = async () => integratePending(db, await getIdentity());
  // One integration at a time in this process; a kick during one schedules exactly one more.
  const kick = () => {
    if (queued) return;
    queued = true;
    running = running.then(async () => {
      queued = false;
      try {
        await integrate();
      } catch (e) {
        opts.onError?.(e);
      }
    });
  };

  return {
    identity: getIdentity,
    integrate,
    kick,
    async flush() {
      kick();
      await running;
    },
    start(intervalMs = 2000) {
      timer ??= setInterval(kick, intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
