/** What a progress line shows: counts so far, plus any words after them. */
export interface ProgressCounts {
  done: number;
  total: number;
  /** e.g. "renewed 5 skipped 1 failed 0" or "errors 3". */
  detail: string;
}

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * A one-line progress bar on stderr: bar, done/total, rate per second, ETA, details. Redrawn in place on a terminal;
 * elsewhere (CI logs, a pipe) a line every 5 s so logs stay readable.
 */
export function progressBar(label: string) {
  let started = Date.now();
  let startDone = 0;
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const render = (p: ProgressCounts) => {
    const width = 30;
    const frac = p.total ? Math.min(1, p.done / p.total) : 1;
    const filled = Math.round(frac * width);
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? (p.done - startDone) / secs : 0;
    const eta = rate > 0 ? clock((p.total - p.done) / rate) : '–';
    return `${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${p.done}/${p.total} · ${rate.toFixed(1)}/s · ETA ${eta} · ${p.detail}`;
  };
  return {
    /** Counts from here on: the rate of a resumed run is what this run does, not what an earlier one did. */
    restart(done: number) {
      started = Date.now();
      startDone = done;
    },
    update(p: ProgressCounts) {
      if (tty) process.stderr.write(`\r\x1b[K${render(p)}`);
      else if (Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        process.stderr.write(`${render(p)}\n`);
      }
    },
    finish(p?: ProgressCounts) {
      if (p && !tty) process.stderr.write(`${render(p)}\n`);
      if (tty) process.stderr.write(p ? `\r\x1b[K${render(p)}\n` : '\n');
    },
  };
}
