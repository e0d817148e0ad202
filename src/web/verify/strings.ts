/** Every sentence the verify page writes from script, Thai first. The server-rendered frame has its own. */
export type Lang = 'th' | 'en';

const STRINGS = {
  reading: { th: 'กำลังอ่านไฟล์…', en: 'Reading the file…' },
  verifying: { th: 'กำลังตรวจสอบในเครื่องของท่าน (ไฟล์ไม่ถูกส่งออกไป)…', en: 'Checking on your device (the file is not sent anywhere)…' },
  tooBig: { th: 'ไฟล์ใหญ่เกินไป: รับได้ไม่เกิน {max} MB (ไฟล์นี้ {size} MB)', en: 'The file is too large: at most {max} MB is accepted (this file is {size} MB)' },
  notPdf: { th: 'ไฟล์นี้ไม่ใช่ PDF', en: 'This file is not a PDF' },
  emptyFile: { th: 'ไฟล์ว่างเปล่า', en: 'The file is empty' },
  trustFailed: { th: 'โหลดรายการใบรับรองที่เชื่อถือไม่ได้ จึงตรวจไม่ได้ในขณะนี้ ({reason})', en: 'The list of trusted certificates could not be loaded, so the check cannot run now ({reason})' },
  done: { th: 'ตรวจเสร็จใน {ms} มิลลิวินาที', en: 'Checked in {ms} ms' },
  resultHeading: { th: 'ผลการตรวจสอบ', en: 'Result' },
  fileName: { th: 'ไฟล์', en: 'File' },
  issuer: { th: 'หน่วยงานที่ออก', en: 'Issued by' },
  docType: { th: 'ประเภทเอกสาร', en: 'Document type' },
  serial: { th: 'เลขที่', en: 'Serial number' },
  issuedAt: { th: 'วันที่ออก', en: 'Issued on' },
  validUntil: { th: 'ใช้ได้ถึง', en: 'Valid until' },
  noExpiry: { th: 'ไม่มีกำหนดหมดอายุ', en: 'No expiry' },
  documentId: { th: 'รหัสเอกสาร', en: 'Document id' },
  fieldsHeading: { th: 'ข้อมูลในเอกสาร', en: 'Data in the document' },
  fieldsNote: { th: 'ข้อมูลนี้อ่านจากไฟล์ในเครื่องของท่าน ไม่ได้ส่งไปที่ใด', en: 'Read from the file on your device; not sent anywhere.' },
  statusHeading: { th: 'สถานะในทะเบียนของหน่วยงาน', en: "Status in the agency's registry" },
  logRecorded: { th: 'การออกเอกสารนี้บันทึกอยู่ในบันทึกสาธารณะ ลำดับที่ {index} (จาก {size} รายการ ตรวจหลักฐานแล้ว)', en: 'Its issuance is recorded in the public log at index {index} (of {size}; proof checked)' },
  statusWord: { th: 'สถานะ', en: 'Status' },
  statusNotChecked: { th: 'ไม่ได้ตรวจสถานะกับทะเบียน', en: 'The registry status was not checked' },
  statusNotFound: { th: 'ไม่พบเอกสารนี้ในทะเบียน', en: 'This document is not in the registry' },
  statusSpecimen: { th: 'เอกสารตัวอย่างสำหรับฝึกอบรมไม่ได้บันทึกในทะเบียนและบันทึกสาธารณะ จึงไม่ได้ตรวจสถานะ', en: 'Training specimens are never recorded in the registry or the public log, so no status was checked' },
  specimenNotice: {
    th: 'ไฟล์นี้ออกจากระบบฝึกอบรม (sandbox) ของหน่วยงาน ลงนามด้วยกุญแจสำหรับฝึกอบรม และมีลายน้ำ "ตัวอย่าง / SPECIMEN" ทุกหน้า ห้ามใช้แทนเอกสารราชการ',
    en: "This file comes from an agency's training sandbox: it is signed with a training key and watermarked SPECIMEN on every page. It must not be used as an official document.",
  },
  statusUnreachable: { th: 'ติดต่อทะเบียนไม่ได้', en: 'The registry could not be reached' },
  status_active: { th: 'ใช้งานได้', en: 'In force' },
  status_revoked: { th: 'ถูกเพิกถอน', en: 'Revoked' },
  status_suspended: { th: 'ถูกระงับชั่วคราว', en: 'Suspended' },
  status_superseded: { th: 'ถูกแทนที่ด้วยฉบับใหม่', en: 'Replaced by a newer document' },
  status_expired: { th: 'หมดอายุ', en: 'Expired' },
  statusReason: { th: 'เหตุผล', en: 'Reason' },
  statusSince: { th: 'ตั้งแต่', en: 'Since' },
  successor: { th: 'ฉบับใหม่', en: 'New document' },
  technical: { th: 'รายละเอียดทางเทคนิค', en: 'Technical details' },
  signer: { th: 'ผู้ลงนาม', en: 'Signer' },
  certSerial: { th: 'หมายเลขใบรับรอง', en: 'Certificate serial' },
  certValidity: { th: 'อายุใบรับรอง', en: 'Certificate validity' },
  fingerprint: { th: 'ลายนิ้วมือ SHA-256', en: 'SHA-256 fingerprint' },
  chain: { th: 'สายใบรับรอง', en: 'Certificate chain' },
  level: { th: 'ระดับลายมือชื่อ (PAdES)', en: 'Signature level (PAdES)' },
  signingTime: { th: 'เวลาลงนาม', en: 'Signing time' },
  signingTimeProven: { th: 'พิสูจน์ด้วยตราประทับเวลา', en: 'proven by a timestamp' },
  signingTimeClaimed: { th: 'ตามที่ผู้ลงนามระบุ (ไม่มีตราประทับเวลา)', en: "as the signer claims (no timestamp)" },
  timestamps: { th: 'ตราประทับเวลา', en: 'Timestamps' },
  tsSignature: { th: 'ของลายมือชื่อ', en: 'signature timestamp' },
  tsDocument: { th: 'ของเอกสาร', en: 'document timestamp' },
  tsVerified: { th: 'ยืนยันแล้ว', en: 'verified' },
  tsNotVerified: { th: 'ยืนยันไม่ได้', en: 'not verified' },
  checks: { th: 'รายการที่ตรวจ', en: 'Checks' },
  check_passed: { th: 'ผ่าน', en: 'passed' },
  check_failed: { th: 'ไม่ผ่าน', en: 'failed' },
  check_warning: { th: 'ข้อสังเกต', en: 'warning' },
  check_skipped: { th: 'ไม่ได้ตรวจ', en: 'not checked' },
  check_info: { th: 'ข้อมูล', en: 'info' },
  expectedOther: { th: 'ไฟล์นี้เป็นเอกสารรหัส {actual} ไม่ใช่ {expected} ที่ท่านเปิดมาจากหน้าสถานะ', en: 'This file is document {actual}, not {expected} which you came from' },
  pdfDigest: { th: 'ค่าแฮช SHA-256 ของไฟล์', en: 'SHA-256 of the file' },
  scanStarting: { th: 'กำลังเปิดกล้อง… หันกล้องไปที่ QR code บนเอกสาร', en: 'Opening the camera… point it at the QR code on the document' },
  scanNoCamera: { th: 'เปิดกล้องไม่ได้ ({reason}) ลองเลือกรูปภาพ QR หรือพิมพ์รหัสเอกสารแทน', en: 'The camera could not be opened ({reason}). Choose a picture of the QR code or type the document id instead.' },
  scanFound: { th: 'พบ QR code: กำลังเปิดหน้าสถานะเอกสาร…', en: 'QR code found: opening the document status page…' },
  scanForeign: { th: 'QR code นี้ชี้ไปที่เว็บไซต์อื่น ({url}) ไม่ใช่ระบบนี้ โปรดระวัง', en: 'This QR code points to another site ({url}), not this service. Be careful.' },
  scanNotDocument: { th: 'QR code นี้ไม่ใช่ของเอกสารจากระบบนี้', en: 'This QR code is not from a document of this service' },
  scanNothing: { th: 'ไม่พบ QR code ในรูปภาพนี้', en: 'No QR code was found in this picture' },
  scanStopped: { th: 'ปิดกล้องแล้ว', en: 'Camera closed' },
} as const satisfies Record<string, { th: string; en: string }>;

export type StringKey = keyof typeof STRINGS;

export function pageLang(): Lang {
  return document.documentElement.lang === 'en' ? 'en' : 'th';
}

/** The sentence in the page's language, with {name} placeholders filled (values are text, never markup). */
export function say(key: StringKey, vars: Record<string, string | number> = {}, lang: Lang = pageLang()): string {
  return STRINGS[key][lang].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? ''));
}
