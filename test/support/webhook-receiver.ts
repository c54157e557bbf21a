import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

// A local webhook receiver and the signature recipe of docs/outbound.md, shared by the webhook tests on the
// platform (test/webhooks.e2e.spec.ts) and through the gateway (test/gateway.e2e.spec.ts).

/** A receiver in the test: records every POST and answers with the next scripted status (200 when none is left). */
export class Receiver {
  readonly requests: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  statuses: number[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = this.statuses.shift() ?? 200;
        response.end(response.statusCode < 300 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  bodies(path: string) {
    return this.requests.filter((request) => request.path === path).map((request) => JSON.parse(request.body));
  }

  async close() {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** The recipe docs/outbound.md gives receivers, as a receiver would write it. */
export function verify(secret: string, header: string, rawBody: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')));
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return typeof v1 === 'string' && v1.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
}
