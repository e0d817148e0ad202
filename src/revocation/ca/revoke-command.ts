// Node-only: `ekasarn ca revoke SERIAL [--reason NAME] [--at ISO-8601]`, ready for the CLI to call.
import { CRL_REASONS, isCrlReason } from '../check/crl-reason.js';
import { CaStateError } from './ca-state.js';
import { revokeCertificate } from './ca-state-file.js';

export const CA_REVOKE_USAGE = `usage: ekasarn ca revoke SERIAL [--reason ${CRL_REASONS.filter((r) => r !== 'removeFromCRL').join('|')}] [--at ISO-8601 time]`;

/** Parses the arguments after "ca revoke", revokes, and returns the line to print. Throws CaStateError on bad input. */
export async function runCaRevokeCommand(args: readonly string[], stateDir: string): Promise<string> {
  let serial: string | undefined;
  let reason: string | undefined;
  let at: Date | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--reason' || a === '--at') {
      const value = args[++i];
      if (value === undefined) throw new CaStateError(`${a}: missing value\n${CA_REVOKE_USAGE}`);
      if (a === '--reason') reason = value;
      else {
        at = new Date(value);
        if (Number.isNaN(at.getTime())) throw new CaStateError(`--at: expected an ISO 8601 time, got ${JSON.stringify(value)}`);
      }
    } else if (a.startsWith('--')) throw new CaStateError(`unknown option ${a}\n${CA_REVOKE_USAGE}`);
    else if (serial === undefined) serial = a;
    else throw new CaStateError(`unexpected argument ${JSON.stringify(a)}\n${CA_REVOKE_USAGE}`);
  }
  if (serial === undefined) throw new CaStateError(`SERIAL is required\n${CA_REVOKE_USAGE}`);
  if (reason !== undefined && !isCrlReason(reason)) throw new CaStateError(`--reason: expected one of ${CRL_REASONS.join(', ')}, got ${JSON.stringify(reason)}`);
  const r = await revokeCertificate(stateDir, serial, { ...(reason ? { reason } : {}), ...(at ? { at } : {}) });
  return `revoked ${r.serialHex} at ${r.revokedAt} (${r.reason})`;
}
