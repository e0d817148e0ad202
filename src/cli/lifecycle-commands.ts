import { readFile, writeFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { STATUS_REASON_CODES } from '../domain/lifecycle.js';
import { openApp } from '../app/open-app.js';

export const LIFECYCLE_USAGE = `  ekasarn revoke|suspend|reinstate ID --reason CODE [--note TEXT] [--effective ISO-TIME]
  ekasarn supersede ID --data FILE.json [--reason CODE] [--note TEXT]   issue a corrected successor
                                        reasons: ${STATUS_REASON_CODES.join(', ')}
  ekasarn expire                        mark documents past their valid-until date as expired`;

type Flags = Record<string, string | boolean | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The operator's lifecycle commands: they act for the document's own agency and are recorded as actor "cli". */
export async function runLifecycleCommand(cmd: string, id: string | undefined, flags: Flags, config: Config): Promise<number> {
  if (cmd !== 'expire' && !id) {
    throw new AppError('usage', 2, { th: `ใช้: ekasarn ${cmd} รหัสเอกสาร ...`, en: `usage: ekasarn ${cmd} DOCUMENT-ID ...` });
  }
  const app = await openApp(config);
  try {
    const common = { documentId: id ?? '', ...(str(flags.agency) ? { agencyId: str(flags.agency)! } : {}), reason: str(flags.reason), note: str(flags.note) };
    switch (cmd) {
      case 'revoke':
      case 'suspend':
      case 'reinstate': {
        const d = await app.changeStatus(cmd, { ...common, ...(str(flags.effective) ? { effectiveAt: str(flags.effective) } : {}) }, 'cli');
        console.log(`${d.id}\t${d.status}\t${d.statusReason ?? ''}\t${d.statusChangedAt ?? ''}`);
        return 0;
      }
      case 'supersede': {
        const path = str(flags.data);
        if (!path) throw new AppError('usage', 2, { th: 'ต้องระบุ --data', en: '--data is required' });
        let data: unknown;
        try {
          data = JSON.parse(await readFile(path, 'utf8'));
        } catch (e) {
          throw new AppError('bad_data_file', 2, { th: `อ่านไฟล์ข้อมูล ${path} ไม่ได้`, en: `Cannot read ${path} as JSON: ${(e as Error).message}` });
        }
        const r = await app.supersede({ ...common, reason: common.reason ?? 'replaced', data }, 'cli');
        if (typeof flags.out === 'string') await writeFile(flags.out, r.successor.pdf);
        console.log(r.successor.document.id);
        console.error(`${r.old.id} superseded by ${r.successor.document.id} (${r.successor.document.serial})`);
        return 0;
      }
      case 'expire': {
        console.log(`expired ${await app.expireDue()}`);
        return 0;
      }
      default:
        return 2;
    }
  } finally {
    await app.close();
  }
}
