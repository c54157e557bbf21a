import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '#platform-kit';
import { TEST_JWT_SECRET } from './support/test-platform.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;

/** The platform (apps/platform/main.ts, as `npm start` runs it) in a child process whose memory can be read. */
function startPlatformProcess(): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, [`${root}test/support/run-source.mjs`, `${root}apps/platform/main.ts`], {
    env: { ...process.env, PORT: '0', LEDGERDESK_DATA_DIR: 'memory://', LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET, LEDGERDESK_LOG_LEVEL: 'info', LEDGERDESK_RATE_LIMIT_PER_IP: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (/listening on/.test(parsed.msg ?? '') && parsed.port) resolve(parsed.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`the platform exited (${code}) before listening`)));
  });
  return { child, port };
}

/** Resident memory of a process (Linux /proc), in bytes. */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** Streams `size` bytes of generated content as a raw-body upload, hashing them on the way; the answer as JSON. */
function upload(port: number, token: string, size: number): Promise<{ status: number; body: any; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/attachments?fileName=sdk-trace.log',
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': size, authorization: `Bearer ${token}` },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || 'null'), sha256: hash.digest('hex') }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(256 * 1024);
    let sent = 0;
    let counter = 0;
    const write = () => {
      while (sent < size) {
        // Content that differs chunk to chunk (a constant body could be deduplicated or compressed somewhere).
        chunk.writeUInt32LE(counter++, 0);
        chunk.writeUInt32LE(Math.imul(counter, 2654435761) >>> 0, 128);
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        hash.update(piece);
        sent += piece.length;
        if (!req.write(Buffer.from(piece))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

let running: ChildProcess | undefined;
afterEach(() => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
});

describe('a 200 MB upload', () => {
  it('is streamed to storage: the process grows by less than 64 MB and the file is stored whole', async () => {
    const platform = startPlatformProcess();
    running = platform.child;
    const port = await platform.port;
    const token = await new TokenService(TEST_JWT_SECRET).sign({ id: 'eng-1', role: 'ENGINEER', accountId: null });
    // Warm up the route (modules loaded, buffers allocated), then take the baseline.
    expect((await upload(port, token, 4 * MiB)).status).toBe(201);
    const pid = platform.child.pid!;
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
    }, 25);
    const size = 200 * MiB;
    try {
      const answer = await upload(port, token, size);
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ sha256: answer.sha256, size });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssOf(pid));
    const grewMiB = (peak - baseline) / MiB;
    console.info(`200 MB upload: RSS baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB (+${grewMiB.toFixed(1)} MiB)`);
    expect(grewMiB).toBeLessThan(64);
  }, 600_000);
});
