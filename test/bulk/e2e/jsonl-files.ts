/** Small generated JSONL inputs for the bulk tests (valid Thai citizen ids, names the type's patterns accept). */

/** A 13-digit Thai citizen id: the 12 given digits and their mod-11 check digit. */
export function citizenId(first12: string): string {
  if (!/^[1-8]\d{11}$/.test(first12)) throw new Error(`citizenId: expected 12 digits, got ${first12}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (13 - i);
  return first12 + String((11 - (sum % 11)) % 10);
}

export function certificateRow(first12: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    citizen_id: citizenId(first12),
    title_th: 'นางสาว',
    first_name_th: 'พิมพ์ชนก',
    last_name_th: 'ผู้มีทรัพย์',
    first_name_en: 'Pimchanok',
    last_name_en: 'Phumisap',
    course_th: 'การคุ้มครองข้อมูลส่วนบุคคล',
    completed_on: '2025-01-15',
    result: 'ผ่าน',
    ...extra,
  };
}

export const jsonl = (lines: (Record<string, unknown> | string)[]): string =>
  lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
