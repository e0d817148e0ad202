/** A growable byte buffer that records named positions (placeholders to patch later). */
export class ByteBuilder {
  private buf: Uint8Array;
  length = 0;
  /** Named marks: absolute [start, end) of bytes written for a placeholder, relative to this builder. */
  readonly marks = new Map<string, { start: number; end: number }>();

  constructor(initial = 4096) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Appends an ASCII/binary string (each char code < 256 is one byte). */
  ascii(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i) & 0xff;
    return this;
  }

  byte(c: number): this {
    this.ensure(1);
    this.buf[this.length++] = c;
    return this;
  }

  /** Appends `fill` repeated `n` times. */
  repeat(fill: number, n: number): this {
    this.ensure(n);
    this.buf.fill(fill, this.length, this.length + n);
    this.length += n;
    return this;
  }

  mark(name: string, start: number, end: number): void {
    this.marks.set(name, { start, end });
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
