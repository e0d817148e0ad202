import { formatEnglishDate, formatThaiDate } from '../../domain/thai-date.js';
import type { LookupMatch } from '../services.js';
import { esc, layout, type Lang } from './html.js';

/** Several documents carry the same printed serial (in different agencies): the person picks the issuer. */
export function lookupPage(lang: Lang, query: string, matches: LookupMatch[]): string {
  const L = (th: string, en: string) => (lang === 'th' ? th : en);
  const date = (iso: string) => (lang === 'th' ? formatThaiDate(iso) : formatEnglishDate(iso));
  const items = matches
    .map(
      (m) => `<li><a href="/v/${encodeURIComponent(m.id)}?lang=${lang}">${esc(L(m.type.name.th, m.type.name.en))} ${esc(m.serial)}</a>
      — ${esc(L(m.issuer.name.th, m.issuer.name.en))}, ${esc(date(m.issuedAt))}</li>`,
    )
    .join('');
  const body = matches.length
    ? `<div class="card"><h1>${esc(L('ผลการค้นหา', 'Search results'))}</h1>
  <p>${esc(L(`พบเอกสารเลขที่ "${query}" หลายฉบับ โปรดเลือกตามหน่วยงานที่ออก`, `Several documents carry the number "${query}"; choose by issuing agency`))}</p>
  <ul id="matches">${items}</ul></div>`
    : `<div class="card"><h1>${esc(L('ไม่พบเอกสาร', 'Document not found'))}</h1>
  <div class="verdict bad" role="status" data-status="not-found"><span aria-hidden="true">✖</span><span>${esc(
    L(`ไม่พบเอกสารรหัสหรือเลขที่ "${query}" ในทะเบียน`, `No document with the id or number "${query}" is in the registry`),
  )}</span></div>
  <p><a href="/verify?lang=${lang}">${esc(L('กลับไปหน้าตรวจสอบ', 'Back to the verify page'))}</a></p></div>`;
  return layout({ lang, title: L('ค้นหาเอกสาร', 'Look up a document'), body, switchHref: `/lookup?q=${encodeURIComponent(query)}&lang=${lang === 'th' ? 'en' : 'th'}` });
}
