import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenService } from '#platform-kit';
import { freshPostgresDatabase, type TestDatabase } from './support/test-databases.js';
import { TEST_JWT_SECRET } from './support/test-platform.js';

// `npm run start:split` (scripts/start-split.mjs), with --source (the TypeScript sources, no build): the five
// subgraphs behind the gateway.

const root = fileURLToPath(new URL('..', import.meta.url));
const script = `${root}scripts/start-split.mjs`;
const DATABASE = process.env.LEDGERDESK_TEST_DATABASE_URL;

function refusal(env: Record<string, string>): { status: number | null; stderr: string } {
  const { DATABASE_URL: _database, LEDGERDESK_SPLIT_APPS: _apps, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [script, '--source'], { env: { ...inherited, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('npm run start:split refuses what cannot work, with one line', () => {
  it('needs DATABASE_URL', () => {
    const { status, stderr } = refusal({});
    expect(status).toBe(1);
    expect(stderr).toMatch(/^ledgerdesk start:split: DATABASE_URL is required: every process of the split deployment shares one PostgreSQL/);
  });

  it('refuses an unknown app, the embedded store and PORT=0', () => {
    expect(refusal({ DATABASE_URL: 'postgres://x/y', LEDGERDESK_SPLIT_APPS: 'triage,billing' }).stderr).toMatch(/LEDGERDESK_SPLIT_APPS: unknown app "billing"/);
    expect(refusal({ DATABASE_URL: 'postgres://x/y', LEDGERDESK_EVENT_STORE: 'pglite' }).stderr).toMatch(/LEDGERDESK_EVENT_STORE=pglite cannot be shared/);
    expect(refusal({ DATABASE_URL: 'postgres://x/y', PORT: '0' }).status).toBe(1);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, what: () => string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!DATABASE)(`npm run start:split on PostgreSQL${DATABASE ? '' : ' (skipped: set LEDGERDESK_TEST_DATABASE_URL)'}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-split-'));
  let database: TestDatabase | null = null;
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function split(attempt = 1): Promise<{ child: ChildProcess; port: number; output: () => string; exited: Promise<number | null>; pids: Record<string, number> }> {
    database ??= await freshPostgresDatabase();
    // The gateway's port is free when probed; the five after it are hoped to be (other tests bind random ports
    // meanwhile): a split that exits before it started because one was taken is started again on other ports.
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, [script, '--source'], {
      env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET, LEDGERDESK_DATA_DIR: dataDir, LEDGERDESK_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let gone = false;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        gone = true;
        resolve(code);
      }),
    );
    const pids: Record<string, number> = {};
    await until(async () => gone || /gateway \(pid \d+\)/.test(output), () => `the children started (${output.slice(-1000)})`, 240_000);
    if (gone) {
      if (attempt < 3 && /EADDRINUSE/.test(output)) return split(attempt + 1);
      throw new Error(`start:split exited before it started its children: ${output.slice(-2000)}`);
    }
    for (const match of output.matchAll(/^split\s+\| (\S+) \(pid (\d+)\) on port (\d+)$/gm)) pids[match[1]!] = Number(match[2]);
    expect(output).toMatch(new RegExp(`accounts \\(pid \\d+\\) on port ${port + 1}\\n`));
    // The gateway answers once it has composed the five subgraphs.
    const token = await new TokenService(TEST_JWT_SECRET, { maxLifetimeSeconds: 3600 }, null).sign({ id: 'admin-1', role: 'ADMIN', accountId: null, name: null, email: null });
    await until(
      async () => {
        if (gone) return true;
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ now }' }) });
        return typeof ((await response.json()) as { data?: { now?: unknown } }).data?.now === 'string';
      },
      () => `the gateway answering (${output.slice(-2000)})`,
      240_000,
    );
    if (gone) {
      if (attempt < 3 && /EADDRINUSE/.test(output)) return split(attempt + 1);
      throw new Error(`start:split exited before the gateway answered: ${output.slice(-2000)}`);
    }
    return { child, port, output: () => output, exited, pids };
  }

  it('forwards SIGTERM to every process and exits 0 once they have stopped', async () => {
    const { child, exited, pids } = await split();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Object.keys(pids).sort()).toEqual(['accounts', 'gateway', 'health-checks', 'intake', 'sla', 'triage']);
    for (const pid of Object.values(pids)) expect(alive(pid)).toBe(false);
  }, 300_000);

  it('stops the others and exits 1 when one process dies', async () => {
    const { exited, pids, output } = await split();
    process.kill(pids['triage']!, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(output()).toMatch(/ledgerdesk start:split: triage exited \(SIGKILL\); stopping the others/);
    for (const [name, pid] of Object.entries(pids)) expect(alive(pid), name).toBe(false);
  }, 300_000);
});
