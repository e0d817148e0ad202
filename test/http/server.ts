import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../src/http/app.js';
import { PROJECT_ROOT } from '../../src/config.js';
import type { App } from '../../src/app/open-app.js';

/** A real Fastify server of the app on an ephemeral port of 127.0.0.1, for real `fetch` calls. */
export interface RunningServer {
  http: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  close(): Promise<void>;
}

export async function startServer(app: App): Promise<RunningServer> {
  const http = await buildHttpApp(app.services);
  await http.listen({ host: '127.0.0.1', port: 0 });
  const { port } = http.server.address() as AddressInfo;
  return { http, base: `http://127.0.0.1:${port}`, close: () => http.close() };
}

export interface IssueExample {
  type: string;
  data: Record<string, unknown>;
}

/** The request bodies shipped in examples/ (what the README tells people to POST). */
export function readExample(name: 'training-certificate' | 'factory-licence'): IssueExample {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', `issue-${name}.json`), 'utf8')) as IssueExample;
}

/** Rows in the registry, counted with SQL so the test does not trust the API it is checking. */
export async function countDocuments(app: App): Promise<number> {
  const row = await app.database.db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  // PostgreSQL returns count(*) as a bigint string, SQLite as a number.
  return Number(row.n);
}

export const auth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

export const jsonHeaders = (key?: string): Record<string, string> => ({
  'content-type': 'application/json',
  ...(key ? auth(key) : {}),
});

/** Flips one bit inside the signed bytes (the XMP packet, plain XML of the signed revision) → digest mismatch. */
export function flipSignedByte(pdf: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = Buffer.from(pdf);
  const at = copy.indexOf('<x:xmpmeta');
  if (at < 0) throw new Error('test PDF has no XMP packet to alter');
  copy[at + 30] = copy[at + 30]! ^ 0x01;
  return new Uint8Array(copy);
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
