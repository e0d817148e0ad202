/**
 * Last-resort clean-up for benchmarks that start child processes or browsers: Ctrl-C (SIGINT/SIGTERM) runs every
 * registered function before exiting, so no demo server or Chromium is left running after an interrupted bench.
 */
type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
let installed = false;

async function runAll(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      await fn();
    } catch (e) {
      console.error(`clean-up failed: ${(e as Error).message}`);
    }
  }
}

/** Registers `fn`; the returned function unregisters it (call it after cleaning up normally). */
export function onInterrupt(fn: Cleanup): () => void {
  if (!installed) {
    installed = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        console.error(`\n${sig}: stopping the benchmark's child processes…`);
        void runAll().finally(() => process.exit(130));
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
