import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { buildDistOnce, cli, tool } from './cli-runner.js';

/**
 * The `ekasarn` command end to end on SQLite: every step runs the real compiled CLI in a child process against a
 * temporary EKASARN_DATA, and results are cross-checked with openssl and poppler's pdfsig where they can be.
 */

const sample = (type: string) => join(PROJECT_ROOT, 'types', type, 'sample.json');
const ID = /^[A-Za-z0-9_-]{22}$/;

interface JsonReport {
  verdict: string;
  checks: { id: string; status: string }[];
  signatures: { verdict: string }[];
}

describe('ekasarn CLI [sqlite]', () => {
  let work: string;
  let env: Record<string, string>;
  const timings: string[] = [];
  const file = (name: string) => join(work, name);
  const timed = async (label: string, args: string[], e: Record<string, string> = env, cwd?: string) => {
    const r = await cli(args, e, cwd ? { cwd } : {});
    timings.push(`${label}: ${r.ms.toFixed(0)} ms`);
    return r;
  };

  beforeAll(async () => {
    await buildDistOnce();
    work = mkdtempSync(join(tmpdir(), 'ekasarn-cli-'));
    env = { EKASARN_DATA: join(work, 'data'), EKASARN_PUBLIC_URL: 'http://127.0.0.1:3000' };
  });
  afterAll(() => {
    console.info(`[cli timings] ${timings.join(' | ')}`);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('init --demo names the demo agency and prints the API key it saved', async () => {
    const r = await timed('init --demo', ['init', '--demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('demo agency');
    expect(r.stdout).toContain('สำนักงานตัวอย่างเพื่อการสาธิตระบบ');
    const key = /demo API key: (ek_\S+)/.exec(r.stdout)?.[1];
    expect(key).toBeTruthy();
    expect(readFileSync(join(env.EKASARN_DATA!, 'demo-api-key.txt'), 'utf8').trim()).toBe(key);
    // Running it again is harmless and keeps the same key.
    const again = await cli(['init', '--demo'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(key!);
  });

  it('types list shows both bundled types', async () => {
    const r = await timed('types list', ['types', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^training-certificate@1\t/m);
    expect(r.stdout).toMatch(/^factory-licence@1\t/m);
    const json = await cli(['types', 'list', '--json'], env);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((t) => t.id).sort()).toEqual(['factory-licence', 'training-certificate']);
  });

  it('issue prints the 22-character id and writes a signed PDF (pdfsig: Signature is Valid)', async () => {
    const r = await timed('issue', ['issue', '--type', 'training-certificate', '--data', sample('training-certificate'), '--out', file('f.pdf')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(ID);
    expect(r.stderr).toContain('f.pdf');
    const pdf = readFileSync(file('f.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const sig = await tool('pdfsig', [file('f.pdf')]);
    expect(sig.stdout).toContain('ETSI.CAdES.detached');
    expect(sig.stdout).toContain('Signature is Valid.');
    // The demo signs at PAdES B-LT: a DSS revision follows the signature, so pdfsig reports the signed range as not
    // the whole file; our verifier accepts revisions that only add validation data (checked below with --json).
    expect(sig.stdout).toContain('Not total document signed');
  });

  it('verify f.pdf → exit 0 and VALID; --json parses with verdict VALID', async () => {
    const r = await timed('verify', ['verify', file('f.pdf')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('VALID');
    expect(r.stdout).toMatch(/[\u0E01-\u0E5B]/); // the Thai summary line
    const j = await timed('verify --json', ['verify', file('f.pdf'), '--json']);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout) as JsonReport;
    expect(report.verdict).toBe('VALID');
    expect(report.checks.find((c) => c.id === 'status.registry')?.status).toBe('passed');
    // The demo's default level, proven by what verified: timestamp + DSS with revocation data.
    expect((report as unknown as { level?: string }).level).toBe('B-LT');
  });

  it('verify --offline → VALID without the registry check', async () => {
    const r = await timed('verify --offline', ['verify', file('f.pdf'), '--offline', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.verdict).toBe('VALID');
    expect(report.checks.find((c) => c.id === 'status.registry')?.status ?? 'skipped').toBe('skipped');
  });

  it('a tampered copy → exit 1 and TAMPERED', async () => {
    const pdf = Buffer.from(readFileSync(file('f.pdf')));
    const at = pdf.indexOf('<x:xmpmeta');
    expect(at).toBeGreaterThan(0);
    pdf[at + 30] = pdf[at + 30]! ^ 0x01;
    writeFileSync(file('tampered.pdf'), pdf);
    const r = await timed('verify tampered', ['verify', file('tampered.pdf')]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('TAMPERED');
    // poppler agrees, independently.
    expect((await tool('pdfsig', [file('tampered.pdf')])).stdout).not.toContain('Signature is Valid.');
  });

  it('trust export prints a PEM root that openssl reads and that alone makes the PDF trusted elsewhere', async () => {
    const r = await timed('trust export', ['trust', 'export']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-----BEGIN CERTIFICATE-----/);
    writeFileSync(file('roots.pem'), r.stdout);
    const subject = await tool('openssl', ['x509', '-noout', '-subject', '-in', file('roots.pem')]);
    expect(subject.code, subject.stderr).toBe(0);
    expect(subject.stdout).toMatch(/^subject=/);
    expect(subject.stdout).toContain('NOT FOR PRODUCTION');

    // A verifier with its own, empty data folder: no development root, so the document cannot be trusted…
    const elsewhere = { EKASARN_DATA: join(work, 'elsewhere') };
    const untrusted = await timed('verify (no roots)', ['verify', file('f.pdf')], elsewhere);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout.split('\n')[0]).toBe('UNTRUSTED');
    // …until it is given the exported roots.
    const trusted = await timed('verify --trust', ['verify', file('f.pdf'), '--trust', file('roots.pem'), '--offline'], elsewhere);
    expect(trusted.code, trusted.stdout).toBe(0);
    expect(trusted.stdout.split('\n')[0]).toBe('VALID');
    // And an unrelated root (a fresh self-signed certificate) does not help.
    const other = await tool('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('other.key'), '-out', file('other.pem'), '-subj', '/CN=Unrelated Root', '-days', '2']);
    expect(other.code, other.stderr).toBe(0);
    const wrong = await cli(['verify', file('f.pdf'), '--trust', file('other.pem'), '--offline'], elsewhere);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout.split('\n')[0]).toBe('UNTRUSTED');
  });

  it('keys create --alg P-256, then issue → an ECDSA signature that verifies VALID', async () => {
    const k = await timed('keys create P-256', ['keys', 'create', '--alg', 'P-256']);
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout).toContain('P-256');
    const r = await cli(['issue', '--type', 'factory-licence', '--data', sample('factory-licence'), '--out', file('ec.pdf')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(ID);
    const v = await cli(['verify', file('ec.pdf')], env);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout.split('\n')[0]).toBe('VALID');
    // Independent check of the algorithm: dump the CMS with poppler, print it with openssl.
    const dumpDir = join(work, 'dump');
    rmSync(dumpDir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(dumpDir);
    const dump = await tool('pdfsig', ['-dump', file('ec.pdf')], { cwd: dumpDir });
    expect(dump.stdout).toContain('ec.pdf.sig0');
    const cms = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dumpDir, 'ec.pdf.sig0')]);
    expect(cms.code, cms.stderr).toBe(0);
    expect(cms.stdout).toContain('id-ecPublicKey');
    expect(cms.stdout).toContain('ecdsa-with-SHA256');
    // The earlier RSA-signed document still verifies: the old key's certificate chains to the same root.
    expect((await cli(['verify', file('f.pdf')], env)).code).toBe(0);
  });

  it('invalid data → non-zero exit and one bilingual line per field', async () => {
    const bad = { ...JSON.parse(readFileSync(sample('training-certificate'), 'utf8')), citizen_id: '1103700123459', first_name_en: 'P1m', result: 'x' };
    writeFileSync(file('bad.json'), JSON.stringify(bad));
    const r = await timed('issue invalid', ['issue', '--type', 'training-certificate', '--data', file('bad.json'), '--out', file('bad.pdf')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The document data is invalid');
    expect(r.stderr).toContain('ข้อมูลเอกสารไม่ถูกต้อง');
    for (const field of ['citizen_id', 'first_name_en', 'result']) {
      expect(r.stderr).toMatch(new RegExp(`^  - ${field}: .*[\\u0E01-\\u0E5B].* / .*[A-Za-z]`, 'm'));
    }
    expect(existsSync(file('bad.pdf'))).toBe(false);

    writeFileSync(file('not-json.json'), '{ nope');
    const nj = await cli(['issue', '--type', 'training-certificate', '--data', file('not-json.json')], env);
    expect(nj.code).not.toBe(0);
    expect(nj.stderr).toContain('not-json.json');
  });

  it('unknown type → non-zero exit naming it', async () => {
    const r = await cli(['issue', '--type', 'no-such-type', '--data', sample('training-certificate')], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Unknown document type "no-such-type"');
    expect(r.stderr).toContain('ไม่รู้จักประเภทเอกสาร');
  });

  it('unknown command, unknown flag or missing argument → exit 2 with usage', async () => {
    const unknown = await cli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('ekasarn verify FILE.pdf');
    const flag = await cli(['verify', file('f.pdf'), '--no-such-flag'], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('ekasarn issue --type');
    const missing = await cli(['issue', '--data', sample('training-certificate')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--type is required');
    const none = await cli([], env);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('ekasarn start');
  });
});
