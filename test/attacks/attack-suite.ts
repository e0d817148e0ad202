/** Shared assertions: an attack must get a non-VALID verdict, the expected one, and a specific failed check. */
import { expect } from 'vitest';
import type { Check, VerificationReport, Verdict } from '../../src/verify/index.js';

export const allChecks = (r: VerificationReport): Check[] => [...r.checks, ...r.signatures.flatMap((s) => s.checks)];

/** Returns the failed check so callers can assert on its detail (the report's statement of what changed). */
export function expectRejected(r: VerificationReport, verdict: Verdict, checkId: string): Check {
  const failed = allChecks(r).filter((c) => c.status === 'failed');
  const summary = failed.map((c) => `${c.id}: ${c.detail ?? ''}`).join('\n');
  expect(r.verdict, summary).not.toBe('VALID');
  expect(r.verdict, summary).toBe(verdict);
  const hit = failed.find((c) => c.id === checkId);
  expect(hit, `expected failed check ${checkId}; failed were:\n${summary}`).toBeDefined();
  return hit!;
}
