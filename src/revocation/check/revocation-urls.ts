// Read where a certificate says its revocation data lives: CRL Distribution Points and AIA. Browser-safe.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { BoundedCache } from '../../verify/bytes.js';
import { getParsedCertificate, type ParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { REVOCATION_OID } from './revocation-oids.js';

export interface RevocationUrls {
  crlUrls: string[];
  ocspUrls: string[];
  caIssuersUrls: string[];
}

/** GeneralName uniformResourceIdentifier is type 6. */
const uriOf = (name: pkijs.GeneralName): string | undefined => (name.type === 6 && typeof name.value === 'string' ? name.value : undefined);

const isHttp = (url: string): boolean => /^https?:\/\//i.test(url);

// Decoding the two extensions with pkijs on every online verification of the same signer certificate is wasted work.
const urlCache = new BoundedCache<string, RevocationUrls>(256);

export function clearRevocationUrlCache(): void {
  urlCache.clear();
}

const copyUrls = (u: RevocationUrls): RevocationUrls => ({ crlUrls: [...u.crlUrls], ocspUrls: [...u.ocspUrls], caIssuersUrls: [...u.caIssuersUrls] });

/** The http(s) URLs in a certificate's CDP and AIA extensions (ldap: and others are ignored). */
export async function revocationUrlsOf(certificate: Uint8Array): Promise<RevocationUrls> {
  const cert = await getParsedCertificate(certificate);
  let urls = urlCache.get(cert.fingerprint);
  if (!urls) urlCache.set(cert.fingerprint, (urls = urlsOf(cert)));
  return copyUrls(urls);
}

function urlsOf(cert: ParsedCertificate): RevocationUrls {
  const out: RevocationUrls = { crlUrls: [], ocspUrls: [], caIssuersUrls: [] };
  for (const ext of cert.cert.extensions ?? []) {
    if (ext.extnID !== REVOCATION_OID.crlDistributionPoints && ext.extnID !== REVOCATION_OID.authorityInfoAccess) continue;
    const asn1 = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
    if (asn1.offset === -1) continue;
    try {
      if (ext.extnID === REVOCATION_OID.crlDistributionPoints) {
        const cdp = new pkijs.CRLDistributionPoints({ schema: asn1.result });
        for (const dp of cdp.distributionPoints) {
          // Only full names; a CRL for a subset of reasons or from an indirect issuer is not what we publish or fetch.
          if (dp.reasons || dp.cRLIssuer || !Array.isArray(dp.distributionPoint)) continue;
          for (const n of dp.distributionPoint) {
            const u = uriOf(n);
            if (u && isHttp(u)) out.crlUrls.push(u);
          }
        }
      } else {
        const aia = new pkijs.InfoAccess({ schema: asn1.result });
        for (const d of aia.accessDescriptions) {
          const u = uriOf(d.accessLocation);
          if (!u || !isHttp(u)) continue;
          if (d.accessMethod === REVOCATION_OID.adOcsp) out.ocspUrls.push(u);
          else if (d.accessMethod === REVOCATION_OID.adCaIssuers) out.caIssuersUrls.push(u);
        }
      }
    } catch {
      // A malformed pointer extension just means no URL from it; the certificate itself was already parsed.
    }
  }
  return out;
}
