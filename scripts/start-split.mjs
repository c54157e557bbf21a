#!/usr/bin/env node
// `npm run start:split`: the split deployment on one PostgreSQL without containers — each app of
// LEDGERDESK_SPLIT_APPS as its own process (a Federation 2 subgraph) and apps/gateway in front of them, as child
// processes of this one. docs/operations.md ("Split processes") has the details.
//   DATABASE_URL (required)     the PostgreSQL every process shares (event store and read models)
//   PORT (default 4000)         the gateway's; the apps get PORT+1, PORT+2, … in list order
//   LEDGERDESK_SPLIT_APPS       default accounts,triage,sla,intake,health-checks (the five subgraphs)
// Signals (SIGINT, SIGTERM) are forwarded to every child; when one child exits by itself, the others are
// stopped and this exits 1. `--source` runs the TypeScript sources without a build (development, tests).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const FIVE = ['accounts', 'triage', 'sla', 'intake', 'health-checks'];
/** Each app's entry, relative to apps/ (dist/apps/… when built, apps/….ts with --source). */
const ENTRIES = {
  accounts: 'accounts/main',
  triage: 'triage/main',
  sla: 'sla/main',
  intake: 'intake/main',
  'health-checks': 'health-checks/main',
  gateway: 'gateway/main',
};
/** How long the children may take to stop after a signal before they are killed. */
const STOP_GRACE_MS = 25_000;

function fail(message) {
  process.stderr.write(`ledgerdesk start:split: ${message}\n`);
  process.exit(1);
}

const env = process.env;
const databaseUrl = env.DATABASE_URL?.trim();
if (!databaseUrl) fail('DATABASE_URL is required: every process of the split deployment shares one PostgreSQL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk npm run start:split)');
if (!/^postgres(ql)?:\/\//.test(databaseUrl)) fail('DATABASE_URL must be a postgres:// or postgresql:// connection string');
const store = env.LEDGERDESK_EVENT_STORE?.trim() || 'postgres';
if (store === 'pglite') fail('LEDGERDESK_EVENT_STORE=pglite cannot be shared by several processes: use postgres (the default here) or kurrentdb');

const portText = env.PORT?.trim() || '4000';
const gatewayPort = Number(portText);
if (!/^\d+$/.test(portText) || gatewayPort < 1) fail(`PORT must be the gateway's port, 1-65535 (got "${portText}"; 0 cannot be used: the apps' ports are counted from it)`);

const apps = (env.LEDGERDESK_SPLIT_APPS?.trim() || FIVE.join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
for (const name of apps) {
  if (name === 'gateway' || !(name in ENTRIES)) fail(`LEDGERDESK_SPLIT_APPS: unknown app "${name}" (one of ${Object.keys(ENTRIES).filter((n) => n !== 'gateway').join(', ')})`);
}
if (new Set(apps).size !== apps.length) fail('LEDGERDESK_SPLIT_APPS names an app twice');
if (gatewayPort + apps.length > 65535) fail(`PORT ${gatewayPort} leaves no room for ${apps.length} app ports after it`);
const source = process.argv.includes('--source');

// The compiled entries, rebuilt when older than a source file (as `npm start` does).
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
if (!source) {
  const built = ['gateway', ...apps].map((name) => join(root, 'dist/apps', `${ENTRIES[name]}.js`));
  const sources = ['apps', 'libs'].map((dir) => join(root, dir)).filter(existsSync);
  const newest = Math.max(...sources.map(newestSource));
  if (built.some((entry) => !existsSync(entry) || statSync(entry).mtimeMs < newest)) {
    process.stderr.write('ledgerdesk start:split: compiling (npm run build)…\n');
    const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
}

// One signing secret for every process: the configured one, else the data directory's (made once, here, so that
// six processes starting together do not each invent their own). `npm run token` reads the same file.
let jwtSecret = env.LEDGERDESK_JWT_SECRET?.trim() || null;
if (!jwtSecret) {
  const raw = env.LEDGERDESK_DATA_DIR?.trim();
  const dir = !raw ? resolve('.ledgerdesk') : raw.startsWith('memory://') ? resolve('.ledgerdesk-memory') : resolve(raw);
  const path = join(dir, 'jwt-secret');
  try {
    jwtSecret = existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
    if (!jwtSecret) {
      mkdirSync(dir, { recursive: true });
      jwtSecret = randomBytes(48).toString('base64url');
      writeFileSync(path, `${jwtSecret}\n`, { mode: 0o600 });
      chmodSync(path, 0o600);
    }
  } catch (error) {
    fail(`LEDGERDESK_DATA_DIR: cannot keep the JWT secret in ${dir} (${error.code ?? error.message}); set LEDGERDESK_JWT_SECRET or point LEDGERDESK_DATA_DIR at a writable directory`);
  }
}

const shared = { ...env, LEDGERDESK_EVENT_STORE: store, DATABASE_URL: databaseUrl, LEDGERDESK_JWT_SECRET: jwtSecret };
const layout = apps.map((name, index) => ({
  name,
  port: gatewayPort + 1 + index,
  // Behind the gateway every request comes from the gateway's address: a per-IP limit there would be one limit
  // for all clients together. So it is off on the apps; the per-principal limit still applies.
  env: { ...shared, PORT: String(gatewayPort + 1 + index), LEDGERDESK_RATE_LIMIT_PER_IP: '0' },
}));
const subgraphs = layout.map(({ name, port }) => `${name}=http://127.0.0.1:${port}/graphql`).join(',');
layout.push({ name: 'gateway', port: gatewayPort, env: { ...shared, PORT: String(gatewayPort), LEDGERDESK_SUBGRAPHS: subgraphs } });

const width = Math.max(...layout.map(({ name }) => name.length));
function prefixed(stream, name, out) {
  createInterface({ input: stream }).on('line', (line) => out.write(`${name.padEnd(width)} | ${line}\n`));
}

const children = new Map();
let stopping = false;
let exitCode = 0;

function stopAll(signal) {
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  setTimeout(() => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, STOP_GRACE_MS).unref();
}

// Should this process end otherwise (an uncaught error), the children do not outlive it.
process.on('exit', () => {
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    stopAll(signal);
  });
}

/** The first app alone until it serves (it migrates the shared database), then the rest: concurrent first starts on an empty database were seen to stall. */
async function serving(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (stopping) return;
    const ok = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

for (const [index, { name, port, env: childEnv }] of layout.entries()) {
  if (index === 1) await serving(layout[0].port, 180_000);
  if (stopping) break;
  const entry = ENTRIES[name];
  const args = source
    ? ['--enable-source-maps', join(root, 'test/support/run-source.mjs'), join(root, 'apps', `${entry}.ts`)]
    : ['--enable-source-maps', join(root, 'dist/apps', `${entry}.js`)];
  // Its own process group: a Ctrl-C in the terminal reaches the children once, forwarded from here, not twice
  // (a second SIGINT would cut their drain short).
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.set(name, child);
  prefixed(child.stdout, name, process.stdout);
  prefixed(child.stderr, name, process.stderr);
  process.stdout.write(`${'split'.padEnd(width)} | ${name} (pid ${child.pid}) on port ${port}\n`);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      // One process gone is a broken deployment: stop the rest instead of serving half a graph.
      stopping = true;
      exitCode = 1;
      process.stderr.write(`ledgerdesk start:split: ${name} exited (${signal ?? `code ${code}`}); stopping the others\n`);
      stopAll('SIGTERM');
    } else if (code !== 0) {
      exitCode = 1;
    }
    if (children.size === 0) process.exit(exitCode);
  });
}
process.stdout.write(`${'split'.padEnd(width)} | gateway: http://localhost:${gatewayPort}/graphql (a token: npm run token -- --role ADMIN)\n`);

