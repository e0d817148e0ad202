import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { openDatabase } from '../store/db/open-database.js';
import type { Database } from '../store/db/schema.js';
import { withTransaction } from '../store/db/transaction.js';
import { appendAuditEvent } from '../store/repos/audit.js';
import { getAgency } from '../store/repos/agencies.js';
import { getUserByEmail, inviteOfficer, listAgencyOfficers, makeSystemAdmin, revokeRole, ROLES, setUserDisabled } from '../store/repos/users.js';
import { StoreInputError } from '../store/validate.js';

export const OFFICERS_USAGE = `  ekasarn officers add --email E --name N --agency A --role R[,R]   invite an officer (roles: ${ROLES.join(', ')})
  ekasarn officers list --agency A      the agency's officers and their roles
  ekasarn officers revoke --email E --agency A --role R   withdraw a role
  ekasarn officers disable|enable --email E   block (and sign out) or unblock a user
  ekasarn officers system-admin --email E --name N   make a system administrator (how production gets its first one)`;

const usage = (detail: string) =>
  new AppError('usage', 2, { th: `ใช้: ekasarn officers ${detail}`, en: `usage: ekasarn officers ${detail}` });

type Flags = { email?: string; name?: string; agency?: string; role?: string };

function need(flags: Flags, name: keyof Flags, detail: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v.trim() === '') throw usage(detail);
  return v;
}

async function agencyMustExist(db: Kysely<Database>, id: string): Promise<void> {
  if (!(await getAgency(db, id))) throw new AppError('unknown_agency', 1, { th: `ไม่พบหน่วยงาน "${id}"`, en: `Unknown agency "${id}"` });
}

/**
 * `ekasarn officers …` on an open database: returns the lines to print. Errors are AppErrors (usage → exit code 2,
 * bad values and unknown agencies/users → 1) naming the flag that was wrong.
 */
export async function runOfficerCommand(args: string[], db: Kysely<Database>): Promise<string[]> {
  const [sub, ...rest] = args;
  let flags: Flags;
  try {
    flags = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: { email: { type: 'string' }, name: { type: 'string' }, agency: { type: 'string' }, role: { type: 'string' } },
    }).values;
  } catch (e) {
    throw new AppError('usage', 2, { th: `ตัวเลือกไม่ถูกต้อง: ${(e as Error).message}`, en: (e as Error).message });
  }
  try {
    switch (sub) {
      case 'add': {
        const detail = 'add --email E --name N --agency A --role R[,R]';
        const agencyId = need(flags, 'agency', detail);
        const roles = need(flags, 'role', detail).split(',').map((r) => r.trim()).filter(Boolean);
        await agencyMustExist(db, agencyId);
        const r = await withTransaction(db, async (trx) => {
          const invited = await inviteOfficer(trx, { email: need(flags, 'email', detail), displayName: need(flags, 'name', detail), agencyId, roles, grantedBy: 'cli' });
          await appendAuditEvent(trx, { actor: 'cli', action: 'officer.invited', agencyId, details: { userId: invited.user.id, roles } });
          return invited;
        });
        return [`${r.created ? 'invited' : 'updated'}\t${r.user.id}\t${r.user.email}\t${agencyId}\t${r.roles.join(',')}`];
      }
      case 'list': {
        const agencyId = need(flags, 'agency', 'list --agency A');
        await agencyMustExist(db, agencyId);
        const officers = await listAgencyOfficers(db, agencyId);
        return officers.map(
          (o) => `${o.userId}\t${o.email ?? '-'}\t${o.displayName}\t${o.roles.join(',')}\t${o.lastLoginAt ?? 'never signed in'}${o.disabled ? '\tDISABLED' : ''}`,
        );
      }
      case 'revoke': {
        const detail = 'revoke --email E --agency A --role R';
        const agencyId = need(flags, 'agency', detail);
        const role = need(flags, 'role', detail);
        const user = await getUserByEmail(db, need(flags, 'email', detail));
        if (!user) throw new AppError('unknown_user', 1, { th: `ไม่พบผู้ใช้ ${flags.email}`, en: `No user with e-mail ${flags.email}` });
        const removed = await withTransaction(db, async (trx) => {
          const done = await revokeRole(trx, { userId: user.id, agencyId, role });
          if (done) await appendAuditEvent(trx, { actor: 'cli', action: 'officer.role-revoked', agencyId, details: { userId: user.id, role } });
          return done;
        });
        return [removed ? `revoked\t${user.id}\t${agencyId}\t${role}` : `not held\t${user.id}\t${agencyId}\t${role}`];
      }
      case 'disable':
      case 'enable': {
        const user = await getUserByEmail(db, need(flags, 'email', `${sub} --email E`));
        if (!user) throw new AppError('unknown_user', 1, { th: `ไม่พบผู้ใช้ ${flags.email}`, en: `No user with e-mail ${flags.email}` });
        const changed = await setUserDisabled(db, user.id, sub === 'disable');
        return [`${changed ? (sub === 'disable' ? 'disabled' : 'enabled') : 'unchanged'}\t${user.id}\t${user.email}`];
      }
      case 'system-admin': {
        const detail = 'system-admin --email E --name N';
        const user = await makeSystemAdmin(db, { email: need(flags, 'email', detail), displayName: need(flags, 'name', detail) });
        return [
          `system administrator\t${user.id}\t${user.email}`,
          'ลงชื่อเข้าใช้ที่ /console/login ด้วยบัญชีที่ใช้อีเมลนี้ (ผู้ให้บริการต้องยืนยันอีเมลแล้ว)',
          'Sign in at /console/login with the provider account having this e-mail (the provider must mark it verified).',
        ];
      }
      default:
        throw usage('add|list|revoke|disable|enable|system-admin');
    }
  } catch (e) {
    if (e instanceof StoreInputError) {
      const flag = { 'officer.email': '--email', 'admin.email': '--email', email: '--email', 'officer.displayName': '--name', 'admin.displayName': '--name' }[e.field] ?? (e.field.includes('role') ? '--role' : e.field.includes('agency') ? '--agency' : e.field);
      throw new AppError('invalid_input', 1, { th: `${flag} ไม่ถูกต้อง: ต้องเป็น ${e.expected}`, en: `${flag}: expected ${e.expected}` });
    }
    throw e;
  }
}

/**
 * The whole command for src/cli/main.ts: opens the database (migrating it), runs, prints, closes; returns the exit code.
 * main.ts should call it before its own parseArgs (whose option list does not know --email/--name/--role):
 *   if (cmd === 'officers') return runOfficersCli(argv.slice(1), loadConfig());
 */
export async function runOfficersCli(args: string[], config: Config): Promise<number> {
  const opened = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, migrate: true });
  try {
    const lines = await runOfficerCommand(args, opened.db);
    if (lines.length > 0) console.log(lines.join('\n'));
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`ekasarn: ${e.text.th}\nekasarn: ${e.text.en}`);
      if (e.code === 'usage') console.error(`\n${OFFICERS_USAGE}`);
      return e.httpStatus === 2 ? 2 : 1;
    }
    throw e;
  } finally {
    await opened.close();
  }
}
