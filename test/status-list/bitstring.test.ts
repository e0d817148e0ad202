import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { STATUS_LIST_MIN_ENTRIES } from '../../src/domain/status-list.js';
import {
  MAX_INFLATED_BYTES,
  StatusListError,
  base64UrlDecode,
  base64UrlEncode,
  decodeStatusList,
  encodeStatusList,
  readStatus,
  statusAt,
} from '../../src/status-list/index.js';

/** Inflate with node:zlib (an implementation independent of fflate) to check the bytes we produce. */
const inflateIndependently = (encoded: string): Buffer => gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
const asEncodedList = (gz: Uint8Array): string => 'u' + Buffer.from(gz).toString('base64url');

function expectListError(fn: () => unknown, code: StatusListError['code'], message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusListError);
    expect((e as StatusListError).code).toBe(code);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a StatusListError');
}

describe('bit order (index 0 = left-most bit of the first byte)', () => {
  it('statusSize 2: hand-computed bytes', () => {
    // Entries 0..3 share byte 0: 01 | 10 | 00 | 11 = 0b01100011 = 0x63; entry 4 = 01 starts byte 1: 0b01000000 = 0x40.
    const encoded = encodeStatusList(new Map([[0, 1], [1, 2], [3, 3], [4, 1]]), STATUS_LIST_MIN_ENTRIES, 2);
    expect(encoded.startsWith('u')).toBe(true);
    expect(encoded).not.toMatch(/[=+/]/);
    const bytes = inflateIndependently(encoded);
    expect(bytes.length).toBe((STATUS_LIST_MIN_ENTRIES * 2) / 8); // 32 KiB
    expect([...bytes.subarray(0, 3)]).toEqual([0x63, 0x40, 0x00]);
    expect(bytes.subarray(2).every((b) => b === 0)).toBe(true);
    expect([0, 1, 2, 3, 4, 5].map((i) => readStatus(encoded, i, 2))).toEqual([1, 2, 0, 3, 1, 0]);
  });

  it('statusSize 1: hand-computed bytes, including the last entry (right-most bit)', () => {
    const last = STATUS_LIST_MIN_ENTRIES - 1;
    const encoded = encodeStatusList([{ index: 0, value: 1 }, { index: 7, value: 1 }, { index: 9, value: 1 }, { index: last, value: 1 }], STATUS_LIST_MIN_ENTRIES, 1);
    const bytes = inflateIndependently(encoded);
    expect(bytes.length).toBe(16 * 1024);
    expect([...bytes.subarray(0, 2)]).toEqual([0x81, 0x40]);
    expect(bytes[bytes.length - 1]).toBe(0x01);
    expect(readStatus(encoded, last, 1)).toBe(1);
    expect(readStatus(encoded, last - 1, 1)).toBe(0);
  });

  it('reads the example encodedList of the W3C specification (16 KB of zeros, statusSize 1)', () => {
    const specExample = 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA';
    const list = decodeStatusList(specExample, 1);
    expect(list.entries).toBe(131_072);
    expect(statusAt(list, 0)).toBe(0);
    expect(statusAt(list, 131_071)).toBe(0);
    // The same bytes read as 2-bit entries are only 65,536 entries: below the minimum.
    expectListError(() => decodeStatusList(specExample, 2), 'STATUS_LIST_LENGTH_ERROR', /65536 entries of 2 bits, fewer than the minimum 131072/);
  });

  it('the encoding is deterministic (GZIP mtime 0) and the GZIP header carries no time', () => {
    const a = encodeStatusList(new Map([[5, 1]]), STATUS_LIST_MIN_ENTRIES, 2);
    const b = encodeStatusList([{ index: 5, value: 1 }], STATUS_LIST_MIN_ENTRIES, 2);
    expect(a).toBe(b);
    const gz = base64UrlDecode(a.slice(1));
    expect([...gz.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
  });
});

describe('round trip of random entry sets', () => {
  for (const statusSize of [1, 2]) {
    it(`1,000 random positions over 131,072 entries, statusSize ${statusSize}`, () => {
      const values = new Map<number, number>();
      const random = new Uint32Array(2);
      while (values.size < 1000) {
        crypto.getRandomValues(random);
        values.set(random[0]! % STATUS_LIST_MIN_ENTRIES, 1 + (random[1]! % (2 ** statusSize - 1)));
      }
      const encoded = encodeStatusList(values, STATUS_LIST_MIN_ENTRIES, statusSize);
      const list = decodeStatusList(encoded, statusSize);
      expect(list.entries).toBe(STATUS_LIST_MIN_ENTRIES);
      let mismatches = 0;
      for (let i = 0; i < STATUS_LIST_MIN_ENTRIES; i++) if (statusAt(list, i) !== (values.get(i) ?? 0)) mismatches++;
      expect(mismatches).toBe(0);
      // Independent count of set bits: node:zlib inflate + popcount must equal the bits we set.
      const expectedBits = [...values.values()].reduce((n, v) => n + v.toString(2).replace(/0/g, '').length, 0);
      let bits = 0;
      for (const byte of inflateIndependently(encoded)) for (let b = byte; b; b &= b - 1) bits++;
      expect(bits).toBe(expectedBits);
    });
  }

  it('larger lists (capacity 262,144) keep their size', () => {
    const encoded = encodeStatusList(new Map([[262_143, 3]]), 262_144, 2);
    expect(decodeStatusList(encoded, 2).entries).toBe(262_144);
    expect(readStatus(encoded, 262_143, 2)).toBe(3);
  });
});

describe('validation when building', () => {
  it('enforces the minimum size of 131,072 entries', () => {
    expectListError(() => encodeStatusList(new Map(), STATUS_LIST_MIN_ENTRIES - 1, 2), 'STATUS_LIST_LENGTH_ERROR', /capacity: expected an integer from 131072/);
    expectListError(() => encodeStatusList(new Map(), 1024, 1), 'STATUS_LIST_LENGTH_ERROR', /minimum/);
  });

  it('rejects out-of-range indexes and values, duplicates, and bad statusSize', () => {
    expectListError(() => encodeStatusList(new Map([[STATUS_LIST_MIN_ENTRIES, 1]]), STATUS_LIST_MIN_ENTRIES), 'RANGE_ERROR', /index 131072: expected an integer from 0 to 131071/);
    expectListError(() => encodeStatusList(new Map([[-1, 1]]), STATUS_LIST_MIN_ENTRIES), 'RANGE_ERROR', /index -1/);
    expectListError(() => encodeStatusList(new Map([[1.5, 1]]), STATUS_LIST_MIN_ENTRIES), 'RANGE_ERROR', /index 1.5/);
    expectListError(() => encodeStatusList(new Map([[3, 4]]), STATUS_LIST_MIN_ENTRIES, 2), 'MALFORMED_VALUE_ERROR', /value at index 3: expected an integer from 0 to 3, got 4/);
    expectListError(() => encodeStatusList([{ index: 3, value: 1 }, { index: 3, value: 2 }], STATUS_LIST_MIN_ENTRIES), 'MALFORMED_VALUE_ERROR', /index 3 is given more than once/);
    expectListError(() => encodeStatusList(new Map(), STATUS_LIST_MIN_ENTRIES, 0), 'MALFORMED_VALUE_ERROR', /statusSize: expected an integer from 1 to 8/);
    expectListError(() => encodeStatusList(new Map(), STATUS_LIST_MIN_ENTRIES, 9), 'MALFORMED_VALUE_ERROR', /statusSize/);
  });
});

describe('validation when reading', () => {
  const good = encodeStatusList(new Map([[10, 2]]), STATUS_LIST_MIN_ENTRIES, 2);

  it('rejects a missing or wrong multibase prefix', () => {
    expectListError(() => readStatus(good.slice(1), 10), 'MALFORMED_VALUE_ERROR', /expected the multibase prefix 'u'/);
    expectListError(() => readStatus('z' + good.slice(1), 10), 'MALFORMED_VALUE_ERROR', /multibase prefix 'u'.*"z"/);
    expectListError(() => readStatus(42 as unknown as string, 10), 'MALFORMED_VALUE_ERROR', /expected a string/);
  });

  it('rejects bad base64url: other alphabets, padding, impossible lengths, non-canonical tails', () => {
    expectListError(() => readStatus('u' + Buffer.from(base64UrlDecode(good.slice(1))).toString('base64'), 10), 'MALFORMED_VALUE_ERROR', /invalid character/);
    expectListError(() => readStatus(good + '==', 10), 'MALFORMED_VALUE_ERROR', /invalid character "="/);
    expectListError(() => readStatus('uAAAAA', 10), 'MALFORMED_VALUE_ERROR', /impossible for base64/);
    expectListError(() => readStatus('uAB', 10), 'MALFORMED_VALUE_ERROR', /non-canonical/);
    expect(base64UrlEncode(base64UrlDecode('AA'))).toBe('AA');
  });

  it('rejects data that is not GZIP, corrupt or truncated GZIP, and two concatenated members', () => {
    expectListError(() => readStatus('u' + base64UrlEncode(crypto.getRandomValues(new Uint8Array(200))), 0), 'MALFORMED_VALUE_ERROR', /not GZIP data/);
    const gz = base64UrlDecode(good.slice(1));
    expectListError(() => readStatus(asEncodedList(gz.subarray(0, gz.length - 20)), 0), 'MALFORMED_VALUE_ERROR', /GZIP/);
    const corrupt = gz.slice();
    corrupt[12] = corrupt[12]! ^ 0xff;
    corrupt[13] = corrupt[13]! ^ 0xff;
    expectListError(() => readStatus(asEncodedList(corrupt), 0), 'MALFORMED_VALUE_ERROR', /GZIP/);
    const twice = Buffer.concat([gz, gz]);
    expectListError(() => readStatus(asEncodedList(twice), 0), 'MALFORMED_VALUE_ERROR', /2 concatenated GZIP members|trailer/);
  });

  it('refuses a GZIP bomb: 17 MiB of zeros, and the same with a trailer that lies about the size', () => {
    const bomb = gzipSync(Buffer.alloc(17 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(40_000);
    expectListError(() => readStatus(asEncodedList(bomb), 0), 'MALFORMED_VALUE_ERROR', /GZIP claims 17825792 bytes inflated, more than the 16777216 allowed/);
    const lying = Buffer.from(bomb);
    lying.writeUInt32LE(32 * 1024, lying.length - 4);
    const started = performance.now();
    expectListError(() => readStatus(asEncodedList(lying), 0), 'MALFORMED_VALUE_ERROR', /inflates to more than 16777216 bytes \(refused as a GZIP bomb\)/);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(MAX_INFLATED_BYTES).toBe(16 * 1024 * 1024);
  });

  it('rejects a bitstring that is not a whole number of entries, or below the minimum', () => {
    // statusSize 3: 49,153 bytes = 393,224 bits, not divisible by 3.
    expectListError(() => decodeStatusList(asEncodedList(gzipSync(Buffer.alloc(49_153))), 3), 'MALFORMED_VALUE_ERROR', /49153 bytes is not a whole number of 3-bit entries/);
    expectListError(() => decodeStatusList(asEncodedList(gzipSync(Buffer.alloc(16 * 1024 - 1))), 1), 'STATUS_LIST_LENGTH_ERROR', /131064 entries of 1 bits, fewer than the minimum 131072/);
    // The trailer's size must match what inflated.
    const gz = gzipSync(Buffer.alloc(32 * 1024));
    gz.writeUInt32LE(32 * 1024 - 8, gz.length - 4);
    expectListError(() => decodeStatusList(asEncodedList(gz), 2), 'MALFORMED_VALUE_ERROR', /inflated to 32768 bytes but the GZIP trailer says 32760/);
  });

  it('rejects an index out of range', () => {
    expectListError(() => readStatus(good, STATUS_LIST_MIN_ENTRIES), 'RANGE_ERROR', /index 131072 is outside the list \(0 to 131071\)/);
    expectListError(() => readStatus(good, -1), 'RANGE_ERROR', /index -1/);
    expectListError(() => readStatus(good, 2.5), 'RANGE_ERROR', /index 2.5/);
    expect(readStatus(good, 10)).toBe(2);
  });
});
