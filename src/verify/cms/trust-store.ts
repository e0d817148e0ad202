// Trusted roots, parsed once. Callers may pass raw DER arrays each time; we memoise by array identity and the
// certificate cache makes even fresh arrays cheap.
import { getParsedCertificate, type ParsedCertificate } from './parsed-certificate.js';

export class TrustStore {
  /** Stable identity of the set (sorted fingerprints), part of the chain-cache key. */
  readonly id: string;
  private readonly byFingerprint = new Map<string, ParsedCertificate>();
  private readonly bySubject = new Map<string, ParsedCertificate[]>();

  constructor(
    readonly anchors: readonly ParsedCertificate[],
    /** Roots that could not be parsed, with the reason: reported, never thrown. */
    readonly rejected: readonly string[] = [],
  ) {
    for (const a of anchors) {
      this.byFingerprint.set(a.fingerprint, a);
      const list = this.bySubject.get(a.subjectKey);
      if (list) list.push(a);
      else this.bySubject.set(a.subjectKey, [a]);
    }
    // Rejected roots are part of the identity: their reasons appear in cached chain results.
    this.id = [...this.byFingerprint.keys()].sort().join(',') + (rejected.length ? `|rejected:${rejected.join('|')}` : '');
  }

  has(cert: ParsedCertificate): boolean {
    return this.byFingerprint.has(cert.fingerprint);
  }

  withSubject(subjectKey: string): readonly ParsedCertificate[] {
    return this.bySubject.get(subjectKey) ?? [];
  }

  get size(): number {
    return this.anchors.length;
  }
}

/** Build a trust store from DER certificates. Never throws: unparsable roots are listed in `rejected`. */
export async function createTrustStore(roots: readonly Uint8Array[]): Promise<TrustStore> {
  const anchors: ParsedCertificate[] = [];
  const rejected: string[] = [];
  for (let i = 0; i < roots.length; i++) {
    const der = roots[i];
    if (!(der instanceof Uint8Array)) {
      rejected.push(`trustRoots[${i}]: expected a Uint8Array with a DER certificate`);
      continue;
    }
    try {
      anchors.push(await getParsedCertificate(der));
    } catch (e) {
      rejected.push(`trustRoots[${i}]: not a DER certificate (${(e as Error).message})`);
    }
  }
  return new TrustStore(anchors, rejected);
}

const byArray = new WeakMap<readonly Uint8Array[], Promise<TrustStore>>();

export function resolveTrustStore(roots: readonly Uint8Array[] | TrustStore): Promise<TrustStore> {
  if (roots instanceof TrustStore) return Promise.resolve(roots);
  let p = byArray.get(roots);
  if (!p) {
    p = createTrustStore(roots);
    byArray.set(roots, p);
  }
  return p;
}
