import type { Bilingual } from './document-type.js';

/**
 * A document's lifecycle. Paper cannot be recalled; a digital document can: the issuing agency revokes it (for good),
 * suspends and reinstates it, or supersedes it with a corrected successor. Expiry follows from the valid-until date.
 * Every change names a reason from this fixed list (so verifiers can rely on it) and an effective time.
 */
export const DOCUMENT_STATUSES = ['active', 'revoked', 'suspended', 'superseded', 'expired'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const STATUS_REASONS = {
  issued_in_error: { th: 'ออกเอกสารโดยผิดพลาด', en: 'Issued in error' },
  fraud: { th: 'ได้มาโดยการทุจริตหรือแสดงข้อมูลเท็จ', en: 'Obtained by fraud' },
  replaced: { th: 'มีเอกสารฉบับแก้ไขออกแทน', en: 'Replaced by a corrected document' },
  holder_request: { th: 'ผู้ถือเอกสารร้องขอ', en: "At the holder's request" },
  court_order: { th: 'ตามคำสั่งศาล', en: 'By court order' },
  other: { th: 'เหตุอื่น', en: 'Other reason' },
} as const satisfies Record<string, Bilingual>;
export type StatusReason = keyof typeof STATUS_REASONS;
export const STATUS_REASON_CODES = Object.keys(STATUS_REASONS) as StatusReason[];

export const isStatusReason = (v: unknown): v is StatusReason => typeof v === 'string' && Object.hasOwn(STATUS_REASONS, v);

/** Bilingual label of a stored reason code; unknown codes (older data) are shown as they are. */
export function statusReasonLabel(code: string): Bilingual {
  return isStatusReason(code) ? STATUS_REASONS[code] : { th: code, en: code };
}

export const LIFECYCLE_ACTIONS = ['revoke', 'suspend', 'reinstate', 'supersede'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** What the transparency log records: an issuance or one status change. */
export const LOG_EVENT_KINDS = ['issued', 'revoked', 'suspended', 'reinstated', 'superseded', 'expired'] as const;
export type LogEventKind = (typeof LOG_EVENT_KINDS)[number];

const RESULT: Record<LifecycleAction, { to: DocumentStatus; from: readonly DocumentStatus[]; kind: LogEventKind }> = {
  // Revocation is final; a suspended or expired document can still be revoked (e.g. found to be fraudulent).
  revoke: { to: 'revoked', from: ['active', 'suspended', 'expired'], kind: 'revoked' },
  suspend: { to: 'suspended', from: ['active'], kind: 'suspended' },
  reinstate: { to: 'active', from: ['suspended'], kind: 'reinstated' },
  // A corrected document may replace one that is in force or suspended, not one already revoked or replaced.
  supersede: { to: 'superseded', from: ['active', 'suspended', 'expired'], kind: 'superseded' },
};

/** The status an action leads to from `current`, or why it is not allowed. */
export function transition(current: DocumentStatus, action: LifecycleAction): { to: DocumentStatus; kind: LogEventKind } | { refused: Bilingual } {
  const r = RESULT[action];
  if (r.from.includes(current)) return { to: r.to, kind: r.kind };
  const names: Record<DocumentStatus, Bilingual> = {
    active: { th: 'ใช้งานได้', en: 'in force' },
    revoked: { th: 'ถูกเพิกถอนแล้ว', en: 'revoked' },
    suspended: { th: 'ถูกระงับอยู่', en: 'suspended' },
    superseded: { th: 'ถูกแทนที่แล้ว', en: 'superseded' },
    expired: { th: 'หมดอายุแล้ว', en: 'expired' },
  };
  const verbs: Record<LifecycleAction, Bilingual> = {
    revoke: { th: 'เพิกถอน', en: 'revoke' },
    suspend: { th: 'ระงับ', en: 'suspend' },
    reinstate: { th: 'คืนสถานะ', en: 'reinstate' },
    supersede: { th: 'ออกฉบับใหม่แทน', en: 'supersede' },
  };
  return {
    refused: {
      th: `${verbs[action].th}เอกสารที่${names[current].th}ไม่ได้`,
      en: `Cannot ${verbs[action].en} a document that is ${names[current].en}`,
    },
  };
}
