import { resolve, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runtime configuration, from the environment (twelve-factor style; a deployment sets these in its unit file).
 * Every variable is optional: with none set, ekasarn runs as a local demo on SQLite under ./data.
 */
export interface Config {
  /** Where the SQLite file, blobs and development keys live. */
  dataDir: string;
  /** PostgreSQL connection string; when absent, SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** Base URL printed in QR codes: `${publicUrl}/v/<id>`. */
  publicUrl: string;
  host: string;
  port: number;
  /** Folder of bundled document types. */
  typesDir: string;
  /** Largest request body accepted, bytes (PDFs sent for verification included). */
  bodyLimit: number;
  /** Production signing material (PKCS#12 or PEM); absent → the development identity made by `ekasarn init`. */
  signing: {
    p12Path?: string;
    p12Password?: string;
    keyPath?: string;
    certPath?: string;
    chainPath?: string;
  };
  /** Extra trust roots (PEM file) for verification, in addition to those in dataDir. */
  trustRootsPath?: string;
  /** PAdES level for new documents; undefined = B-LT when a TSA is available (the built-in one in demo), else B-B. */
  signatureLevel: string | undefined;
  /** A remote RFC 3161 time-stamping authority (e.g. ETDA's); absent → the built-in one when a development CA exists. */
  tsa: {
    url?: string;
    username?: string;
    password?: string;
    clientCertPath?: string;
    clientKeyPath?: string;
    caPath?: string;
    /** 'fail' (default): issuance fails when the TSA cannot answer; 'wait': retry with back-off up to waitSeconds. */
    onFailure: 'fail' | 'wait';
    waitSeconds: number;
  };
}

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function intFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^[0-9]+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function tsaFailure(v: string | undefined): 'fail' | 'wait' {
  if (v === undefined || v === '' || v === 'fail') return 'fail';
  if (v === 'wait') return 'wait';
  throw new Error(`EKASARN_TSA_ON_FAILURE must be "fail" or "wait", got "${v}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFrom('PORT', env.PORT, 3000);
  const host = env.HOST ?? '127.0.0.1';
  const publicUrl = (env.EKASARN_PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(publicUrl)) throw new Error(`EKASARN_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  return {
    dataDir: resolve(env.EKASARN_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl,
    host,
    port,
    typesDir: resolve(env.EKASARN_TYPES ?? join(PROJECT_ROOT, 'types')),
    bodyLimit: intFrom('EKASARN_BODY_LIMIT', env.EKASARN_BODY_LIMIT, 20 * 1024 * 1024),
    signing: {
      p12Path: env.EKASARN_SIGNING_P12,
      p12Password: env.EKASARN_SIGNING_P12_PASSWORD,
      keyPath: env.EKASARN_SIGNING_KEY,
      certPath: env.EKASARN_SIGNING_CERT,
      chainPath: env.EKASARN_SIGNING_CHAIN,
    },
    trustRootsPath: env.EKASARN_TRUST_ROOTS,
    signatureLevel: env.EKASARN_SIGNATURE_LEVEL || undefined,
    tsa: {
      url: env.EKASARN_TSA_URL || undefined,
      username: env.EKASARN_TSA_USERNAME,
      password: env.EKASARN_TSA_PASSWORD,
      clientCertPath: env.EKASARN_TSA_CLIENT_CERT,
      clientKeyPath: env.EKASARN_TSA_CLIENT_KEY,
      caPath: env.EKASARN_TSA_CA,
      onFailure: tsaFailure(env.EKASARN_TSA_ON_FAILURE),
      waitSeconds: intFrom('EKASARN_TSA_WAIT_SECONDS', env.EKASARN_TSA_WAIT_SECONDS, 30),
    },
  };
}
