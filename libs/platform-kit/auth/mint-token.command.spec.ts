import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from '../config/config.js';
import { mintTokenCommand } from './mint-token.command.js';
import { resolveJwtSecret, TokenService } from './token.service.js';

describe('npm run token', () => {
  let workDir: string;
  const initialCwd = process.cwd();
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-token-'));
    process.chdir(workDir);
  });
  afterEach(() => {
    process.chdir(initialCwd);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses to invent a secret when the data directory holds none, and writes nothing', async () => {
    const dataDir = join(workDir, 'data');
    const outcome = await mintTokenCommand(['--role', 'ADMIN'], { LEDGERDESK_DATA_DIR: dataDir });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/no secret to sign with: LEDGERDESK_JWT_SECRET is unset and .*data holds no jwt-secret/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('signs with the secret the server generated in its data directory: the server accepts the token', async () => {
    const dataDir = join(workDir, 'data');
    const server = new TokenService(resolveJwtSecret(null, dataDir).secret);
    const outcome = await mintTokenCommand(['--role', 'customer', '--account', 'acc-1', '--sub', 'dev-7'], { LEDGERDESK_DATA_DIR: dataDir });
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(await server.verify(outcome.stdout.trim())).toEqual({ id: 'dev-7', role: 'CUSTOMER', accountId: 'acc-1' });
  });

  it('handles memory:// as the server does (no directory named "memory:")', async () => {
    const server = new TokenService(resolveJwtSecret(null, 'memory://').secret);
    const outcome = await mintTokenCommand([], { LEDGERDESK_DATA_DIR: 'memory://' });
    expect(outcome.code).toBe(0);
    expect(await server.verify(outcome.stdout.trim())).toMatchObject({ role: 'ADMIN' });
    expect(readdirSync(workDir)).toEqual(['.ledgerdesk-memory']);
  });

  it('prints its usage on --help, and with it on an unknown option', async () => {
    const help = await mintTokenCommand(['--help'], {});
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: npm run token -- \[--role/);
    const unknown = await mintTokenCommand(['--rolez', 'ADMIN'], {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown option '--rolez'[\s\S]*usage: npm run token/);
  });

  it('reads .env in the working directory for what the environment does not set', async () => {
    writeFileSync(join(workDir, '.env'), 'LEDGERDESK_JWT_SECRET=from-dotenv-0123456789-0123456789-0123\nLEDGERDESK_LOG_LEVEL=debug\n# a comment\n');
    const env: NodeJS.ProcessEnv = { LEDGERDESK_LOG_LEVEL: 'warn' };
    expect(loadDotEnv(env)).toBe(join(workDir, '.env'));
    expect(env).toEqual({ LEDGERDESK_LOG_LEVEL: 'warn', LEDGERDESK_JWT_SECRET: 'from-dotenv-0123456789-0123456789-0123' });
    const outcome = await mintTokenCommand([], env);
    expect(await new TokenService('from-dotenv-0123456789-0123456789-0123').verify(outcome.stdout.trim())).toMatchObject({ role: 'ADMIN' });
    rmSync(join(workDir, '.env'));
    expect(loadDotEnv(env)).toBeNull();
  });
});
