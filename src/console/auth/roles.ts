import type { Bilingual } from '../../domain/document-type.js';
import { ROLES, type Role } from '../../store/repos/users.js';

export { ROLES, type Role };

/** How roles are named to people (pages, error messages). */
export const ROLE_LABELS: Record<Role, Bilingual> = {
  agency_admin: { th: 'ผู้ดูแลระบบของหน่วยงาน', en: 'agency administrator' },
  issuing_officer: { th: 'เจ้าหน้าที่ผู้ออกเอกสาร', en: 'issuing officer' },
  approving_officer: { th: 'เจ้าหน้าที่ผู้อนุมัติ', en: 'approving officer' },
  auditor: { th: 'ผู้ตรวจสอบ', en: 'auditor' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
