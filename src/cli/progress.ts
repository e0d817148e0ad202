import type { RetimestampProgress } from '../issuance/archive-retimestamp.js';

/** A one-line progress bar on stderr (redrawn in place on a terminal; a line every 5 s otherwise). */
export function progressBar(label: string) {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const render = (p: RetimestampProgress) => {
    const width = 30;
    const frac = p.total ? p.done / p.total : 1;
    const filled = Math.round(frac * width);
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? p.done / secs : 0;
    const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : 0;
    return `${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${p.done}/${p.total} ${rate.toFixed(1)}/s ETA ${eta}s · renewed ${p.renewed} skipped ${p.skipped} failed ${p.failed}`;
  };
  return {
    update(p: RetimestampProgress) {
      if (tty) process.stderr.write(`\r${render(p)}`);
      else if (Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        process.stderr.write(`${render(p)}\n`);
      }
    },
    finish() {
      if (tty) process.stderr.write('\n');
    },
  };
}
