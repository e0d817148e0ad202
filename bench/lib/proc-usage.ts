import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (100 on every Linux seen here). */
const CLOCK_TICKS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
})();

/** CPU seconds (user + system) used so far by process `pid`, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (field 15) fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read CPU times from /proc/${pid}/stat`);
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident memory now (VmRSS) and the peak so far (VmHWM) of process `pid`, in bytes. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${key} in /proc/${pid}/status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Measures another process over a stretch of time: CPU % of one core, and its RSS sampled on a timer. */
export class ProcessMeter {
  private cpu0 = 0;
  private wall0 = 0;
  private timer: NodeJS.Timeout | null = null;
  private maxRss = 0;

  constructor(readonly pid: number) {}

  start(sampleEveryMs = 200): this {
    this.cpu0 = processCpuSeconds(this.pid);
    this.wall0 = performance.now();
    this.maxRss = processMemory(this.pid).rss;
    this.timer = setInterval(() => {
      this.maxRss = Math.max(this.maxRss, processMemory(this.pid).rss);
    }, sampleEveryMs);
    this.timer.unref();
    return this;
  }

  /** cpuPercent is of one core (200 % = both cores of this machine fully busy). */
  stop(): { cpuSeconds: number; cpuPercent: number; rssEnd: number; rssMax: number; rssPeakSinceStart: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const cpuSeconds = processCpuSeconds(this.pid) - this.cpu0;
    const wallSeconds = (performance.now() - this.wall0) / 1000;
    const mem = processMemory(this.pid);
    this.maxRss = Math.max(this.maxRss, mem.rss);
    return { cpuSeconds, cpuPercent: (cpuSeconds / wallSeconds) * 100, rssEnd: mem.rss, rssMax: this.maxRss, rssPeakSinceStart: mem.peak };
  }
}

/** The 1-, 5- and 15-minute load averages, to print next to numbers measured on a shared machine. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
