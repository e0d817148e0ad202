import { describe, expect, it } from 'vitest';
import {
  PdfDict, PdfName, PdfParseError, PdfRef, PdfStream, PdfString, Parser, decodeTextString, encodeTextString,
  formatPdfDate, parsePdfDate, serializeObject,
} from '../../src/pdf/index.js';
import { ascii, latin1 } from './helpers.js';

const parse = (s: string) => new Parser(ascii(s)).parseObject();
const str = (o: unknown) => latin1((o as PdfString).bytes);

describe('object syntax', () => {
  it('reads literal strings with escapes, octal, balanced parens and line continuations', () => {
    expect(str(parse('(a\\(b\\)c (nested) \\\\ \\n\\r\\t\\b\\f)'))).toBe('a(b)c (nested) \\ \n\r\t\b\f');
    expect(str(parse('(\\101\\1012\\7x\\0535)'))).toBe('AA2\x07x+5');
    expect(str(parse('(one \\\ntwo \\\r\nthree)'))).toBe('one two three');
    expect(str(parse('(crlf\r\nin\rstring)'))).toBe('crlf\nin\nstring');
    expect(str(parse('(\\q unknown escape)'))).toBe('q unknown escape');
  });

  it('reads hex strings (whitespace, odd length) and records file offsets of string tokens', () => {
    const s = parse('  <48 65 6C6c 6>') as PdfString;
    expect(s.hex).toBe(true);
    expect(latin1(s.bytes)).toBe('Hell`');
    expect([s.start, s.end]).toEqual([2, 16]);
  });

  it('reads names with #xx escapes, numbers, booleans, null and references', () => {
    const d = parse('<< /A#20B /N#c3#a9 /Int -12 /Real .5 /R2 +3.25 /T true /F false /Z null /Ref 12 0 R /Two [1 2] >>') as PdfDict;
    expect([...d.keys()]).toEqual(['A B', 'Int', 'Real', 'R2', 'T', 'F', 'Z', 'Ref', 'Two']);
    expect(d.get('A B')).toBe(PdfName.of('N\xc3\xa9'));
    expect([d.get('Int'), d.get('Real'), d.get('R2'), d.get('T'), d.get('F'), d.get('Z')]).toEqual([-12, 0.5, 3.25, true, false, null]);
    expect(d.get('Ref')).toEqual(new PdfRef(12, 0));
    expect(d.get('Two')).toEqual([1, 2]); // "1 2 ]" is not a reference
  });

  it('skips comments anywhere whitespace is allowed', () => {
    expect(parse('[1 % a comment ] not the end\n 2]')).toEqual([1, 2]);
  });

  it('reads a stream with a wrong /Length by finding endstream', () => {
    const p = new Parser(ascii('7 0 obj\n<< /Length 999 >>\nstream\nHELLO\nendstream\nendobj\n'));
    const io = p.parseIndirectObject();
    expect(io.num).toBe(7);
    expect(latin1((io.obj as PdfStream).raw)).toBe('HELLO');
  });

  it('reads a stream with an indirect /Length through the resolver', () => {
    const src = '7 0 obj\n<< /Length 8 0 R >>\nstream\nab endstream inside\nendstream\nendobj\n';
    const io = new Parser(ascii(src)).parseIndirectObject((r) => (r.num === 8 ? 'ab endstream inside'.length : undefined));
    const s = io.obj as PdfStream;
    expect(latin1(s.raw)).toBe('ab endstream inside');
    expect(s.dataStart).toBe(src.indexOf('ab'));
  });

  it('throws PdfParseError with a message for malformed syntax', () => {
    for (const bad of ['(unterminated', '<4G>', '<< /A >>', '<< 1 2 >>', '[1 2', ')', 'bogus', '1.2.3', '']) {
      expect(() => parse(bad), bad).toThrow(PdfParseError);
    }
  });
});

describe('serializer', () => {
  it('writes deterministic bytes that the parser reads back identically', () => {
    const d = new PdfDict([
      ['Type', PdfName.of('Sig')],
      ['Odd Name/#', PdfName.of('a(b)')],
      ['S', new PdfString(ascii('paren ( ) back \\ nl \n cr \r'), false)],
      ['H', new PdfString(new Uint8Array([0, 255, 16]), true)],
      ['N', [1, -2, 0.5, 1 / 3, -0, 1e-9]],
      ['R', new PdfRef(5, 2)],
      ['B', [true, false, null]],
    ]);
    const bytes = serializeObject(d);
    expect(latin1(bytes)).toBe(
      '<</Type /Sig/Odd#20Name#2F#23 /a#28b#29/S (paren \\( \\) back \\\\ nl \\n cr \\r)/H <00FF10>' +
        '/N [1 -2 0.5 0.333333 0 0]/R 5 2 R/B [true false null]>>',
    );
    const back = new Parser(bytes).parseObject() as PdfDict;
    expect(serializeObject(back)).toEqual(bytes);
    expect(latin1((back.get('S') as PdfString).bytes)).toBe('paren ( ) back \\ nl \n cr \r');
  });

  it('refuses values PDF cannot represent', () => {
    expect(() => serializeObject(Number.NaN)).toThrow(/non-finite/);
    expect(() => serializeObject(2 ** 60)).toThrow(/too large/);
  });
});

describe('text strings and dates', () => {
  it('encodes ASCII as literal and Thai as UTF-16BE hex with BOM, and decodes both back', () => {
    const a = encodeTextString('Approved (by A)');
    expect(a.hex).toBe(false);
    const thai = 'อนุมัติ ผู้อำนวยการ 😀';
    const t = encodeTextString(thai);
    expect(t.hex).toBe(true);
    expect([t.bytes[0], t.bytes[1]]).toEqual([0xfe, 0xff]);
    expect(decodeTextString(t)).toBe(thai);
    expect(decodeTextString(a)).toBe('Approved (by A)');
    expect(decodeTextString(new Uint8Array([0x80, 0x41, 0xa0]))).toBe('\u2022A\u20ac'); // PDFDocEncoding
  });

  it('formats /M with the requested UTC offset and parses it back to the same instant', () => {
    const d = new Date('2025-01-15T03:04:05Z');
    expect(formatPdfDate(d, 420)).toBe("D:20250115100405+07'00'");
    expect(formatPdfDate(d, -330)).toBe("D:20250114213405-05'30'");
    expect(formatPdfDate(d, 0)).toBe("D:20250115030405+00'00'");
    expect(parsePdfDate(formatPdfDate(d, 420))?.toISOString()).toBe(d.toISOString());
    expect(parsePdfDate("D:20250115100405Z")?.toISOString()).toBe('2025-01-15T10:04:05.000Z');
    expect(parsePdfDate('D:2025')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parsePdfDate('D:20251345')).toBeNull();
    expect(() => formatPdfDate(new Date(Number.NaN))).toThrow(/signingTime/);
  });
});
