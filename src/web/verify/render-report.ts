import type { Check, SignatureReport, TimestampReport, Verdict, VerificationReport } from '../../verify/index.js';
import { showDate, showDateTime } from './dates.js';
import { statusReasonLabel } from '../../domain/lifecycle.js';
import { say, type Lang } from './strings.js';
import type { TypeLabels } from './registry-client.js';

/**
 * Builds the result from a report with DOM nodes and textContent only: nothing from the file is ever parsed as
 * markup, so a hostile PDF cannot inject script or HTML into the page.
 */

const VERDICT_WORDS: Record<Verdict, { th: string; en: string; tone: 'ok' | 'warn' | 'bad'; icon: string }> = {
  VALID: { th: 'ถูกต้อง', en: 'Genuine', tone: 'ok', icon: '✔' },
  TAMPERED: { th: 'ถูกแก้ไข', en: 'Tampered', tone: 'bad', icon: '✖' },
  UNTRUSTED: { th: 'ไม่น่าเชื่อถือ', en: 'Untrusted', tone: 'bad', icon: '✖' },
  REVOKED: { th: 'ถูกเพิกถอน', en: 'Revoked', tone: 'bad', icon: '✖' },
  SUSPENDED: { th: 'ถูกระงับ', en: 'Suspended', tone: 'warn', icon: '⚠' },
  SUPERSEDED: { th: 'มีฉบับใหม่แทนแล้ว', en: 'Superseded', tone: 'warn', icon: '⚠' },
  EXPIRED: { th: 'หมดอายุ', en: 'Expired', tone: 'warn', icon: '⚠' },
  NOT_SIGNED: { th: 'ไม่มีลายมือชื่อ', en: 'Not signed', tone: 'bad', icon: '✖' },
  MALFORMED: { th: 'ไฟล์เสียหาย', en: 'Damaged file', tone: 'bad', icon: '✖' },
  INDETERMINATE: { th: 'ยังยืนยันไม่ได้', en: 'Cannot be confirmed', tone: 'warn', icon: '?' },
  // Warning colours, never green: a specimen is intact but worthless as an official document.
  SPECIMEN: { th: 'เอกสารตัวอย่าง (ฝึกอบรม)', en: 'Training specimen', tone: 'warn', icon: '⚠' },
};

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function definitionList(rows: [string, Child][]): HTMLDListElement {
  const dl = el('dl');
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === false || value === '') continue;
    dl.append(el('dt', {}, term), el('dd', {}, value));
  }
  return dl;
}

const pick = (text: unknown, lang: Lang): string => {
  const t = text as { th?: string; en?: string } | undefined;
  return (lang === 'th' ? t?.th : t?.en) ?? t?.th ?? '';
};

function fieldValue(value: unknown, lang: Lang): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return showDate(value, lang);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function verdictBox(report: VerificationReport, lang: Lang): HTMLElement {
  const words = VERDICT_WORDS[report.verdict];
  // The extra class lets the page style a specimen apart from the other warnings (e.g. a striped border).
  const extra = report.verdict === 'SPECIMEN' ? ' specimen' : '';
  return el(
    'div',
    { class: `verdict big ${words.tone}${extra}`, id: 'verdict', 'data-verdict': report.verdict, role: 'status' },
    el('span', { class: 'icon', 'aria-hidden': 'true' }, words.icon),
    el('span', {}, el('strong', { class: 'verdict-word' }, words[lang]), el('span', { class: 'verdict-summary' }, pick(report.summary, lang))),
  );
}

function documentSection(doc: Record<string, unknown>, lang: Lang, fileName: string, linkId = true): HTMLElement {
  const type = doc.type as { name?: unknown } | undefined;
  const issuer = doc.issuer as { name?: unknown } | undefined;
  const id = typeof doc.id === 'string' ? doc.id : '';
  const validUntil = typeof doc.validUntil === 'string' ? showDate(doc.validUntil, lang) : say('noExpiry', {}, lang);
  return definitionList([
    [say('fileName', {}, lang), fileName],
    [say('issuer', {}, lang), pick(issuer?.name, lang)],
    [say('docType', {}, lang), pick(type?.name, lang)],
    [say('serial', {}, lang), typeof doc.serial === 'string' ? doc.serial : ''],
    [say('issuedAt', {}, lang), typeof doc.issuedAt === 'string' ? showDate(doc.issuedAt, lang) : ''],
    [say('validUntil', {}, lang), validUntil],
    [say('documentId', {}, lang), id ? (linkId ? el('a', { href: `/v/${encodeURIComponent(id)}?lang=${lang}` }, el('code', {}, id)) : el('code', {}, id)) : ''],
  ]);
}

function fieldsSection(fields: Record<string, unknown>, labels: TypeLabels | null, lang: Lang): HTMLElement {
  const table = el('table', { class: 'fields' });
  table.append(el('caption', {}, say('fieldsHeading', {}, lang)));
  const body = el('tbody');
  // The type's own field order (as on paper), then anything the type does not list.
  const known = labels ? Object.keys(labels.fields).filter((k) => k in fields) : [];
  const keys = [...known, ...Object.keys(fields).filter((k) => !known.includes(k))];
  for (const key of keys) {
    const value = fields[key];
    const label = labels?.fields[key];
    body.append(el('tr', {}, el('th', { scope: 'row' }, label ? pick(label, lang) : key), el('td', {}, fieldValue(value, lang))));
  }
  table.append(body);
  return el('section', { 'aria-label': say('fieldsHeading', {}, lang) }, table, el('p', { class: 'muted' }, say('fieldsNote', {}, lang)));
}

function statusSection(status: Record<string, unknown> | undefined, lang: Lang): HTMLElement {
  const box = el('section', { class: 'status', id: 'registry-status' }, el('h3', {}, say('statusHeading', {}, lang)));
  if (status?.specimen === true) {
    box.append(el('p', {}, say('statusSpecimen', {}, lang)));
    box.dataset.status = 'specimen';
    return box;
  }
  if (!status || status.checked !== true) {
    box.append(el('p', {}, status?.error === 'unreachable' ? say('statusUnreachable', {}, lang) : say('statusNotChecked', {}, lang)));
    box.dataset.status = 'not-checked';
    return box;
  }
  if (status.found !== true) {
    box.append(el('p', {}, say('statusNotFound', {}, lang)));
    box.dataset.status = 'not-found';
    return box;
  }
  const st = String(status.status ?? 'active');
  box.dataset.status = st;
  const key = `status_${st}` as Parameters<typeof say>[0];
  let label: string;
  try {
    label = say(key, {}, lang);
  } catch {
    label = st;
  }
  const successor = typeof status.successorId === 'string' ? status.successorId : '';
  box.append(
    definitionList([
      [say('statusWord', {}, lang), el('strong', {}, label || st)],
      [say('statusReason', {}, lang), typeof status.reason === 'string' ? statusReasonLabel(status.reason)[lang] : ''],
      [say('statusSince', {}, lang), typeof status.changedAt === 'string' ? showDateTime(status.changedAt, lang) : ''],
      [say('successor', {}, lang), successor ? el('a', { href: `/v/${encodeURIComponent(successor)}?lang=${lang}`, id: 'successor-link' }, successor) : ''],
    ]),
  );
  return box;
}

function checkList(checks: readonly Check[], lang: Lang): HTMLElement {
  const ul = el('ul', { class: 'checks' });
  for (const c of checks) {
    const mark = c.status === 'passed' ? '✔' : c.status === 'failed' ? '✖' : c.status === 'warning' ? '⚠' : '–';
    ul.append(
      el(
        'li',
        { class: `check ${c.status}`, 'data-check': c.id, 'data-check-status': c.status },
        el('span', { 'aria-hidden': 'true' }, `${mark} `),
        el('span', { class: 'visually-hidden' }, `${say(`check_${c.status}`, {}, lang)}: `),
        pick(c.message, lang),
        c.detail ? el('small', { class: 'detail' }, ` — ${c.detail}`) : null,
        el('code', { class: 'check-id' }, c.id),
      ),
    );
  }
  return ul;
}

function timestampItems(list: readonly TimestampReport[], lang: Lang): HTMLElement {
  const ul = el('ul');
  for (const t of list) {
    ul.append(
      el(
        'li',
        {},
        `${t.time ? showDateTime(t.time, lang) : '?'} — ${say(t.kind === 'document' ? 'tsDocument' : 'tsSignature', {}, lang)}`,
        t.authority ? `, ${t.authority}` : '',
        ` (${say(t.verified ? 'tsVerified' : 'tsNotVerified', {}, lang)})`,
      ),
    );
  }
  return ul;
}

function signatureDetails(s: SignatureReport, lang: Lang): HTMLElement {
  const signer = s.signer;
  const rows: [string, Child][] = [
    [say('signer', {}, lang), signer ? signer.subject : ''],
    [say('certSerial', {}, lang), signer ? el('code', {}, signer.serialHex) : ''],
    [say('certValidity', {}, lang), signer ? `${showDate(signer.notBefore, lang)} – ${showDate(signer.notAfter, lang)}` : ''],
    [say('fingerprint', {}, lang), signer ? el('code', { class: 'wrap' }, signer.sha256) : ''],
    [say('chain', {}, lang), s.chain.length ? el('ol', {}, ...s.chain.map((c) => el('li', {}, c))) : ''],
    [say('level', {}, lang), s.level ?? ''],
    [
      say('signingTime', {}, lang),
      s.signingTime
        ? `${showDateTime(s.signingTime.value, lang)} (${say(s.signingTime.source === 'timestamp' ? 'signingTimeProven' : 'signingTimeClaimed', {}, lang)})`
        : '',
    ],
  ];
  return el('div', { class: 'signature' }, el('h4', {}, s.fieldName ?? say('signer', {}, lang)), definitionList(rows), checkList(s.checks, lang));
}

function technicalSection(report: VerificationReport, lang: Lang): HTMLElement {
  const details = el('details', { id: 'technical' }, el('summary', {}, say('technical', {}, lang)));
  const doc = report.document;
  details.append(
    definitionList([
      [say('level', {}, lang), report.level ?? ''],
      [say('pdfDigest', {}, lang), typeof doc?.pdfSha256 === 'string' ? el('code', { class: 'wrap' }, doc.pdfSha256) : ''],
      [say('timestamps', {}, lang), report.timestamps?.length ? timestampItems(report.timestamps, lang) : ''],
    ]),
  );
  for (const s of report.signatures) details.append(signatureDetails(s, lang));
  details.append(el('h4', {}, say('checks', {}, lang)), checkList(report.checks, lang));
  return details;
}

/** The whole result: verdict, the document as issued, its data, its registry status, then technical detail. */
export function renderReport(report: VerificationReport, opts: { lang: Lang; fileName: string; labels: TypeLabels | null; elapsedMs: number; expectedId?: string }): HTMLElement {
  const { lang } = opts;
  const root = el('div', { class: 'report' });
  root.append(el('h2', { id: 'result-heading', tabindex: '-1' }, say('resultHeading', {}, lang)), verdictBox(report, lang));
  if (report.verdict === 'SPECIMEN') root.append(el('p', { class: 'notice warn', id: 'specimen-notice', role: 'note' }, say('specimenNotice', {}, lang)));
  const doc = report.document;
  const actualId = typeof doc?.id === 'string' ? doc.id : undefined;
  if (opts.expectedId && actualId && opts.expectedId !== actualId) {
    root.append(el('p', { class: 'notice warn', id: 'id-mismatch', role: 'alert' }, say('expectedOther', { actual: actualId, expected: opts.expectedId }, lang)));
  }
  if (doc) {
    // A specimen has no status page (the registry never heard of it): its id is shown, not linked.
    root.append(documentSection(doc, lang, opts.fileName, report.verdict !== 'SPECIMEN'));
    if (report.log) {
      root.append(el('p', { class: 'muted', id: 'log-record', 'data-log-index': String(report.log.index) }, say('logRecorded', { index: report.log.index, size: report.log.treeSize }, lang)));
    }
    if (doc.fields && typeof doc.fields === 'object') root.append(fieldsSection(doc.fields as Record<string, unknown>, opts.labels, lang));
  } else root.append(definitionList([[say('fileName', {}, lang), opts.fileName]]));
  root.append(statusSection(report.status, lang), technicalSection(report, lang));
  root.append(el('p', { class: 'muted', id: 'elapsed', 'data-ms': String(Math.round(opts.elapsedMs)) }, say('done', { ms: Math.round(opts.elapsedMs) }, lang)));
  return root;
}
