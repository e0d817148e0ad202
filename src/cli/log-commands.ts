import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { AppError } from '../domain/errors.js';
import { monitorOnce, type MonitorState } from '../public-log/monitor.js';
import { nodeSha256 } from '../public-log/hash-store.js';

export const LOG_USAGE = `  ekasarn log monitor URL [--key VERIFIER-KEY] [--state FILE]
                                        check a public log (URL of /log) as an independent monitor; exit 3 on alarm`;

type Flags = Record<string, string | boolean | undefined>;

/**
 * `ekasarn log monitor`: one monitoring pass, meant for cron. The state file pins the log key (trust on first use
 * when --key is not given, with a warning) and remembers the last checkpoint and the tree's compact range.
 */
export async function runLogCommand(sub: string | undefined, positionals: string[], flags: Flags): Promise<number> {
  if (sub !== 'monitor' || !positionals[0]) throw new AppError('usage', 2, { th: 'ใช้: ekasarn log monitor URL', en: 'usage: ekasarn log monitor URL [--key K] [--state FILE]' });
  const baseUrl = positionals[0].replace(/\/+$/, '');
  const stateFile = typeof flags.state === 'string' ? flags.state : `ekasarn-monitor-${new URL(baseUrl).host.replace(/[^a-zA-Z0-9.-]/g, '_')}.json`;
  const state = existsSync(stateFile) ? (JSON.parse(await readFile(stateFile, 'utf8')) as MonitorState) : null;
  let key = typeof flags.key === 'string' ? flags.key : state?.verifierKey;
  if (!key) {
    const res = await fetch(`${baseUrl}/key`);
    if (!res.ok) throw new Error(`GET ${baseUrl}/key: HTTP ${res.status}`);
    key = (await res.text()).trim();
    console.error(`ekasarn: ไม่ได้ระบุ --key จึงใช้กุญแจที่บันทึกสาธารณะประกาศ (trust on first use): ${key}`);
  }
  const r = await monitorOnce({ baseUrl, verifierKey: key, state, hash: nodeSha256 });
  for (const line of r.lines) console.log(line);
  if (!r.ok) {
    console.error(`ALARM: ${r.alarm}`);
    console.error('เตือน: บันทึกสาธารณะไม่สอดคล้องกับที่เคยเห็น อาจถูกแก้ไขย้อนหลัง / the public log is inconsistent with what was seen before');
    return 3;
  }
  await writeFile(`${stateFile}.tmp`, JSON.stringify(r.state, null, 2));
  await rename(`${stateFile}.tmp`, stateFile);
  console.log(`OK: size ${r.state.size}; state saved to ${stateFile}`);
  return 0;
}
