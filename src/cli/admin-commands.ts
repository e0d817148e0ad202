import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { openApp } from '../app/open-app.js';
import { grantTypeEntitlement, listAgencies, listTypeEntitlements, revokeTypeEntitlement, upsertAgency, getAgency } from '../store/index.js';
import { listSubscriptions, subscribeWebhook, unsubscribeWebhook } from '../notifications/index.js';

export const ADMIN_USAGE = `  ekasarn agency add ID --name-th TEXT --name-en TEXT --address-th TEXT   create or update an agency
  ekasarn agency list                   agencies with their entitled document types
  ekasarn agency entitle ID TYPE…       allow the agency to issue these types (withdraw: ekasarn agency withdraw ID TYPE…)
  ekasarn webhook add --agency ID --type TYPE --url URL   subscribe a relying party; prints the secret once
  ekasarn webhook list --agency ID | ekasarn webhook remove --agency ID SUBSCRIPTION-ID`;

type Flags = Record<string, string | boolean | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const usage = (th: string, en: string) => new AppError('usage', 2, { th, en });

/** Operator commands for a pilot before the console exists: agencies, entitlements, webhook subscriptions. */
export async function runAdminCommand(cmd: 'agency' | 'webhook', sub: string | undefined, args: string[], flags: Flags, config: Config): Promise<number> {
  const app = await openApp(config);
  const db = app.database.db;
  try {
    if (cmd === 'agency') {
      switch (sub) {
        case 'add': {
          const id = args[0];
          const nameTh = str(flags['name-th']);
          const nameEn = str(flags['name-en']);
          const addressTh = str(flags['address-th']);
          // The address is printed on every document the agency issues, so it is required here.
          if (!id || !nameTh || !nameEn || !addressTh) {
            throw usage('ใช้: ekasarn agency add ID --name-th ชื่อ --name-en NAME --address-th ที่อยู่', 'usage: ekasarn agency add ID --name-th TEXT --name-en TEXT --address-th TEXT');
          }
          const a = await upsertAgency(db, { id, nameTh, nameEn, addressTh });
          console.log(`${a.id}\t${a.nameTh} / ${a.nameEn}`);
          return 0;
        }
        case 'list': {
          const entitlements = await listTypeEntitlements(db);
          for (const a of await listAgencies(db)) {
            const types = entitlements.filter((e) => e.agencyId === a.id).map((e) => e.typeId);
            console.log(`${a.id}\t${a.nameTh} / ${a.nameEn}\t${types.join(',') || '-'}`);
          }
          return 0;
        }
        case 'entitle':
        case 'withdraw': {
          const [id, ...types] = args;
          if (!id || types.length === 0) throw usage(`ใช้: ekasarn agency ${sub} ID TYPE…`, `usage: ekasarn agency ${sub} ID TYPE…`);
          if (!(await getAgency(db, id))) throw new AppError('unknown_agency', 1, { th: `ไม่พบหน่วยงาน "${id}"`, en: `Unknown agency "${id}"` });
          for (const t of types) {
            if (!app.types.has(t)) throw new AppError('unknown_type', 1, { th: `ไม่รู้จักประเภทเอกสาร "${t}"`, en: `Unknown document type "${t}"` });
            if (sub === 'entitle') await grantTypeEntitlement(db, id, t);
            else await revokeTypeEntitlement(db, id, t);
            console.log(`${id}\t${sub === 'entitle' ? '+' : '-'}${t}`);
          }
          return 0;
        }
        default:
          throw usage('ใช้: ekasarn agency add|list|entitle|withdraw', 'usage: ekasarn agency add|list|entitle|withdraw');
      }
    }
    const agencyId = str(flags.agency);
    if (!agencyId) throw usage('ต้องระบุ --agency', '--agency is required');
    const dev = config.publicUrl.startsWith('http:');
    switch (sub) {
      case 'add': {
        const s = await subscribeWebhook(db, { agencyId, typeId: str(flags.type), url: str(flags.url), allowHttp: dev, allowPrivateHosts: dev });
        console.log(`${s.id}\t${s.type}\t${s.url}`);
        console.log(`secret (แสดงครั้งเดียว / shown once): ${s.secret}`);
        return 0;
      }
      case 'list':
        for (const s of await listSubscriptions(db, agencyId)) console.log(`${s.id}\t${s.type}\t${s.url}\t${s.active ? 'active' : 'disabled'}`);
        return 0;
      case 'remove': {
        const id = args[0];
        if (!id) throw usage('ใช้: ekasarn webhook remove --agency ID รหัส', 'usage: ekasarn webhook remove --agency ID SUBSCRIPTION-ID');
        const ok = await unsubscribeWebhook(db, agencyId, id);
        console.log(ok ? `removed ${id}` : `not found: ${id}`);
        return ok ? 0 : 1;
      }
      default:
        throw usage('ใช้: ekasarn webhook add|list|remove', 'usage: ekasarn webhook add|list|remove');
    }
  } finally {
    await app.close();
  }
}
