// Structure-aware mutations: the numbers a reader trusts (/ByteRange, /Length, xref offsets and counts, startxref,
// /Prev, /Size) replaced by absurd or near-miss values; chunks spliced between two documents; one document's head
// on another's tail; several mutations stacked; and edits of the CMS DER inside /Contents (re-encoded as hex).
import { fuzzSuite } from './lib/fuzz-suite.js';

fuzzSuite('structural mutations', {
  seed: 0x5eed0002,
  cases: 2000,
  kinds: ['number-edit', 'splice', 'crossover', 'stacked', 'cms-edit'],
  expectVerdicts: ['VALID', 'TAMPERED', 'MALFORMED'],
});
