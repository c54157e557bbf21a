import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// As root (a container, this workspace) the process runs as `nobody` in a root-owned working directory, as the
// image runs `node` in a root-owned /app; as anyone else the working directory is made read-only instead
// (chmod does not bind root, so that alone would prove nothing there).
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

describe('start-up with the defaults in a working directory the process cannot write', () => {
  const base = mkdtempSync(join(tmpdir(), 'ledgerdesk-readonly-'));
  const cwd = join(base, 'app');
  const dataDir = join(base, 'data');
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    chmodSync(cwd, 0o755);
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps PGlite and the generated secret in LEDGERDESK_DATA_DIR and serves /health', async () => {
    mkdirSync(cwd, { mode: 0o755 });
    chmodSync(base, 0o755);
    if (AS_ROOT) {
      mkdirSync(dataDir, { mode: 0o700 });
      chownSync(dataDir, NOBODY, NOBODY);
    } else {
      chmodSync(cwd, 0o555);
    }
    // Without LEDGERDESK_JWT_SECRET: the secret is generated into the data directory, as on a first start.
    // A fresh PGlite database is created there (initdb): slow on a loaded machine, hence the long timeout.
    const { LEDGERDESK_JWT_SECRET: _secret, ...env } = process.env;
    child = spawn(process.execPath, [`${root}test/support/run-source.mjs`, `${root}apps/platform/main.ts`], {
      cwd,
      env: { ...env, PORT: '0', LEDGERDESK_DATA_DIR: dataDir, LEDGERDESK_LOG_LEVEL: 'info', HOME: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const port = await new Promise<number>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on http:\/\/localhost:(\d+)\//.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child!.once('exit', (code) => reject(new Error(`the platform exited (${code}) before listening:\n${output.slice(-3000)}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['jwt-secret']));
    expect(readdirSync(dataDir).length).toBeGreaterThan(1);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(cwd, '.ledgerdesk'))).toBe(false);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }, 400_000);
});
