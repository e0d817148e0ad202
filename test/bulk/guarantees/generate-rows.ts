/**
 * Generated training-certificate rows for the bulk guarantee tests: valid by construction (Thai citizen ids with their
 * mod-11 check digit, names and courses shaped like the shared fixtures), deterministic per row number so a file can
 * be produced again — or streamed — without being held in memory.
 */

export const TRAINING_HEADER = 'citizen_id,title_th,first_name_th,last_name_th,first_name_en,last_name_en,course_th,completed_on,result';

const PEOPLE: readonly [title: string, th: string, en: string][] = [
  ['นาย', 'ชัยวัฒน์', 'Chaiwat'],
  ['นาย', 'พงศ์ศักดิ์', 'Pongsak'],
  ['นางสาว', 'กัญญาณัฐ', 'Kanyanat'],
  ['นาง', 'สุภาพร', 'Supaporn'],
  ['ดร.', 'วิไลวรรณ', 'Wilaiwan'],
  ['นาย', 'สมชาย', 'Somchai'],
];
const SURNAMES: readonly [th: string, en: string][] = [
  ['จันทร์เพ็ญ', 'Janpen'],
  ['ใจดี', 'Jaidee'],
  ['ศรีสุข', 'Srisuk'],
  ['ศึกษาธิการ', 'Suksathikan'],
  ['รุ่งเรือง', 'Rungruang'],
];
const COURSES = [
  'กฎหมายว่าด้วยธุรกรรมทางอิเล็กทรอนิกส์',
  'การคุ้มครองข้อมูลส่วนบุคคล (PDPA) สำหรับหน่วยงานของรัฐ',
  'การบริหารงานภาครัฐผ่านระบบดิจิทัล',
  'การพัฒนาทักษะดิจิทัลสำหรับข้าราชการ',
  'ความปลอดภัยไซเบอร์ขั้นพื้นฐาน',
];
const RESULTS = ['ผ่าน', 'ผ่าน (ดีมาก)', 'ผ่าน (ดีเยี่ยม)'];

/** The mod-11 check digit of the first twelve digits of a Thai citizen id. */
export function thaiIdCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (13 - i);
  return (11 - (sum % 11)) % 10;
}

/** A valid 13-digit citizen id, distinct for each n below 10^11 (first digit 1–8). */
export function thaiCitizenId(n: number): string {
  const first12 = `${1 + (n % 8)}${String(n).padStart(11, '0')}`;
  return `${first12}${thaiIdCheckDigit(first12)}`;
}

/** The same id with a wrong check digit (the cheapest invalid row: it fails only the thai-id format). */
export function badCheckDigitId(n: number): string {
  const good = thaiCitizenId(n);
  return `${good.slice(0, 12)}${(Number(good[12]) + 1) % 10}`;
}

/** CSV line (no line end) of the n-th generated person; `valid: false` gives it a wrong check digit. */
export function trainingCsvLine(n: number, valid = true): string {
  const [title, first, firstEn] = PEOPLE[n % PEOPLE.length]!;
  const [last, lastEn] = SURNAMES[Math.floor(n / PEOPLE.length) % SURNAMES.length]!;
  const day = String(1 + (n % 28)).padStart(2, '0');
  const month = String(1 + (n % 12)).padStart(2, '0');
  const id = valid ? thaiCitizenId(n) : badCheckDigitId(n);
  return [id, title, first, last, firstEn, lastEn, COURSES[n % COURSES.length], `2025-${month}-${day}`, RESULTS[n % RESULTS.length]].join(',');
}

/** A whole CSV of `rows` valid rows (small files only). */
export function trainingCsv(rows: number): string {
  const lines = [TRAINING_HEADER];
  for (let i = 0; i < rows; i++) lines.push(trainingCsvLine(i));
  return `${lines.join('\n')}\n`;
}
