import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './webhook-transport.js';

describe('webhook transport', () => {
  let hits = 0;
  let status = 200;
  const server = createServer((_request, response) => {
    hits += 1;
    response.statusCode = status;
    response.end('answer');
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (url: string, allowLoopback: boolean) => postWebhook(url, { 'content-type': 'application/json' }, '{}', { allowLoopback, timeoutMs: 5_000 });

  it('refuses a name that resolves to a loopback address before connecting, unless loopback is allowed', async () => {
    const refused = await post(`http://localhost:${port}/`, false);
    expect(refused).toMatchObject({ ok: false, responseStatus: null });
    expect(refused.ok ? '' : refused.error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1) is a private, loopback/);
    expect(hits).toBe(0);
    expect(await post(`http://localhost:${port}/`, true)).toMatchObject({ ok: true, responseStatus: 200, responseBody: 'answer' });
    expect(hits).toBe(1);
  });

  it('refuses literal private addresses without a lookup', async () => {
    for (const url of [`http://127.0.0.1:${port}/`, 'http://10.0.0.1/', 'http://[::ffff:169.254.169.254]/']) {
      const outcome = await post(url, false);
      expect(outcome.ok ? '' : outcome.error, url).toMatch(/^refused: /);
    }
    expect(hits).toBe(1);
  });

  it('counts anything but a 2xx as a failure, with the status and the answer', async () => {
    status = 302;
    expect(await post(`http://127.0.0.1:${port}/`, true)).toMatchObject({ ok: false, responseStatus: 302, error: 'HTTP 302', responseBody: 'answer' });
    status = 200;
  });
});
