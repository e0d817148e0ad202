// Remembers signature-verification outcomes of parsed CRLs and OCSP responses. Browser-safe.
//
// Why: verifying a CRL or OCSP signature (and a delegated responder's certificate) costs WebCrypto round trips on
// every verification, for data that has not changed. The outcome depends only on the parsed data (itself cached by
// exact content, see content-cache.ts) and on who is asked to have signed it (issuer certificate fingerprint, trusted
// responders) — never on the validation time, so it is safe to reuse for any `at`.

/** Outcomes per parsed object, then per signer key; dies with the parsed object (WeakMap). */
export class VerificationMemo<P extends object, R> {
  private results = new WeakMap<P, Map<string, Promise<R>>>();

  /** @param perItem most signer keys remembered per parsed object (then that object's memo starts afresh) */
  constructor(private readonly perItem: number) {}

  get(item: P, signerKey: string, compute: () => Promise<R>): Promise<R> {
    let byKey = this.results.get(item);
    if (!byKey) this.results.set(item, (byKey = new Map()));
    let p = byKey.get(signerKey);
    if (!p) {
      if (byKey.size >= this.perItem) byKey.clear();
      const fresh = compute();
      // An exception (not a verification failure, which is a normal result) must not stick.
      fresh.catch(() => {
        if (byKey!.get(signerKey) === fresh) byKey!.delete(signerKey);
      });
      byKey.set(signerKey, fresh);
      p = fresh;
    }
    return p;
  }

  clear(): void {
    this.results = new WeakMap();
  }
}
