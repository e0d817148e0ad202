import { esc, layout, type Lang } from './html.js';

/**
 * The public verify page. Everything works from the keyboard: the file chooser is a real <input type=file> with a
 * label (the drop zone only adds drag and drop), the QR and look-up controls are buttons and a form, and the result
 * takes focus when it appears (it is not also a live region, so screen readers read it once). Without JavaScript the
 * look-up form still works.
 */
export function verifyPage(lang: Lang, opts: { expectedId?: string; scriptUrl: string }): string {
  const L = (th: string, en: string) => (lang === 'th' ? th : en);
  const expected = opts.expectedId
    ? `<p class="notice warn" id="expect">${esc(L('ตรวจไฟล์ของเอกสารรหัส', 'Checking your copy of document'))} <code>${esc(opts.expectedId)}</code></p>`
    : '';
  const body = `
<div class="card">
  <h1>${esc(L('ตรวจสอบเอกสารดิจิทัล', 'Verify a digital document'))}</h1>
  <p>${esc(
    L(
      'ตรวจว่าเอกสาร PDF ออกโดยหน่วยงานจริง ไม่ถูกแก้ไข และยังใช้ได้ การตรวจทำในเครื่องของท่าน ไฟล์ไม่ถูกส่งออกไป มีเพียงรหัสเอกสารและค่าแฮชที่ส่งไปถามสถานะกับทะเบียน',
      'Check that a PDF document was issued by the agency, has not been changed, and is still in force. The check runs on your device: the file is not sent anywhere — only the document id and a digest go to the registry to ask for its status.',
    ),
  )}</p>
  ${expected}
  <section aria-labelledby="file-heading">
    <h2 id="file-heading">${esc(L('ตรวจไฟล์ PDF', 'Check a PDF file'))}</h2>
    <div id="drop" class="drop">
      <label for="file">${esc(L('เลือกไฟล์ PDF หรือลากไฟล์มาวางที่นี่', 'Choose a PDF file, or drop it here'))}</label>
      <input type="file" id="file" name="file" accept="application/pdf,.pdf" aria-describedby="file-hint">
      <p class="muted" id="file-hint">${esc(L('ขนาดไม่เกิน 20 MB', 'Up to 20 MB'))}</p>
    </div>
    <p id="progress" role="status" aria-live="polite"></p>
  </section>
  <section id="result" hidden></section>
  <section aria-labelledby="qr-heading">
    <h2 id="qr-heading">${esc(L('สแกน QR code หรือค้นหาด้วยเลขเอกสาร', 'Scan the QR code or look up a document'))}</h2>
    <p>${esc(L('QR code บนเอกสารพาไปยังหน้าสถานะของเอกสารในทะเบียน (ไม่แสดงข้อมูลส่วนบุคคล)', "The QR code on a document opens its status page in the registry (no personal data)."))}</p>
    <div class="actions">
      <button type="button" class="button" id="scan">${esc(L('สแกน QR ด้วยกล้อง', 'Scan the QR code with the camera'))}</button>
      <button type="button" class="button secondary" id="stop-scan" hidden>${esc(L('ปิดกล้อง', 'Close the camera'))}</button>
    </div>
    <video id="camera" hidden playsinline muted aria-label="${esc(L('ภาพจากกล้อง', 'Camera view'))}"></video>
    <p><label for="qr-image">${esc(L('หรือเลือกรูปภาพที่มี QR code', 'Or choose a picture of the QR code'))}</label><br>
      <input type="file" id="qr-image" accept="image/*"></p>
    <p id="qr-status" role="status" aria-live="polite"></p>
    <form action="/lookup" method="get" role="search">
      <input type="hidden" name="lang" value="${lang}">
      <label for="q">${esc(L('รหัสเอกสาร หรือเลขที่ที่พิมพ์บนเอกสาร', 'Document id, or the serial number printed on it'))}</label><br>
      <input type="search" id="q" name="q" required maxlength="100" autocomplete="off">
      <button type="submit" class="button">${esc(L('ค้นหา', 'Look up'))}</button>
    </form>
  </section>
  <noscript><p class="notice warn">${esc(L('การตรวจไฟล์ต้องเปิด JavaScript ส่วนการค้นหาด้วยเลขเอกสารใช้ได้เสมอ', 'Checking a file needs JavaScript; looking up a document works without it.'))}</p></noscript>
</div>`;
  const self = `/verify${opts.expectedId ? `?id=${encodeURIComponent(opts.expectedId)}&` : '?'}lang=${lang === 'th' ? 'en' : 'th'}`;
  return layout({ lang, title: L('ตรวจสอบเอกสารดิจิทัล', 'Verify a digital document'), body, switchHref: self, script: opts.scriptUrl });
}
