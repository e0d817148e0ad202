import { parseArgs } from 'node:util';
import { OFFICERS_USAGE, runOfficersCli } from './officer-commands.js';
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { AppError } from '../domain/errors.js';
import { openApp, initProject, DEMO_AGENCY_ID } from '../app/open-app.js';
import { serve, serveTsa } from './serve.js';
import { progressBar } from './progress.js';
import { printReport } from './print-report.js';
import { verifyExitCode, verifyFromCli } from './verify-command.js';
import { isPadesLevel } from '../issuance/sign-pdf.js';
import { CA_REVOKE_USAGE, runCaRevokeCommand } from '../revocation/ca/index.js';
import { keysDir } from '../app/keys.js';
import { LIFECYCLE_USAGE, runLifecycleCommand } from './lifecycle-commands.js';
import { LOG_USAGE, runLogCommand } from './log-commands.js';
import { ADMIN_USAGE, runAdminCommand } from './admin-commands.js';
import { BULK_USAGE, runBulkCommand } from './bulk-command.js';

const USAGE = `ekasarn — ออกและตรวจสอบเอกสารราชการดิจิทัล / issue and verify official digital documents

  ekasarn start                         initialise a demo on first run, then serve (what \`npm start\` runs)
  ekasarn init [--demo]                 create the database (and with --demo: a demo agency, dev CA, API key)
  ekasarn serve [--port N] [--host H]   run the HTTP server
  ekasarn types list [--json]           the document types
  ekasarn issue --type ID --data FILE.json [--out FILE.pdf] [--agency ID] [--idempotency-key K]
                [--level B-B|B-T|B-LT|B-LTA]   (default: EKASARN_SIGNATURE_LEVEL, else B-LT with a TSA, else B-B)
${BULK_USAGE}
  ekasarn verify FILE.pdf [--json] [--offline] [--trust ROOTS.pem]   exit 0 only when VALID, 3 for a training SPECIMEN
  ekasarn trust export                  print the trust-root certificates (PEM)
  ekasarn keys create [--agency ID] [--alg RSA-2048|RSA-3072|P-256]   new development signing key for an agency
  ekasarn ca revoke SERIAL [--reason keyCompromise|…] [--at ISO-TIME]   revoke a development-CA certificate
  ekasarn archive retimestamp [--before DATE]   add a document timestamp to documents whose newest timestamp's
                                        certificate expires before DATE (default: one year from now); resumable
  ekasarn tsa serve [--port N]          run the built-in RFC 3161 time-stamping authority alone
  ekasarn apikey create [--agency ID] [--label TEXT] [--scopes "documents:issue documents:read documents:status"]
${LIFECYCLE_USAGE}
${LOG_USAGE}
${ADMIN_USAGE}
${OFFICERS_USAGE}
Environment: EKASARN_DATA (default ./data), DATABASE_URL, EKASARN_PUBLIC_URL, PORT, HOST — see README.md.`;

type Flags = Record<string, string | boolean | undefined>;

function need(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new AppError('usage', 2, { th: `ต้องระบุ --${name}`, en: `--${name} is required` });
  return v;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  // `officers` parses its own arguments (--email, --name, --role …).
  if (cmd === 'officers') return runOfficersCli(argv.slice(1), loadConfig());
  // `ca revoke` parses its own arguments (serial, --reason, --at).
  if (cmd === 'ca') {
    if (sub !== 'revoke') {
      console.error(CA_REVOKE_USAGE);
      return 2;
    }
    try {
      console.log(await runCaRevokeCommand(argv.slice(2), keysDir(loadConfig())));
      return 0;
    } catch (e) {
      console.error(`ekasarn: ${(e as Error).message}`);
      return 1;
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      strict: true,
      options: {
        demo: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        json: { type: 'boolean' },
        type: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        agency: { type: 'string' },
        'idempotency-key': { type: 'string' },
        level: { type: 'string' },
        before: { type: 'string' },
        offline: { type: 'boolean' },
        trust: { type: 'string' },
        alg: { type: 'string' },
        label: { type: 'string' },
        scopes: { type: 'string' },
        reason: { type: 'string' },
        note: { type: 'string' },
        effective: { type: 'string' },
        key: { type: 'string' },
        state: { type: 'string' },
        'name-th': { type: 'string' },
        'name-en': { type: 'string' },
        'address-th': { type: 'string' },
        url: { type: 'string' },
        'key-column': { type: 'string' },
        new: { type: 'boolean' },
      },
    });
  } catch (e) {
    console.error(`ekasarn: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const flags = parsed.values as Flags;
  const env = { ...process.env };
  if (typeof flags.port === 'string') env.PORT = flags.port;
  if (typeof flags.host === 'string') env.HOST = flags.host;

  try {
    const config = loadConfig(env);
    switch (cmd) {
      case 'init': {
        const r = await initProject(config, { demo: flags.demo === true });
        console.log(r.lines.join('\n'));
        return 0;
      }
      case 'start': {
        const r = await initProject(config, { demo: true });
        return serve(config, { banner: r.lines, demo: true });
      }
      case 'serve':
        return serve(config, { banner: [] });
      case 'types': {
        if (sub !== 'list') throw new AppError('usage', 2, { th: 'ใช้: ekasarn types list', en: 'usage: ekasarn types list' });
        const app = await openApp(config);
        try {
          const list = [...app.types.values()].map((t) => t.definition);
          if (flags.json) console.log(JSON.stringify(list, null, 2));
          else for (const d of list) console.log(`${d.id}@${d.version}\t${d.name.th} / ${d.name.en}\t(${d.subject.kind})`);
        } finally {
          await app.close();
        }
        return 0;
      }
      case 'issue': {
        const typeId = need(flags, 'type');
        const dataPath = need(flags, 'data');
        let data: unknown;
        try {
          data = JSON.parse(await readFile(dataPath, 'utf8'));
        } catch (e) {
          throw new AppError('bad_data_file', 2, { th: `อ่านไฟล์ข้อมูล ${dataPath} ไม่ได้`, en: `Cannot read ${dataPath} as JSON: ${(e as Error).message}` });
        }
        const app = await openApp(config);
        try {
          const agencyId = typeof flags.agency === 'string' ? flags.agency : DEMO_AGENCY_ID;
          const key = flags['idempotency-key'];
          const level = flags.level;
          if (level !== undefined && !isPadesLevel(level)) {
            throw new AppError('usage', 2, { th: '--level ต้องเป็น B-B, B-T, B-LT หรือ B-LTA', en: '--level must be B-B, B-T, B-LT or B-LTA' });
          }
          const { document, pdf } = await app.issueAsAgency(agencyId, typeId, data, {
            ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
            ...(level !== undefined ? { level } : {}),
          });
          if (typeof flags.out === 'string') await writeFile(flags.out, pdf);
          console.log(document.id);
          if (typeof flags.out === 'string') console.error(`${document.serial} → ${flags.out}`);
        } finally {
          await app.close();
        }
        return 0;
      }
      case 'bulk':
        return await runBulkCommand(flags, parsed.positionals, config);
      case 'verify': {
        const file = sub;
        if (!file) throw new AppError('usage', 2, { th: 'ใช้: ekasarn verify FILE.pdf', en: 'usage: ekasarn verify FILE.pdf' });
        const bytes = new Uint8Array(await readFile(file));
        const extra = typeof flags.trust === 'string' ? await readFile(flags.trust, 'utf8') : undefined;
        const report = await verifyFromCli(config, bytes, { offline: flags.offline === true, extraTrustPem: extra });
        if (flags.json) console.log(JSON.stringify(report, null, 2));
        else printReport(report);
        return verifyExitCode(report);
      }
      case 'trust': {
        if (sub !== 'export') throw new AppError('usage', 2, { th: 'ใช้: ekasarn trust export', en: 'usage: ekasarn trust export' });
        const app = await openApp(config, { readOnly: true });
        try {
          process.stdout.write(app.trustRootsPem());
        } finally {
          await app.close();
        }
        return 0;
      }
      case 'keys': {
        if (sub !== 'create') throw new AppError('usage', 2, { th: 'ใช้: ekasarn keys create', en: 'usage: ekasarn keys create' });
        const app = await openApp(config);
        try {
          const agencyId = typeof flags.agency === 'string' ? flags.agency : DEMO_AGENCY_ID;
          const alg = typeof flags.alg === 'string' ? flags.alg : 'RSA-2048';
          const r = await app.createDevSigningKey(agencyId, alg);
          console.log(r.lines.join('\n'));
        } finally {
          await app.close();
        }
        return 0;
      }
      case 'archive': {
        if (sub !== 'retimestamp') throw new AppError('usage', 2, { th: 'ใช้: ekasarn archive retimestamp [--before DATE]', en: 'usage: ekasarn archive retimestamp [--before DATE]' });
        const before = typeof flags.before === 'string' ? new Date(flags.before) : new Date(Date.now() + 365 * 86_400_000);
        if (Number.isNaN(before.getTime())) throw new AppError('usage', 2, { th: '--before ต้องเป็นวันที่ ISO 8601', en: '--before must be an ISO 8601 date' });
        const app = await openApp(config);
        try {
          const bar = progressBar('archive');
          const counts = (p: { done: number; total: number; renewed: number; skipped: number; failed: number }) => ({
            done: p.done,
            total: p.total,
            detail: `renewed ${p.renewed} skipped ${p.skipped} failed ${p.failed}`,
          });
          const p = await app.retimestamp(before, (q) => bar.update(counts(q)));
          bar.finish(counts(p));
          console.log(`renewed ${p.renewed}, skipped ${p.skipped}, failed ${p.failed} (of ${p.total})`);
          return p.failed === 0 ? 0 : 1;
        } finally {
          await app.close();
        }
      }
      case 'revoke':
      case 'suspend':
      case 'reinstate':
      case 'supersede':
      case 'expire':
        return await runLifecycleCommand(cmd, sub, flags, config);
      case 'log':
        return await runLogCommand(sub, parsed.positionals.slice(1), flags);
      case 'agency':
      case 'webhook':
        return await runAdminCommand(cmd, sub, parsed.positionals.slice(1), flags, config);
      case 'tsa': {
        if (sub !== 'serve') throw new AppError('usage', 2, { th: 'ใช้: ekasarn tsa serve [--port N]', en: 'usage: ekasarn tsa serve [--port N]' });
        return serveTsa(config);
      }
      case 'apikey': {
        if (sub !== 'create') throw new AppError('usage', 2, { th: 'ใช้: ekasarn apikey create', en: 'usage: ekasarn apikey create' });
        const app = await openApp(config);
        try {
          const agencyId = typeof flags.agency === 'string' ? flags.agency : DEMO_AGENCY_ID;
          const scopes = (typeof flags.scopes === 'string' ? flags.scopes : 'documents:issue documents:read').split(/\s+/).filter(Boolean);
          const secret = await app.createApiKey(agencyId, typeof flags.label === 'string' ? flags.label : 'cli', scopes);
          console.log(secret);
        } finally {
          await app.close();
        }
        return 0;
      }
      default:
        console.error(`ekasarn: unknown command "${cmd}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`ekasarn: ${e.text.th}\nekasarn: ${e.text.en}`);
      if (Array.isArray(e.details)) {
        for (const d of e.details as { field: string; message: { th: string; en: string } }[]) {
          console.error(`  - ${d.field}: ${d.message.th} / ${d.message.en}`);
        }
      }
      return e.httpStatus === 2 ? 2 : 1;
    }
    console.error(`ekasarn: ${(e as Error).message}`);
    return 1;
  }
}
