const MAX_NAME_BYTES = 120;
const encoder = new TextEncoder();
const graphemes = new Intl.Segmenter('th', { granularity: 'grapheme' });

function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/** Cuts at a grapheme boundary so a Thai vowel or tone mark is never left without its consonant. */
function truncateBytes(s: string, max: number): string {
  if (byteLength(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const n = byteLength(segment);
    if (used + n > max) break;
    out += segment;
    used += n;
  }
  return out;
}

function splitExtension(name: string): [string, string] {
  const m = /^(.*?)(\.[A-Za-z0-9]{1,10})$/.exec(name);
  return m && m[1] !== '' ? [m[1]!, m[2]!] : [name, ''];
}

/**
 * A zip entry name that extracts as one plain file on any system: no directories (/ \), no "..", no control or
 * bidi-override characters (which can disguise an extension), no characters Windows refuses, at most 120 UTF-8 bytes
 * with the extension kept. Thai letters are kept as they are (NFC).
 */
export function sanitizeEntryName(name: string, suffix = ''): string {
  let s = name.normalize('NFC');
  s = s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  s = s.replace(/[/\\:*?"<>|]/g, '_');
  s = s.replace(/\.{2,}/g, '.');
  s = s.replace(/^[\s.]+|[\s.]+$/g, '');
  if (s === '') s = 'document';
  const [stem, ext] = splitExtension(s);
  const base = /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(stem) ? `_${stem}` : stem; // device names Windows will not create
  const room = MAX_NAME_BYTES - byteLength(ext) - byteLength(suffix);
  const cut = truncateBytes(base, room).replace(/[\s.]+$/, '') || 'document';
  return truncateBytes(cut + suffix + ext, MAX_NAME_BYTES);
}

/** Hands out sanitised names, adding -2, -3… before the extension when a name (ignoring case) was already given. */
export class UniqueEntryNames {
  private readonly used = new Set<string>();

  take(name: string): string {
    let candidate = sanitizeEntryName(name);
    for (let n = 2; this.used.has(candidate.toLowerCase()); n++) candidate = sanitizeEntryName(name, `-${n}`);
    this.used.add(candidate.toLowerCase());
    return candidate;
  }
}
