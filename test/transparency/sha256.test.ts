import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/transparency/sha256.js';
import { toHex } from '../../src/transparency/bytes.js';

const nodeHex = (d: Uint8Array): string => createHash('sha256').update(d).digest('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('pure SHA-256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(toHex(sha256(ascii('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto on random inputs of every length 0..300 (all padding cases) and some large ones', () => {
    for (let len = 0; len <= 300; len++) {
      const d = new Uint8Array(randomBytes(len));
      expect(toHex(sha256(d)), `length ${len}`).toBe(nodeHex(d));
    }
    for (const len of [1000, 4095, 4096, 65537, 1 << 20]) {
      const d = new Uint8Array(randomBytes(len));
      expect(toHex(sha256(d)), `length ${len}`).toBe(nodeHex(d));
    }
  });

  it('hashes views into larger buffers by their own bytes only', () => {
    const big = new Uint8Array(randomBytes(500));
    for (const [start, end] of [[1, 66], [7, 127], [100, 400], [499, 500]] as const) {
      const view = big.subarray(start, end);
      expect(toHex(sha256(view))).toBe(nodeHex(view));
    }
  });

  it('leaves its input untouched and returns fresh output', () => {
    const d = new Uint8Array(randomBytes(70));
    const copy = d.slice();
    const a = sha256(d);
    const b = sha256(d);
    expect(d).toEqual(copy);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
  });
});
