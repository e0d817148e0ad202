import { esc } from '../pages/html.js';
import { AppError } from '../../domain/errors.js';
import { formatThaiDate } from '../../domain/thai-date.js';
import { ROLE_NAMES, type AgencyRole } from '../../console/services/acting-officer.js';

/**
 * The console's page frame. Officers read Thai first, English second: every label carries both, the English smaller
 * and marked `lang="en"` for screen readers, so there is no language switch to find.
 */

/** "ไทย English" as HTML: the Thai in the page's language, the English tagged as such. */
export function t(th: string, en: string): string {
  return `${esc(th)} <span class="en" lang="en">${esc(en)}</span>`;
}

/** The same pair as plain text (titles, attributes). */
export function tt(th: string, en: string): string {
  return `${th} · ${en}`;
}

export interface NavContext {
  user: { displayName: string; email: string | null; systemAdmin: boolean };
  agencyId: string | null;
  agencyName: string | null;
  /** Ids of the agencies the officer belongs to (the home page names them for its picker). */
  agencies: string[];
  mode: 'live' | 'sandbox';
  roles: string[];
  csrfToken: string;
}

interface NavItem {
  href: string;
  th: string;
  en: string;
  show: (c: NavContext) => boolean;
}

const has = (c: NavContext, ...roles: string[]) => roles.some((r) => c.roles.includes(r));

const NAV: NavItem[] = [
  { href: '/console', th: 'หน้าหลัก', en: 'Home', show: () => true },
  { href: '/console/issue', th: 'ออกเอกสาร', en: 'Issue', show: (c) => has(c, 'issuing_officer') },
  { href: '/console/drafts', th: 'ร่างเอกสาร', en: 'Drafts', show: (c) => has(c, 'issuing_officer', 'approving_officer', 'auditor') },
  { href: '/console/bulk', th: 'ออกเป็นชุด', en: 'Bulk', show: (c) => has(c, 'issuing_officer') && c.mode === 'live' },
  { href: '/console/documents', th: 'ค้นหาเอกสาร', en: 'Search', show: (c) => c.roles.length > 0 },
  { href: '/console/types', th: 'ประเภทเอกสาร', en: 'Document types', show: (c) => has(c, 'agency_admin') },
  { href: '/console/audit', th: 'บันทึกการใช้งาน', en: 'Audit', show: (c) => has(c, 'agency_admin', 'auditor') },
  { href: '/console/admin', th: 'ตั้งค่าหน่วยงาน', en: 'Agency settings', show: (c) => has(c, 'agency_admin') },
  { href: '/console/system', th: 'หน่วยงานทั้งหมด', en: 'Agencies', show: (c) => c.user.systemAdmin },
];

export function roleName(role: string): string {
  const n = ROLE_NAMES[role as AgencyRole];
  return n ? t(n.th, n.en) : esc(role);
}

export function csrfField(c: { csrfToken: string }): string {
  return `<input type="hidden" name="_csrf" value="${esc(c.csrfToken)}">`;
}

const STYLE = `
  :root { color-scheme: light; }
  [hidden] { display: none !important; }
  * { box-sizing: border-box; }
  body { font-family: "Sarabun", "Laksaman", "Noto Sans Thai", system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; line-height: 1.6; font-size: 17px; }
  .en { color: #4d5156; font-size: .85em; font-weight: 400; }
  header.top { background: #0b3d91; color: #fff; padding: .5rem 1.25rem; display: flex; flex-wrap: wrap; gap: 1rem; justify-content: space-between; align-items: center; }
  header.top .en, nav .en { color: #dbe6ff; }
  header.top a, header.top button.link { color: #fff; }
  .skip { position: absolute; left: -999px; top: 0; background: #fff; color: #0b3d91; padding: .5rem 1rem; z-index: 10; }
  .skip:focus { left: 1rem; }
  nav.main { background: #14489e; }
  nav.main ul { list-style: none; margin: 0; padding: 0 1rem; display: flex; flex-wrap: wrap; }
  nav.main a { display: block; color: #fff; padding: .5rem .75rem; text-decoration: none; }
  nav.main a[aria-current=page] { background: #0b3d91; border-bottom: 3px solid #f9ab00; }
  .sandbox-banner { background: #b06000; color: #fff; padding: .5rem 1.25rem; font-weight: 700; }
  .sandbox-banner .en { color: #fff3d6; }
  main { max-width: 72rem; margin: 1.25rem auto; padding: 0 1rem; }
  .card { background: #fff; border-radius: 8px; padding: 1.25rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); margin-bottom: 1rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .75rem; }
  h2 { font-size: 1.25rem; }
  a { color: #0b3d91; }
  a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus, [tabindex]:focus { outline: 3px solid #f9ab00; outline-offset: 2px; }
  .button, button { display: inline-block; background: #0b3d91; color: #fff; padding: .45rem 1rem; border-radius: 6px; text-decoration: none; border: 2px solid #0b3d91; font: inherit; cursor: pointer; }
  .button .en, button .en { color: #dbe6ff; }
  .button.secondary, button.secondary { background: #fff; color: #0b3d91; }
  .button.secondary .en, button.secondary .en { color: #4d5156; }
  button.danger { background: #a50e0e; border-color: #a50e0e; }
  button.link { background: none; border: 0; padding: 0; text-decoration: underline; }
  label { font-weight: 600; display: block; }
  .field { margin-bottom: 1rem; }
  .field .hint { color: #4d5156; font-size: .9rem; margin: .1rem 0 .25rem; }
  input[type=text], input[type=search], input[type=date], input[type=number], input[type=email], input[type=file], select, textarea { font: inherit; padding: .4rem .6rem; border: 2px solid #5f6368; border-radius: 6px; width: 100%; max-width: 36rem; background: #fff; }
  textarea { max-width: 100%; font-family: ui-monospace, monospace; font-size: .9rem; }
  input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true] { border-color: #a50e0e; background: #fff8f7; }
  .error { color: #a50e0e; font-weight: 600; margin: .25rem 0 0; }
  .error:empty { display: none; }
  .notice { padding: .6rem .9rem; border-radius: 6px; margin-bottom: 1rem; border-left: 5px solid; }
  .notice.ok { background: #e6f4ea; border-color: #137333; }
  .notice.warn { background: #fef7e0; border-color: #b06000; }
  .notice.bad { background: #fce8e6; border-color: #a50e0e; }
  table.list { border-collapse: collapse; width: 100%; background: #fff; }
  table.list th, table.list td { border-bottom: 1px solid #dadce0; padding: .4rem .5rem; text-align: left; vertical-align: top; }
  table.list th { background: #eef1f6; }
  dl.facts { display: grid; grid-template-columns: minmax(8rem, 40%) minmax(0, 1fr); gap: .3rem 1rem; margin: 0; }
  dl.facts dt { font-weight: 600; color: #3c4043; }
  dl.facts dd { margin: 0; }
  .actions { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; margin-top: 1rem; }
  .filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .75rem 1rem; align-items: end; }
  .preview img { max-width: 100%; border: 1px solid #dadce0; box-shadow: 0 1px 4px rgba(0,0,0,.15); background: #fff; margin-bottom: 1rem; }
  .badge { display: inline-block; padding: 0 .5rem; border-radius: 4px; font-size: .85rem; font-weight: 700; border: 1px solid; }
  .badge.ok { color: #0d5223; border-color: #137333; background: #e6f4ea; }
  .badge.warn { color: #6b4e00; border-color: #b06000; background: #fef7e0; }
  .badge.bad { color: #8a1c12; border-color: #a50e0e; background: #fce8e6; }
  .badge.info { color: #0b3d91; border-color: #0b3d91; background: #e8f0fe; }
  progress { width: 100%; height: 1.5rem; }
  .muted { color: #4d5156; }
  .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
  @media (max-width: 60rem) { .grid2 { grid-template-columns: 1fr; } }
  fieldset { border: 1px solid #dadce0; border-radius: 6px; margin: 0 0 1rem; }
  legend { font-weight: 700; }
  .inline { display: inline; }
  code { overflow-wrap: anywhere; }
  table.audit td:nth-child(1), table.audit td:nth-child(3) { white-space: nowrap; }
  table.audit td.details { font-size: .85rem; overflow-wrap: anywhere; min-width: 14rem; }
`;

export interface PageOptions {
  title: [string, string];
  body: string;
  /** The nav entry to mark as current. */
  active?: string;
  script?: boolean;
}

/** A whole console page; `ctx` null for pages shown before sign-in. */
export function consolePage(ctx: NavContext | null, opts: PageOptions): string {
  const nav = ctx
    ? `<nav class="main" aria-label="เมนูหลัก Main menu"><ul>${NAV.filter((n) => n.show(ctx))
        .map((n) => `<li><a href="${n.href}"${opts.active === n.href ? ' aria-current="page"' : ''}>${t(n.th, n.en)}</a></li>`)
        .join('')}</ul></nav>`
    : '';
  const who = ctx
    ? `<div class="who"><span>${esc(ctx.user.displayName)}</span>${ctx.agencyName ? ` · <span>${esc(ctx.agencyName)}</span>` : ''}
  <form class="inline" method="post" action="/console/logout">${csrfField(ctx)}<button class="link" type="submit">${t('ออกจากระบบ', 'Sign out')}</button></form></div>`
    : '';
  const banner =
    ctx?.mode === 'sandbox'
      ? `<div class="sandbox-banner" role="status">${t('โหมดฝึกอบรม: เอกสารที่ออกเป็นตัวอย่าง ไม่ใช่เอกสารราชการ', 'Training sandbox: documents issued here are SPECIMENS, not official documents')}</div>`
      : '';
  return `<!doctype html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(opts.title[0])} · ${esc(opts.title[1])} — ekasarn</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#content">${t('ข้ามไปยังเนื้อหา', 'Skip to content')}</a>
<header class="top"><strong>ekasarn · เอกสาร <span class="en" lang="en">Issuer console</span></strong>${who}</header>
${nav}
${banner}
<main id="content" tabindex="-1">
<h1>${t(opts.title[0], opts.title[1])}</h1>
${opts.body}
</main>
${opts.script ? '<script src="/assets/console.js" defer></script>' : ''}
</body>
</html>`;
}

export function notice(kind: 'ok' | 'warn' | 'bad', html: string): string {
  return `<div class="notice ${kind}" role="${kind === 'bad' ? 'alert' : 'status'}">${html}</div>`;
}

const STATUS_NAMES: Record<string, [string, string, 'ok' | 'warn' | 'bad' | 'info']> = {
  active: ['ใช้งานได้', 'Active', 'ok'],
  revoked: ['เพิกถอนแล้ว', 'Revoked', 'bad'],
  suspended: ['ระงับชั่วคราว', 'Suspended', 'warn'],
  superseded: ['ถูกแทนที่แล้ว', 'Superseded', 'warn'],
  expired: ['หมดอายุ', 'Expired', 'warn'],
  specimen: ['ตัวอย่าง', 'Specimen', 'info'],
  draft: ['ร่าง', 'Draft', 'info'],
  submitted: ['รออนุมัติ', 'Awaiting approval', 'warn'],
  rejected: ['ส่งกลับแก้ไข', 'Returned', 'bad'],
  issued: ['ออกแล้ว', 'Issued', 'ok'],
};

/** "ใช้งานได้ · Active" — for places that take text only (select options). */
export function statusText(status: string): string {
  const s = STATUS_NAMES[status];
  return s ? `${s[0]} · ${s[1]}` : status;
}

export function statusBadge(status: string): string {
  const s = STATUS_NAMES[status];
  return s ? `<span class="badge ${s[2]}">${t(s[0], s[1])}</span>` : `<span class="badge">${esc(status)}</span>`;
}

/** A moment as Thai officers read it: Buddhist-era date and 24-hour Bangkok time. */
export function thaiDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  return `${formatThaiDate(d)} ${hm} น.`;
}

/** A refused filter or form value shown above the page; anything but a client error is rethrown to the error page. */
export function problemNotice(e: unknown): string {
  if (!(e instanceof AppError) || e.httpStatus >= 500) throw e;
  return notice('bad', t(e.text.th, e.text.en));
}
