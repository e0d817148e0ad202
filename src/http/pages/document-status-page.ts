import { formatEnglishDate, formatThaiDate } from '../../domain/thai-date.js';
import type { PublicStatus } from '../services.js';
import { statusReasonLabel } from '../../domain/lifecycle.js';
import { esc, layout, type Lang } from './html.js';

const STATUS_TEXT: Record<string, { th: string; en: string; tone: 'ok' | 'warn' | 'bad' }> = {
  active: { th: 'เอกสารนี้ออกโดยหน่วยงานจริงและยังใช้งานได้', en: 'This document was issued by the agency and is in force', tone: 'ok' },
  expired: { th: 'เอกสารนี้หมดอายุแล้ว', en: 'This document has expired', tone: 'warn' },
  revoked: { th: 'เอกสารนี้ถูกเพิกถอนแล้ว', en: 'This document has been revoked', tone: 'bad' },
  suspended: { th: 'เอกสารนี้ถูกระงับชั่วคราว', en: 'This document is suspended', tone: 'bad' },
  superseded: { th: 'เอกสารนี้ถูกแทนที่ด้วยฉบับใหม่แล้ว', en: 'This document has been replaced by a newer one', tone: 'warn' },
};

function date(lang: Lang, iso: string): string {
  return lang === 'th' ? formatThaiDate(iso) : formatEnglishDate(iso);
}

/**
 * The page a document's QR code opens: what the registry knows about the document, without personal data (names and
 * ID numbers are only in the PDF the holder has).
 */
export function documentStatusPage(lang: Lang, s: PublicStatus, selfPath: string): string {
  const key = s.status === 'active' && s.expired ? 'expired' : s.status;
  const st = STATUS_TEXT[key] ?? { th: `สถานะ: ${key}`, en: `Status: ${key}`, tone: 'warn' as const };
  const icon = st.tone === 'ok' ? '✔' : st.tone === 'warn' ? '⚠' : '✖';
  const L = (th: string, en: string) => (lang === 'th' ? th : en);
  const body = `
<div class="card">
  <h1>${esc(L('ตรวจสอบเอกสาร', 'Document check'))}</h1>
  <div class="verdict ${st.tone}" role="status" data-status="${esc(key)}"><span aria-hidden="true">${icon}</span><span>${esc(L(st.th, st.en))}</span></div>
  <dl>
    <dt>${esc(L('ประเภทเอกสาร', 'Document type'))}</dt><dd>${esc(L(s.type.name.th, s.type.name.en))}</dd>
    <dt>${esc(L('หน่วยงานที่ออก', 'Issued by'))}</dt><dd>${esc(L(s.issuer.name.th, s.issuer.name.en))}</dd>
    <dt>${esc(L('เลขที่', 'Serial number'))}</dt><dd>${esc(s.serial)}</dd>
    <dt>${esc(L('วันที่ออก', 'Issued on'))}</dt><dd>${esc(date(lang, s.issuedAt))}</dd>
    <dt>${esc(L('ใช้ได้ถึง', 'Valid until'))}</dt><dd>${esc(s.validUntil ? date(lang, s.validUntil) : L('ไม่มีกำหนดหมดอายุ', 'No expiry'))}</dd>
    <dt>${esc(L('รหัสเอกสาร', 'Document id'))}</dt><dd><code>${esc(s.id)}</code></dd>
    ${s.statusReason ? `<dt>${esc(L('เหตุผล', 'Reason'))}</dt><dd id="status-reason">${esc(L(statusReasonLabel(s.statusReason).th, statusReasonLabel(s.statusReason).en))}</dd>` : ''}
    ${s.statusChangedAt ? `<dt>${esc(L('มีผลตั้งแต่', 'Since'))}</dt><dd>${esc(date(lang, s.statusChangedAt))}</dd>` : ''}
    ${s.successorId ? `<dt>${esc(L('ฉบับใหม่', 'New document'))}</dt><dd><a id="successor-link" href="/v/${encodeURIComponent(s.successorId)}?lang=${lang}"><code>${esc(s.successorId)}</code></a></dd>` : ''}
  </dl>
  <div class="actions"><a class="button" id="verify-copy" href="/verify?id=${encodeURIComponent(s.id)}&amp;lang=${lang}">${esc(L('ตรวจไฟล์ PDF ที่ท่านได้รับ', 'Verify your copy of the PDF'))}</a></div>
  <p class="muted">${esc(
    L(
      'หน้านี้แสดงข้อมูลจากทะเบียนของหน่วยงานเท่านั้น ไม่แสดงข้อมูลส่วนบุคคล หากท่านได้รับไฟล์ PDF ให้ตรวจสอบไฟล์ด้วยเพื่อยืนยันว่าไม่ถูกแก้ไข',
      'This page shows only what the agency registry holds — no personal data. If you received the PDF, verify the file itself to confirm it was not altered.',
    ),
  )}</p>
</div>`;
  return layout({ lang, title: L('ตรวจสอบเอกสาร', 'Document check'), body, switchHref: `${selfPath}?lang=${lang === 'th' ? 'en' : 'th'}` });
}

export function notFoundPage(lang: Lang, selfPath: string): string {
  const L = (th: string, en: string) => (lang === 'th' ? th : en);
  const body = `<div class="card"><h1>${esc(L('ไม่พบเอกสาร', 'Document not found'))}</h1>
  <div class="verdict bad" role="status" data-status="not-found"><span aria-hidden="true">✖</span><span>${esc(
    L('ไม่พบเอกสารรหัสนี้ในทะเบียน อาจเป็นเอกสารปลอมหรือรหัสไม่ถูกต้อง', 'No document with this id is in the registry: the id is wrong or the document is not genuine'),
  )}</span></div></div>`;
  return layout({ lang, title: L('ไม่พบเอกสาร', 'Document not found'), body, switchHref: `${selfPath}?lang=${lang === 'th' ? 'en' : 'th'}` });
}
