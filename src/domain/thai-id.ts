/**
 * Thai 13-digit identification numbers: the citizen ID issued by DOPA and the juristic-person ID issued by DBD share
 * one check-digit rule. Digits 1–12 are weighted 13 down to 2; the 13th digit is (11 − sum mod 11) mod 10.
 */
export function thaiIdCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12.charCodeAt(i) - 48) * (13 - i);
  return (11 - (sum % 11)) % 10;
}

/** True when `value` is exactly 13 ASCII digits whose last digit is the correct check digit. */
export function isValidThaiId(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[0-9]{13}$/.test(value)) return false;
  return thaiIdCheckDigit(value.slice(0, 12)) === Number(value[12]);
}

/** Masks an ID for display where the holder has not chosen to show it: 1-2345-xxxxx-xx-3. */
export function maskThaiId(value: string): string {
  if (!/^[0-9]{13}$/.test(value)) return 'x'.repeat(13);
  return `${value[0]}-${value.slice(1, 5)}-xxxxx-xx-${value[12]}`;
}
