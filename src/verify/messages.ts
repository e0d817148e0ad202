// Citizen-facing sentences, Thai first. Short and plain: a person at a counter must understand them.
// Technical precision lives in Check.detail, not here.
import { TST_CHECK_MESSAGES } from '../timestamp/messages.js';
import { formatEnglishDate, formatThaiDate } from '../domain/thai-date.js';
import { revocationCheck, type RevocationCheckId } from '../revocation/check/revocation-messages.js';

export interface LocalizedText {
  th: string;
  en: string;
}

export interface CheckTexts {
  title: LocalizedText;
  passed: LocalizedText;
  failed: LocalizedText;
  warning?: LocalizedText;
}

const t = (th: string, en: string): LocalizedText => ({ th, en });

/** The revocation module words its own sentences per status; here they get a title so makeCheck knows them too. */
function revocationTexts(id: RevocationCheckId, title: LocalizedText): CheckTexts {
  const m = (status: 'passed' | 'failed' | 'warning') => revocationCheck(id, status).message;
  return { title, passed: m('passed'), failed: m('failed'), warning: m('warning') };
}

export const CHECK_MESSAGES = {
  'cms.parse': {
    title: t('โครงสร้างลายมือชื่อ', 'Signature structure'),
    passed: t('อ่านลายมือชื่ออิเล็กทรอนิกส์ได้ครบถ้วน', 'The digital signature could be read.'),
    failed: t('ลายมือชื่ออิเล็กทรอนิกส์เสียหายหรือมีรูปแบบไม่ถูกต้อง', 'The digital signature is damaged or not in a valid format.'),
  },
  'cms.signer-count': {
    title: t('จำนวนผู้ลงนาม', 'Number of signers'),
    passed: t('ลายมือชื่อนี้มีผู้ลงนามหนึ่งรายตามที่กำหนด', 'The signature has exactly one signer, as required.'),
    failed: t('ลายมือชื่อนี้ต้องมีผู้ลงนามหนึ่งรายพอดี แต่ไม่เป็นเช่นนั้น', 'The signature must have exactly one signer, but it does not.'),
  },
  'cms.detached': {
    title: t('ลายมือชื่อแยกจากเนื้อหา', 'Detached signature'),
    passed: t('ลายมือชื่อแยกจากเนื้อหาเอกสาร ตามมาตรฐาน PAdES', 'The signature is separate from the content, as PAdES requires.'),
    failed: t('ลายมือชื่อบรรจุเนื้อหาไว้ในตัวเอง ซึ่งไม่ใช่รูปแบบที่ใช้กับ PDF', 'The signature carries its own content, which is not the form used in PDF.'),
  },
  'cms.digest-algorithm': {
    title: t('วิธีคำนวณค่าแฮช', 'Hash algorithm'),
    passed: t('ใช้วิธีคำนวณค่าแฮชที่ปลอดภัย', 'A secure hash algorithm was used.'),
    failed: t('ใช้วิธีคำนวณค่าแฮชที่ล้าสมัยหรือไม่ปลอดภัย จึงเชื่อถือลายมือชื่อนี้ไม่ได้', 'An outdated or unsafe hash algorithm was used, so the signature cannot be relied on.'),
  },
  'cms.signature-algorithm': {
    title: t('วิธีการลงนาม', 'Signature algorithm'),
    passed: t('ใช้วิธีการลงนามที่รองรับและปลอดภัย', 'A supported and secure signature algorithm was used.'),
    failed: t('ใช้วิธีการลงนามที่ไม่รองรับหรือไม่ปลอดภัย', 'The signature algorithm is not supported or not secure.'),
  },
  'cms.signed-attributes': {
    title: t('ข้อมูลกำกับที่ลงนาม', 'Signed attributes'),
    passed: t('ข้อมูลกำกับที่ลงนามไว้ครบถ้วน', 'The signed attributes are complete.'),
    failed: t('ข้อมูลกำกับที่ต้องลงนามไว้ขาดหายหรือไม่ถูกต้อง', 'Required signed attributes are missing or invalid.'),
  },
  'cms.message-digest': {
    title: t('ความครบถ้วนของเนื้อหา', 'Content integrity'),
    passed: t('เนื้อหาเอกสารตรงกับที่ลงนามไว้ ไม่ถูกแก้ไข', 'The document content matches what was signed: it has not been changed.'),
    failed: t('เนื้อหาเอกสารไม่ตรงกับที่ลงนามไว้ เอกสารถูกแก้ไขหลังลงนาม', 'The document content does not match what was signed: it was changed after signing.'),
  },
  'cms.signer-certificate': {
    title: t('ใบรับรองของผู้ลงนาม', 'Signer certificate'),
    passed: t('พบใบรับรองของผู้ลงนามในลายมือชื่อ', "The signer's certificate was found in the signature."),
    failed: t('ไม่พบใบรับรองของผู้ลงนาม จึงตรวจลายมือชื่อไม่ได้', "The signer's certificate is missing, so the signature cannot be checked."),
  },
  'cms.signature': {
    title: t('ลายมือชื่ออิเล็กทรอนิกส์', 'Digital signature'),
    passed: t('ลายมือชื่ออิเล็กทรอนิกส์ถูกต้อง ตรงกับกุญแจของผู้ลงนาม', "The digital signature is correct and matches the signer's key."),
    failed: t('ลายมือชื่ออิเล็กทรอนิกส์ไม่ถูกต้อง อาจถูกปลอมหรือถูกแก้ไข', 'The digital signature is not correct: it may have been forged or altered.'),
  },
  'pades.signing-certificate-v2': {
    title: t('การระบุใบรับรองในลายมือชื่อ (PAdES)', 'Signer certificate named in the signature (PAdES)'),
    passed: t('ลายมือชื่อระบุใบรับรองของผู้ลงนามไว้ ตามมาตรฐาน PAdES', "The signature names the signer's certificate, as PAdES requires."),
    failed: t('ลายมือชื่อไม่ได้ระบุใบรับรองของผู้ลงนามไว้ ตามที่มาตรฐาน PAdES กำหนด', "The signature does not name the signer's certificate, which PAdES requires."),
  },
  'cms.signing-certificate': {
    title: t('ใบรับรองที่แนบตรงกับที่ลงนาม', 'Attached certificate matches the signed one'),
    passed: t('ใบรับรองที่แนบมาเป็นใบเดียวกับที่ผู้ลงนามระบุไว้', 'The attached certificate is the one the signer named.'),
    failed: t('ใบรับรองที่แนบมาไม่ใช่ใบที่ผู้ลงนามระบุไว้ อาจถูกสับเปลี่ยน', 'The attached certificate is not the one the signer named: it may have been swapped.'),
  },
  'pades.no-signing-time': {
    title: t('เวลาลงนามภายในลายมือชื่อ', 'Signing time inside the signature'),
    passed: t('ไม่มีเวลาลงนามซ้ำซ้อนภายในลายมือชื่อ ตามมาตรฐาน PAdES', 'There is no duplicate signing time inside the signature, as PAdES prescribes.'),
    failed: t('ลายมือชื่อมีเวลาลงนามฝังไว้ ซึ่งมาตรฐาน PAdES ไม่ให้ใช้', 'The signature embeds a signing time, which PAdES does not allow.'),
    warning: t('ลายมือชื่อมีเวลาลงนามฝังไว้ ซึ่งมาตรฐาน PAdES ไม่แนะนำ (ไม่กระทบความถูกต้อง)', 'The signature embeds a signing time, which PAdES advises against (validity is not affected).'),
  },
  'chain.trusted': {
    title: t('ผู้ออกใบรับรองที่เชื่อถือได้', 'Trusted issuer'),
    passed: t('ใบรับรองของผู้ลงนามออกโดยผู้ให้บริการออกใบรับรองที่เชื่อถือได้', "The signer's certificate was issued by a trusted certification authority."),
    failed: t('ใบรับรองของผู้ลงนามไม่ได้ออกโดยผู้ให้บริการออกใบรับรองที่เชื่อถือได้', "The signer's certificate was not issued by a trusted certification authority."),
  },
  'chain.ca-constraints': {
    title: t('สิทธิ์ของผู้ออกใบรับรอง', 'Issuer authority'),
    passed: t('ผู้ออกใบรับรองทุกรายในสายมีสิทธิ์ออกใบรับรอง', 'Every issuer in the chain is allowed to issue certificates.'),
    failed: t('มีผู้ออกใบรับรองในสายที่ไม่มีสิทธิ์ออกใบรับรอง', 'An issuer in the chain is not allowed to issue certificates.'),
  },
  'chain.signer-key-usage': {
    title: t('การใช้งานกุญแจของผู้ลงนาม', 'Signer key usage'),
    passed: t('ใบรับรองของผู้ลงนามอนุญาตให้ใช้ลงนามเอกสาร', "The signer's certificate allows signing documents."),
    failed: t('ใบรับรองของผู้ลงนามไม่อนุญาตให้ใช้ลงนามเอกสาร', "The signer's certificate does not allow signing documents."),
  },
  'chain.critical-extensions': {
    title: t('ข้อกำหนดสำคัญในใบรับรอง', 'Critical certificate extensions'),
    passed: t('ใบรับรองทุกใบไม่มีข้อกำหนดสำคัญที่ระบบไม่รู้จัก', 'No certificate has a critical extension this verifier does not understand.'),
    failed: t('มีใบรับรองที่มีข้อกำหนดสำคัญซึ่งระบบไม่รู้จัก จึงยอมรับไม่ได้', 'A certificate has a critical extension this verifier does not understand, so it cannot be accepted.'),
  },
  'chain.validity': {
    title: t('อายุใบรับรอง', 'Certificate validity period'),
    passed: t('ใบรับรองทุกใบในสายยังอยู่ในอายุใช้งาน ณ เวลาที่ตรวจ', 'Every certificate in the chain was within its validity period at the time checked.'),
    failed: t('มีใบรับรองในสายที่หมดอายุหรือยังไม่เริ่มใช้ ณ เวลาที่ตรวจ', 'A certificate in the chain had expired or was not yet valid at the time checked.'),
  },
  'chain.signer-eku': {
    title: t('วัตถุประสงค์ของใบรับรองผู้ลงนาม', 'Purpose of the signer certificate'),
    passed: t('ใบรับรองของผู้ลงนามใช้ลงนามเอกสารได้ตามวัตถุประสงค์', "The signer's certificate is meant for signing documents."),
    failed: t('ใบรับรองของผู้ลงนามไม่ได้มีไว้สำหรับลงนามเอกสาร', "The signer's certificate is not meant for signing documents."),
    warning: t('ใบรับรองของผู้ลงนามไม่ได้ระบุการลงนามเอกสารไว้ในวัตถุประสงค์', "The signer's certificate does not list document signing among its purposes."),
  },
  'pdf.size': {
    title: t('ขนาดไฟล์', 'File size'),
    passed: t('ขนาดไฟล์อยู่ในเกณฑ์ที่ตรวจได้', 'The file size is within the limit.'),
    failed: t('ไฟล์มีขนาดใหญ่เกินกว่าที่ระบบตรวจได้', 'The file is larger than the verifier accepts.'),
  },
  'pdf.structure': {
    title: t('โครงสร้างไฟล์ PDF', 'PDF structure'),
    passed: t('อ่านไฟล์ PDF ได้ถูกต้อง', 'The PDF file could be read.'),
    failed: t('ไฟล์นี้ไม่ใช่ PDF หรือไฟล์เสียหาย', 'This file is not a PDF or is damaged.'),
  },
  'pdf.signatures': {
    title: t('ลายมือชื่ออิเล็กทรอนิกส์ในไฟล์', 'Signatures in the file'),
    passed: t('พบลายมือชื่ออิเล็กทรอนิกส์ในไฟล์', 'The file carries a digital signature.'),
    failed: t('ไฟล์นี้ไม่มีลายมือชื่ออิเล็กทรอนิกส์ จึงยืนยันความถูกต้องไม่ได้', 'This file has no digital signature, so it cannot be confirmed as genuine.'),
  },
  'pdf.byte-range': {
    title: t('ขอบเขตของส่วนที่ลงนาม', 'Signed byte range'),
    passed: t('ลายมือชื่อครอบคลุมเนื้อหาของไฟล์ถูกต้อง', 'The signature covers the file content correctly.'),
    failed: t('ขอบเขตของส่วนที่ลงนามผิดปกติ อาจมีการดัดแปลงไฟล์', 'The signed range of the file is irregular: the file may have been manipulated.'),
  },
  'pdf.contents': {
    title: t('ค่าลายมือชื่อในไฟล์', 'Signature value in the file'),
    passed: t('ค่าลายมือชื่อในไฟล์อยู่ในรูปแบบที่ถูกต้อง', 'The signature value in the file is well formed.'),
    failed: t('ค่าลายมือชื่อในไฟล์ว่างเปล่าหรือผิดรูปแบบ', 'The signature value in the file is empty or malformed.'),
  },
  'pdf.sub-filter': {
    title: t('รูปแบบลายมือชื่อ', 'Signature format'),
    passed: t('ลายมือชื่อเป็นรูปแบบ PAdES ตามมาตรฐาน', 'The signature uses the PAdES format.'),
    failed: t('ลายมือชื่อใช้รูปแบบที่ไม่รองรับ', 'The signature uses an unsupported format.'),
    warning: t('ลายมือชื่อใช้รูปแบบเก่า (ไม่ใช่ PAdES)', 'The signature uses an older, non-PAdES format.'),
  },
  'pdf.coverage': {
    title: t('การแก้ไขหลังลงนาม', 'Changes after signing'),
    passed: t('ไม่มีการเพิ่มหรือแก้ไขเนื้อหาหลังลงนาม', 'Nothing was added or changed after signing.'),
    failed: t('มีการเพิ่มหรือแก้ไขเนื้อหาในไฟล์หลังลงนาม', 'Content was added to or changed in the file after it was signed.'),
  },
  'document.embedded-data': {
    title: t('ข้อมูลเอกสารที่ฝังในไฟล์', 'Embedded document data'),
    passed: t('พบข้อมูลเอกสาร (data.json) ที่ฝังในไฟล์และอ่านได้', 'The embedded document data (data.json) was found and read.'),
    failed: t('ไม่พบข้อมูลเอกสารที่ฝังไว้ หรือข้อมูลผิดรูปแบบ จึงไม่ใช่เอกสารในรูปแบบมาตรฐาน', 'The embedded document data is missing or malformed: this is not a document in the standard form.'),
  },
  'document.expired': {
    title: t('อายุของเอกสาร', 'Document validity period'),
    passed: t('เอกสารยังอยู่ในช่วงเวลาที่ใช้ได้', 'The document is within its validity period.'),
    failed: t('เอกสารนี้หมดอายุแล้ว', 'This document has expired.'),
  },
  'document.specimen': {
    title: t('เอกสารตัวอย่างสำหรับฝึกอบรม', 'Training specimen'),
    passed: t('เอกสารนี้ไม่ใช่เอกสารตัวอย่างสำหรับฝึกอบรม', 'This document is not a training specimen.'),
    failed: t('เอกสารนี้เป็นตัวอย่างที่ออกจากระบบฝึกอบรมของหน่วยงาน ไม่ใช่เอกสารราชการ ใช้อ้างอิงไม่ได้', "This document was made in an agency's training sandbox: it is not an official document and cannot be relied on."),
    warning: t('ไฟล์นี้ระบุว่าเป็นเอกสารตัวอย่างสำหรับฝึกอบรม ไม่ใช่เอกสารราชการ', 'This file says it is a training specimen, not an official document.'),
  },
  'status.registry': {
    title: t('สถานะในทะเบียนของหน่วยงาน', "Status in the agency's registry"),
    passed: t('ทะเบียนของหน่วยงานยืนยันว่าออกเอกสารฉบับนี้จริง', "The agency's registry confirms it issued this document."),
    failed: t('ไฟล์นี้ไม่ตรงกับฉบับที่บันทึกในทะเบียนของหน่วยงาน', "This file does not match the copy recorded in the agency's registry."),
    warning: t('ไม่พบเอกสารนี้ในทะเบียนที่ตรวจ หรือติดต่อทะเบียนไม่ได้', 'This document was not found in the registry consulted, or the registry could not be reached.'),
  },
  'status.embedded-data': {
    title: t('ข้อมูลในไฟล์เทียบกับทะเบียน', 'Embedded data against the registry'),
    passed: t('ข้อมูลที่ฝังในไฟล์ตรงกับที่บันทึกในทะเบียนของหน่วยงาน', "The data embedded in the file matches the agency's registry."),
    failed: t('ข้อมูลที่ฝังในไฟล์ไม่ตรงกับที่บันทึกในทะเบียนของหน่วยงาน', "The data embedded in the file differs from the agency's registry."),
  },
  'status.list': {
    title: t('รายการสถานะเอกสารของหน่วยงาน', "The agency's status list"),
    passed: t('รายการสถานะที่หน่วยงานลงนามแสดงว่าเอกสารนี้ยังใช้งานได้', "The agency's signed status list shows this document is in force."),
    failed: t('รายการสถานะที่หน่วยงานลงนามแสดงว่าเอกสารนี้ถูกเพิกถอน ระงับ หรือแทนที่แล้ว หรือรายการนั้นเชื่อถือไม่ได้', "The agency's signed status list shows this document revoked, suspended or replaced — or the list cannot be trusted."),
    warning: t('ยังตรวจรายการสถานะของหน่วยงานไม่ได้ในขณะนี้', "The agency's status list could not be checked right now."),
  },
  'log.inclusion': {
    title: t('บันทึกสาธารณะ (transparency log)', 'Public transparency log'),
    passed: t('การออกเอกสารนี้ถูกบันทึกไว้ในบันทึกสาธารณะที่ใครก็ตรวจสอบได้', 'The issuance of this document is recorded in the public log that anyone can audit.'),
    failed: t('หลักฐานจากบันทึกสาธารณะไม่ถูกต้องหรือไม่ตรงกับเอกสาร', 'The public log’s proof is invalid or does not match the document.'),
    warning: t('ยังไม่พบการบันทึกเอกสารนี้ในบันทึกสาธารณะ', 'This document was not found in the public log (yet).'),
  },
  'issuer.entitled': {
    title: t('สิทธิ์ของหน่วยงานผู้ออกเอกสาร', "Issuing agency's entitlement"),
    passed: t('ผู้ลงนามเป็นของหน่วยงานที่ระบุในเอกสาร และหน่วยงานนี้มีอำนาจออกเอกสารประเภทนี้', 'The signer belongs to the agency named in the document, and that agency may issue this type of document.'),
    failed: t('ผู้ลงนามไม่ใช่หน่วยงานที่ระบุในเอกสาร หรือหน่วยงานนี้ไม่มีอำนาจออกเอกสารประเภทนี้', 'The signer is not the agency named in the document, or that agency may not issue this type of document.'),
  },
  'status.revoked': {
    title: t('การเพิกถอน', 'Revocation'),
    passed: t('เอกสารนี้ไม่ถูกเพิกถอน', 'This document has not been revoked.'),
    failed: t('หน่วยงานได้เพิกถอนเอกสารนี้แล้ว', 'The agency has revoked this document.'),
  },
  'status.suspended': {
    title: t('การระงับ', 'Suspension'),
    passed: t('เอกสารนี้ไม่ถูกระงับ', 'This document is not suspended.'),
    failed: t('หน่วยงานได้ระงับการใช้เอกสารนี้ชั่วคราว', 'The agency has suspended this document.'),
  },
  'status.superseded': {
    title: t('การออกฉบับใหม่แทน', 'Replacement'),
    passed: t('เอกสารนี้ยังเป็นฉบับปัจจุบัน', 'This document is the current version.'),
    failed: t('หน่วยงานได้ออกเอกสารฉบับใหม่แทนฉบับนี้แล้ว', 'The agency has issued a new document replacing this one.'),
  },
  ...TST_CHECK_MESSAGES,
  'revocation.status': revocationTexts('revocation.status', t('สถานะการเพิกถอนใบรับรองของผู้ลงนาม', "Revocation status of the signer's certificate")),
  'revocation.revoked-later': revocationTexts('revocation.revoked-later', t('การเพิกถอนใบรับรองภายหลังการลงนาม', 'Certificate revoked after signing')),
  'revocation.ocsp': revocationTexts('revocation.ocsp', t('คำตอบสถานะใบรับรอง (OCSP)', 'OCSP status response')),
  'revocation.crl': revocationTexts('revocation.crl', t('รายการเพิกถอนใบรับรอง (CRL)', 'Certificate revocation list (CRL)')),
  'ltv.signing-time': {
    title: t('เวลาลงนามที่พิสูจน์ได้', 'Proven signing time'),
    passed: t('ตราประทับเวลาที่เชื่อถือได้ยืนยันว่าลายมือชื่อมีอยู่แล้ว ณ เวลาที่ระบุ', 'A trusted timestamp proves the signature existed at the time shown.'),
    failed: t('พิสูจน์เวลาที่ลงนามไม่ได้', 'The time of signing could not be proven.'),
  },
  'ltv.signature-timestamp': {
    title: t('ตราประทับเวลาของลายมือชื่อ', 'Signature timestamp'),
    passed: t('ตราประทับเวลาของลายมือชื่อถูกต้องและออกโดยหน่วยงานที่เชื่อถือได้', 'The signature timestamp is correct and comes from a trusted time-stamping authority.'),
    failed: t('ตราประทับเวลาของลายมือชื่อเสียหายหรือไม่ตรงกับลายมือชื่อ', 'The signature timestamp is damaged or does not match the signature.'),
    warning: t('ยืนยันตราประทับเวลาของลายมือชื่อไม่ได้ จึงไม่ได้ใช้เป็นหลักฐานเวลาลงนาม', 'The signature timestamp could not be confirmed, so it was not used as proof of the signing time.'),
  },
  'ltv.document-timestamp': {
    title: t('ตราประทับเวลาของเอกสาร', 'Document timestamp'),
    passed: t('ตราประทับเวลาของเอกสารถูกต้อง ยืนยันว่าเอกสารและข้อมูลสำหรับตรวจสอบมีอยู่แล้ว ณ เวลานั้น', 'The document timestamp is correct: the document and its validation data existed at that time.'),
    failed: t('ตราประทับเวลาของเอกสารเสียหาย หรือเอกสารถูกแก้ไขหลังประทับเวลา', 'A document timestamp is damaged, or the document was changed after it was stamped.'),
    warning: t('ยืนยันตราประทับเวลาของเอกสารไม่ได้ จึงไม่ได้นำมาใช้เป็นหลักฐาน', 'A document timestamp could not be confirmed, so it was not relied on.'),
  },
  'ltv.revocation-data': {
    title: t('ข้อมูลการเพิกถอน ณ เวลาลงนาม', 'Revocation data for the time of signing'),
    passed: t('มีข้อมูลยืนยันสถานะใบรับรองของผู้ลงนาม ณ เวลาที่ลงนาม', "Data establishing the signer certificate's status at the time of signing was found."),
    failed: t('ไม่มีข้อมูลยืนยันว่าใบรับรองของผู้ลงนามยังไม่ถูกเพิกถอน ณ เวลาที่ลงนาม จึงยังยืนยันลายมือชื่อไม่ได้', "Nothing shows whether the signer's certificate was revoked when it signed, so the signature cannot be confirmed."),
  },
  'ltv.tsa-revocation': {
    title: t('สถานะการเพิกถอนใบรับรองของหน่วยงานประทับเวลา', "Revocation status of the time-stamping authority's certificate"),
    passed: t('ใบรับรองของหน่วยงานประทับเวลายังไม่ถูกเพิกถอน ณ เวลาที่ตรวจ', "The time-stamping authority's certificate was not revoked at the time checked."),
    failed: t('ใบรับรองของหน่วยงานประทับเวลาถูกเพิกถอนแล้ว จึงเชื่อถือตราประทับเวลานี้ไม่ได้', "The time-stamping authority's certificate had been revoked, so this timestamp cannot be relied on."),
    warning: t('ตรวจสอบสถานะการเพิกถอนใบรับรองของหน่วยงานประทับเวลาไม่ได้ จึงไม่ได้นำตราประทับเวลานี้มาใช้', "Whether the time-stamping authority's certificate was revoked could not be determined, so this timestamp was not relied on."),
  },
  'verify.internal-error': {
    title: t('การตรวจสอบ', 'Verification'),
    passed: t('ตรวจสอบเสร็จสมบูรณ์', 'Verification completed.'),
    failed: t('เกิดข้อผิดพลาดภายในระหว่างตรวจ จึงยังสรุปผลไม่ได้', 'An internal error occurred while checking, so no conclusion can be drawn.'),
  },
} satisfies Record<string, CheckTexts>;

export type CheckId = keyof typeof CHECK_MESSAGES;

export const SKIPPED_SUFFIX: LocalizedText = t(' — ไม่ได้ตรวจ', ' — not checked');

type VerdictContext = { signer?: string; successor?: string; validUntil?: string };

/** "15 มกราคม พ.ศ. 2568" / "15 January 2025", or the raw text when it is not a date. */
function until(iso: string): LocalizedText {
  try {
    return { th: formatThaiDate(iso), en: formatEnglishDate(iso) };
  } catch {
    return { th: iso, en: iso };
  }
}

/** One sentence per verdict. Keys must cover every Verdict (checked by the type below and by a test). */
export const VERDICT_MESSAGES: Record<
  'VALID' | 'TAMPERED' | 'UNTRUSTED' | 'REVOKED' | 'SUSPENDED' | 'SUPERSEDED' | 'EXPIRED' | 'NOT_SIGNED' | 'MALFORMED' | 'INDETERMINATE' | 'SPECIMEN',
  (ctx: VerdictContext) => LocalizedText
> = {
  VALID: ({ signer }) =>
    signer
      ? t(`เอกสารนี้ถูกต้อง ลงนามโดย ${signer} และไม่ถูกแก้ไขหลังลงนาม`, `This document is genuine: signed by ${signer} and unchanged since signing.`)
      : t('เอกสารนี้ถูกต้อง และไม่ถูกแก้ไขหลังลงนาม', 'This document is genuine and unchanged since signing.'),
  TAMPERED: () =>
    t('เอกสารนี้ถูกแก้ไขหลังลงนาม อย่าเชื่อถือเนื้อหา', 'This document was changed after it was signed. Do not rely on its content.'),
  UNTRUSTED: () =>
    t('เอกสารนี้ไม่ได้ลงนามโดยหน่วยงานที่เชื่อถือได้ อย่าเชื่อถือเนื้อหา', 'This document was not signed by a trusted authority. Do not rely on its content.'),
  REVOKED: () =>
    t('เอกสารนี้ถูกเพิกถอนแล้ว ใช้อ้างอิงไม่ได้', 'This document has been revoked and can no longer be relied on.'),
  SUSPENDED: () =>
    t('เอกสารนี้ถูกระงับการใช้ชั่วคราว ใช้อ้างอิงไม่ได้ในขณะนี้', 'This document is suspended and cannot be relied on for now.'),
  SUPERSEDED: ({ successor }) =>
    successor
      ? t(`เอกสารนี้มีฉบับใหม่มาแทนแล้ว (${successor}) โปรดใช้ฉบับใหม่`, `This document has been replaced by a newer one (${successor}). Please use the new one.`)
      : t('เอกสารนี้มีฉบับใหม่มาแทนแล้ว โปรดใช้ฉบับใหม่', 'This document has been replaced by a newer one. Please use the new one.'),
  EXPIRED: ({ validUntil }) =>
    validUntil
      ? t(`เอกสารนี้หมดอายุแล้ว (ใช้ได้ถึง ${until(validUntil).th})`, `This document has expired (it was valid until ${until(validUntil).en}).`)
      : t('เอกสารนี้หมดอายุแล้ว', 'This document has expired.'),
  NOT_SIGNED: () =>
    t('เอกสารนี้ไม่มีลายมือชื่ออิเล็กทรอนิกส์ จึงยืนยันไม่ได้ว่าเป็นของจริง', 'This document has no digital signature, so it cannot be confirmed as genuine.'),
  MALFORMED: () =>
    t('ไฟล์นี้เสียหายหรือมีรูปแบบไม่ถูกต้อง จึงตรวจสอบไม่ได้', 'This file is damaged or not in the expected format, so it cannot be checked.'),
  INDETERMINATE: () =>
    t('ยังยืนยันความถูกต้องของเอกสารนี้ไม่ได้ในขณะนี้', 'The validity of this document cannot be confirmed at the moment.'),
  SPECIMEN: () =>
    t('เอกสารตัวอย่างสำหรับฝึกอบรม ไม่ใช่เอกสารราชการ ใช้อ้างอิงไม่ได้', 'Training specimen — not an official document. Do not rely on it.'),
};
