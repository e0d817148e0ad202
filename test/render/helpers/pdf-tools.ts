import { execFileSync } from 'node:child_process';

/** Runs a Debian tool with an argument array (never a shell string) and returns stdout as text. */
export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/**
 * pdftotext output as one line: every run of white space (line wraps, layout padding, the U+00A0 that templates use
 * to keep dates together) becomes one space, so a value that wrapped is still found.
 */
export function pdfText(file: string): string {
  return run('pdftotext', ['-raw', file, '-']).replace(/\s+/g, ' ');
}

/** Parsed `pdffonts` table rows. */
export function pdfFonts(file: string): { name: string; emb: string }[] {
  const lines = run('pdffonts', [file]).split('\n').slice(2).filter((l) => l.trim());
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    // name type... encoding emb sub uni objectID gen: emb is the 5th column from the end.
    return { name: cols[0]!, emb: cols[cols.length - 5]! };
  });
}

/** The catalog dictionary text, as qpdf prints it. */
export function catalog(file: string): string {
  const trailer = run('qpdf', ['--show-object=trailer', file]);
  const root = /\/Root (\d+) 0 R/.exec(trailer);
  if (!root) throw new Error('no /Root in trailer: ' + trailer);
  return run('qpdf', [`--show-object=${root[1]}`, file]);
}
