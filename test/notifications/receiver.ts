import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/notifications/index.js';

/** What a test endpoint does with its n-th request (1-based). */
export type Reply = { status: number; body?: string; delayMs?: number };
export type Behaviour = (n: number) => Reply | 'hang';

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Our own check of Ekasarn-Signature with the path's secret, on arrival, against the real clock. */
  verified: boolean;
  at: number;
}

/**
 * A real relying party: node:http on 127.0.0.1:0. Each path behaves as the test says and verifies the HMAC of every
 * request it receives, as a receiver following our documentation would.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly secrets = new Map<string, string>();
  private readonly hanging = new Set<ServerResponse>();
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<Receiver> {
    let self: Receiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.handle(req.url ?? '/', req.method ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** An endpoint URL whose requests are checked with `secret` (set it once the subscription exists). */
  endpoint(path: string, behaviour: Behaviour): string {
    this.behaviours.set(path, behaviour);
    return `${this.base}${path}`;
  }

  setSecret(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private handle(path: string, method: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const secret = this.secrets.get(path) ?? '';
    const verified = verifyWebhookSignature({ secret, body, headers, now: new Date() }).ok;
    this.requests.push({ path, method, headers, body, verified, at: Date.now() });
    const n = this.at(path).length;
    const behaviour = this.behaviours.get(path) ?? (() => ({ status: 404 }));
    const answer = behaviour(n);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    const what: Reply = answer;
    const send = () => res.writeHead(what.status, { 'content-type': 'text/plain' }).end(what.body ?? '');
    if (what.delayMs) setTimeout(send, what.delayMs);
    else send();
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
