import { describe, expect, it } from 'vitest';
import {
  buddhistYear,
  formatEnglishDate,
  formatThaiDate,
  isIsoDate,
  parseIsoDate,
  toIsoDate,
  toThaiDigits,
} from '../../src/domain/thai-date.js';

describe('formatThaiDate', () => {
  it('prints day, Thai month, พ.ศ. and the Buddhist-era year', () => {
    expect(formatThaiDate('2025-01-15')).toBe('15 มกราคม พ.ศ. 2568');
    expect(formatThaiDate('2024-02-29')).toBe('29 กุมภาพันธ์ พ.ศ. 2567');
    expect(formatThaiDate('2026-12-31')).toBe('31 ธันวาคม พ.ศ. 2569');
  });

  it('prints Thai digits on request', () => {
    expect(formatThaiDate('2025-01-15', { digits: 'thai' })).toBe('๑๕ มกราคม พ.ศ. ๒๕๖๘');
  });

  it('reads instants in the Asia/Bangkok time zone', () => {
    // 20:00 UTC on 14 January is 03:00 on 15 January in Bangkok.
    expect(formatThaiDate('2025-01-14T20:00:00Z')).toBe('15 มกราคม พ.ศ. 2568');
    expect(formatThaiDate(new Date('2025-01-14T16:59:59Z'))).toBe('14 มกราคม พ.ศ. 2568');
    expect(formatThaiDate(new Date('2025-01-14T17:00:00Z'))).toBe('15 มกราคม พ.ศ. 2568');
    // New Year's Eve in UTC is already the new Buddhist year in Bangkok.
    expect(buddhistYear(new Date('2024-12-31T18:00:00Z'))).toBe(2568);
    expect(formatThaiDate('2025-01-15T01:00:00+09:00')).toBe('14 มกราคม พ.ศ. 2568');
  });

  it('agrees with ICU (Intl, Buddhist calendar, era) for every day of 2024–2026', () => {
    const icu = new Intl.DateTimeFormat('th-TH-u-ca-buddhist', {
      day: 'numeric', month: 'long', year: 'numeric', era: 'short', timeZone: 'Asia/Bangkok',
    });
    const icuEn = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Bangkok' });
    for (let t = Date.UTC(2024, 0, 1, 5); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      expect(formatThaiDate(d)).toBe(icu.format(d));
      expect(formatEnglishDate(d)).toBe(icuEn.format(d));
    }
  });

  it('refuses impossible dates and zone-less timestamps', () => {
    expect(() => formatThaiDate('2025-02-30')).toThrow(/day must be 01–28/);
    expect(() => formatThaiDate('2025-02-30T10:00:00Z')).toThrow(RangeError);
    expect(() => formatThaiDate('2025-01-15T10:00:00')).toThrow(/zone/);
    expect(() => formatThaiDate(new Date('nope'))).toThrow(/not a valid point in time/);
  });
});

describe('formatEnglishDate', () => {
  it('prints "15 January 2025"', () => {
    expect(formatEnglishDate('2025-01-15')).toBe('15 January 2025');
  });
});

describe('buddhistYear', () => {
  it('adds 543', () => {
    expect(buddhistYear('2025-06-01')).toBe(2568);
    expect(buddhistYear({ year: 1992, month: 4, day: 9 })).toBe(2535);
  });
});

describe('parseIsoDate', () => {
  it('accepts real dates', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
  });

  it.each([
    ['2025-02-30', /day must be 01–28/],
    ['2023-02-29', /day must be 01–28/],
    ['1900-02-29', /day must be 01–28/],
    ['2025-04-31', /day must be 01–30/],
    ['2025-13-01', /month must be 01–12/],
    ['2025-00-10', /month must be 01–12/],
    ['2025-01-00', /day must be/],
    ['2025-1-5', /YYYY-MM-DD/],
    ['15/01/2025', /YYYY-MM-DD/],
    ['2025-01-15T00:00:00Z', /YYYY-MM-DD/],
    ['', /YYYY-MM-DD/],
  ])('rejects %s', (value, message) => {
    expect(() => parseIsoDate(value)).toThrow(message);
    expect(isIsoDate(value)).toBe(false);
  });
});

describe('helpers', () => {
  it('converts digits and instants', () => {
    expect(toThaiDigits('เลขที่ 0123456789/2568')).toBe('เลขที่ ๐๑๒๓๔๕๖๗๘๙/๒๕๖๘');
    expect(toIsoDate(new Date('2025-01-14T20:00:00Z'))).toBe('2025-01-15');
  });
});
