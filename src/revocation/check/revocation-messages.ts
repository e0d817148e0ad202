// Citizen-facing sentences for the revocation checks, Thai first (same style as src/verify/messages.ts).
import type { Check, CheckStatus, LocalizedText, Verdict } from '../../verify/report.js';

const t = (th: string, en: string): LocalizedText => ({ th, en });

export const REVOCATION_CHECK_IDS = ['revocation.status', 'revocation.revoked-later', 'revocation.ocsp', 'revocation.crl'] as const;
export type RevocationCheckId = (typeof REVOCATION_CHECK_IDS)[number];

type Texts = Partial<Record<CheckStatus, LocalizedText>>;

const MESSAGES: Record<RevocationCheckId, Texts> = {
  'revocation.status': {
    passed: t('ใบรับรองของผู้ลงนามยังไม่ถูกเพิกถอน ณ เวลาที่ลงนาม', "The signer's certificate was not revoked at the time of signing."),
    failed: t('ใบรับรองของผู้ลงนามถูกเพิกถอนแล้ว ณ เวลาที่ลงนาม จึงเชื่อถือลายมือชื่อนี้ไม่ได้', "The signer's certificate had been revoked when the document was signed, so the signature cannot be relied on."),
    warning: t('ตรวจสอบสถานะการเพิกถอนใบรับรองของผู้ลงนามไม่ได้', "Whether the signer's certificate was revoked could not be determined."),
    skipped: t('ไม่มีข้อมูลสถานะการเพิกถอนใบรับรอง (ข้ามการตรวจ)', 'No certificate revocation data was available (check skipped).'),
  },
  'revocation.revoked-later': {
    warning: t('ใบรับรองของผู้ลงนามถูกเพิกถอนภายหลังการลงนาม ลายมือชื่อที่ลงไว้ก่อนหน้านั้นยังใช้ได้', "The signer's certificate was revoked after the document was signed; signatures made before that remain valid."),
  },
  'revocation.ocsp': {
    passed: t('ได้รับคำตอบสถานะใบรับรองที่ลงนามถูกต้องจากผู้ให้บริการ OCSP', 'A correctly signed OCSP status response was found.'),
    warning: t('คำตอบสถานะใบรับรอง (OCSP) ใช้ไม่ได้', 'An OCSP status response could not be used.'),
  },
  'revocation.crl': {
    passed: t('ได้รับรายการเพิกถอนใบรับรอง (CRL) ที่ลงนามถูกต้อง', 'A correctly signed certificate revocation list (CRL) was found.'),
    warning: t('รายการเพิกถอนใบรับรอง (CRL) ใช้ไม่ได้', 'A certificate revocation list (CRL) could not be used.'),
  },
};

export function revocationCheck(id: RevocationCheckId, status: CheckStatus, detail?: string, onFailure?: Verdict): Check {
  const texts = MESSAGES[id];
  const message = texts[status] ?? texts.warning ?? texts.passed!;
  const check: Check = { id, status, message };
  if (onFailure) check.onFailure = onFailure;
  if (detail !== undefined) check.detail = detail;
  return check;
}
