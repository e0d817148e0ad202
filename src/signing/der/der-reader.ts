/**
 * Minimal DER reader: splits a buffer into tag-length-value elements without decoding their contents. Used where we
 * must edit an existing encoding byte-exactly (adding an unsigned attribute must not disturb the signed bytes).
 */

export interface DerElement {
  /** Identifier octet (single-byte tags only; CMS and X.509 need no more). */
  tag: number;
  /** Offset of the identifier octet in the source buffer. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

/** Reads one element at `offset`. Throws on indefinite lengths, multi-byte tags or truncation. */
export function readElement(buffer: Uint8Array, offset: number, limit = buffer.length): DerElement {
  if (offset >= limit) throw new Error(`DER: expected an element at offset ${offset}, found end of data`);
  const tag = buffer[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: multi-byte tag at offset ${offset} is not supported`);
  let cursor = offset + 1;
  if (cursor >= limit) throw new Error(`DER: truncated length at offset ${cursor}`);
  const first = buffer[cursor++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new Error(`DER: indefinite length at offset ${offset} (BER) is not accepted`);
    if (count > 4) throw new Error(`DER: length of ${count} octets at offset ${offset} is too large`);
    if (cursor + count > limit) throw new Error(`DER: truncated length at offset ${cursor}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[cursor++]!;
  }
  const end = cursor + length;
  if (end > limit) throw new Error(`DER: element at offset ${offset} claims ${length} bytes but only ${limit - cursor} remain`);
  return { tag, start: offset, contentStart: cursor, end };
}

/** Lists the direct children of a constructed element. */
export function readChildren(buffer: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(buffer, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export const elementBytes = (buffer: Uint8Array, element: DerElement): Uint8Array => buffer.subarray(element.start, element.end);
export const contentBytes = (buffer: Uint8Array, element: DerElement): Uint8Array =>
  buffer.subarray(element.contentStart, element.end);
