import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '#platform-kit';
import { TEST_JWT_SECRET } from './support/test-platform.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** apps/platform/main.ts (what `npm start` runs) in a child process, with its JSON log lines observable. */
function startPlatformProcess(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [`${root}test/support/run-source.mjs`, `${root}apps/platform/main.ts`], {
    env: { ...process.env, PORT: '0', LEDGERDESK_DATA_DIR: 'memory://', LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET, LEDGERDESK_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, any>[] = [];
  const watchers: { test: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    for (const text of complete) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, any>;
      lines.push(line);
      for (const watcher of [...watchers]) if (watcher.test(line)) watcher.resolve(line);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const logged = (msg: RegExp) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const seen = lines.find((line) => msg.test(line.msg));
      if (seen) return resolve(seen);
      watchers.push({ test: (line) => msg.test(line.msg), resolve });
      void exited.then(({ code }) => reject(new Error(`the platform exited (${code}) before logging ${msg}`)));
    });
  return { child, logged, exited };
}

/**
 * A POST whose headers the platform has taken up (`100 Continue` proves it) and whose body is held back
 * until `send()`: a request in flight for as long as the test wants.
 */
async function takenUp(port: number, token: string, query: string) {
  const body = JSON.stringify({ query });
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue', authorization: `Bearer ${token}` },
  });
  const taken = new Promise<void>((resolve) => req.once('continue', resolve));
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  await taken;
  return { send: () => req.end(body), answer };
}

let running: ChildProcess | undefined;
afterEach(() => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
});

describe('SIGTERM', () => {
  it('lets a request in flight finish, refuses new connections, and exits 0', async () => {
    const platform = startPlatformProcess();
    running = platform.child;
    const { port } = await platform.logged(/listening on/);
    const token = await new TokenService(TEST_JWT_SECRET).sign({ id: 'admin', role: 'ADMIN', accountId: null });

    // It reads the read models: the databases must still be open while it runs.
    const { send, answer } = await takenUp(port, token, '{ now accounts(first: 1) { edges { node { id } } } }');

    platform.child.kill('SIGTERM');
    await platform.logged(/shutting down/);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    send();

    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { now: expect.any(String), accounts: { edges: [] } } });
    expect(await platform.exited).toEqual({ code: 0, signal: null });
    await expect(platform.logged(/^shut down$/)).resolves.toBeDefined();
  });

  it('cuts a request still running at LEDGERDESK_SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const platform = startPlatformProcess({ LEDGERDESK_SHUTDOWN_TIMEOUT_MS: '300' });
    running = platform.child;
    const { port } = await platform.logged(/listening on/);
    const token = await new TokenService(TEST_JWT_SECRET).sign({ id: 'admin', role: 'ADMIN', accountId: null });
    // Its body never comes: without the bound the process would wait for it forever.
    const { answer } = await takenUp(port, token, '{ now }');

    platform.child.kill('SIGTERM');
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await platform.exited).toEqual({ code: 0, signal: null });
    await expect(platform.logged(/were cut$/)).resolves.toMatchObject({ cut: 1 });
  });
});
