// Citizen-facing sentences for the time-stamp checks, Thai first, in the same { title, passed, failed } form as
// src/verify/messages.ts (the lead merges them there). Detail for experts goes in Check.detail.
import type { CheckTexts, LocalizedText } from '../verify/messages.js';
import type { Verdict } from '../verify/report.js';

const t = (th: string, en: string): LocalizedText => ({ th, en });

export const TST_CHECK_MESSAGES = {
  'tst.parse': {
    title: t('โครงสร้างตราประทับเวลา', 'Timestamp structure'),
    passed: t('อ่านตราประทับเวลาได้ครบถ้วน', 'The timestamp could be read.'),
    failed: t('ตราประทับเวลาเสียหายหรือมีรูปแบบไม่ถูกต้อง', 'The timestamp is damaged or not in a valid format.'),
  },
  'tst.imprint': {
    title: t('ข้อมูลที่ประทับเวลา', 'Timestamped data'),
    passed: t('ตราประทับเวลานี้ประทับให้กับข้อมูลนี้จริง', 'The timestamp was issued for exactly this data.'),
    failed: t('ตราประทับเวลานี้ไม่ได้ประทับให้กับข้อมูลนี้ หรือข้อมูลถูกแก้ไขภายหลัง', 'The timestamp was not issued for this data, or the data was changed afterwards.'),
  },
  'tst.message-digest': {
    title: t('ความครบถ้วนของตราประทับเวลา', 'Timestamp integrity'),
    passed: t('รายละเอียดในตราประทับเวลาตรงกับที่หน่วยงานประทับเวลาลงนามไว้', 'The timestamp details match what the time-stamping authority signed.'),
    failed: t('รายละเอียดในตราประทับเวลาถูกแก้ไขหลังการลงนาม', 'The timestamp details were changed after the authority signed them.'),
  },
  'tst.signature': {
    title: t('ลายมือชื่อของหน่วยงานประทับเวลา', 'Time-stamping authority signature'),
    passed: t('ลายมือชื่อของหน่วยงานประทับรับรองเวลาถูกต้อง', "The time-stamping authority's signature is valid."),
    failed: t('ลายมือชื่อของหน่วยงานประทับรับรองเวลาไม่ถูกต้อง', "The time-stamping authority's signature is not valid."),
  },
  'tst.signing-certificate': {
    title: t('ใบรับรองที่ใช้ประทับเวลา', 'Time-stamping certificate binding'),
    passed: t('ตราประทับเวลาระบุใบรับรองของหน่วยงานประทับเวลาไว้ตรงกัน', "The timestamp names the authority's certificate, and it matches."),
    failed: t('ตราประทับเวลาไม่ได้ระบุใบรับรองของหน่วยงานประทับเวลา หรือระบุไว้ไม่ตรงกัน', "The timestamp does not name the authority's certificate, or names a different one."),
  },
  'tst.eku': {
    title: t('สิทธิ์การประทับเวลา', 'Time-stamping authorisation'),
    passed: t('ใบรับรองนี้ได้รับอนุญาตให้ใช้ประทับรับรองเวลาเท่านั้น', 'The certificate is authorised for time-stamping only.'),
    failed: t('ใบรับรองนี้ไม่ได้รับอนุญาตให้ใช้ประทับรับรองเวลา', 'The certificate is not authorised for time-stamping.'),
  },
  'tst.chain': {
    title: t('ความน่าเชื่อถือของหน่วยงานประทับเวลา', 'Time-stamping authority trust'),
    passed: t('หน่วยงานประทับรับรองเวลาได้รับการรับรองจากผู้ออกใบรับรองที่เชื่อถือได้', 'The time-stamping authority is certified by a trusted certification authority.'),
    failed: t('ไม่สามารถยืนยันได้ว่าหน่วยงานประทับรับรองเวลาเป็นหน่วยงานที่เชื่อถือได้', 'The time-stamping authority could not be traced to a trusted certification authority.'),
  },
  'tst.validity': {
    title: t('อายุใบรับรองของหน่วยงานประทับเวลา', 'Time-stamping certificate validity'),
    passed: t('ใบรับรองของหน่วยงานประทับรับรองเวลายังอยู่ในอายุการใช้งานในเวลาที่ตรวจ', "The time-stamping authority's certificate was valid at the times checked."),
    failed: t('ใบรับรองของหน่วยงานประทับรับรองเวลาหมดอายุหรือยังไม่มีผลในเวลาที่ตรวจ', "The time-stamping authority's certificate was expired or not yet valid at the times checked."),
  },
} as const satisfies Record<string, CheckTexts>;

export type TstCheckId = keyof typeof TST_CHECK_MESSAGES;

/** Verdicts a failure implies; to be merged into DEFAULT_FAILURE_VERDICT in src/verify/report.ts. */
export const TST_FAILURE_VERDICT: Readonly<Record<TstCheckId, Verdict>> = {
  'tst.parse': 'MALFORMED',
  'tst.imprint': 'TAMPERED',
  'tst.message-digest': 'TAMPERED',
  'tst.signature': 'TAMPERED',
  'tst.signing-certificate': 'TAMPERED',
  'tst.eku': 'UNTRUSTED',
  'tst.chain': 'UNTRUSTED',
  'tst.validity': 'INDETERMINATE',
};
