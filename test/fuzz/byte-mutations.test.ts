// Byte-level mutations of genuine signed documents (B-B, B-LTA, unsigned): bit flips, overwrites with random bytes and
// PDF tokens, insertions, deletions, duplicated chunks and truncation at random offsets.
import { fuzzSuite } from './lib/fuzz-suite.js';

fuzzSuite('byte mutations', {
  seed: 0x5eed0001,
  cases: 4000,
  kinds: ['bit-flip', 'overwrite', 'token-overwrite', 'token-insert', 'truncate', 'insert', 'delete', 'duplicate'],
  expectVerdicts: ['VALID', 'TAMPERED', 'MALFORMED', 'NOT_SIGNED'],
});
