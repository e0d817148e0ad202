// Inputs made from nothing: random bytes behind a %PDF- header (sometimes with a startxref tail) and PDF-like token
// soup with made-up objects and xref tables; well-formed files whose object graph is random (loops, dangling
// references, signature fields, name trees, lying stream lengths).
import { fuzzSuite } from './lib/fuzz-suite.js';

fuzzSuite('random inputs', {
  seed: 0x5eed0003,
  cases: 5000,
  kinds: ['random-pdf', 'token-soup', 'random-graph'],
  expectVerdicts: ['MALFORMED'],
});
