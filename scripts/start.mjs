#!/usr/bin/env node
// `npm start`: compiles when dist/ is missing or older than a source file, then runs apps/platform.
// `npm run token -- --role ADMIN [--sub id] [--account id] [--ttl 12h]`: mints a token with the same secret.
// `npm run ledgerdesk -- sla check` (or `npx ledgerdesk …`): operations against the configured store.
// `npm run schema:print`: rewrites schema.graphql from the schema the platform serves.
// `npm run demo`: an in-memory platform on a manual clock with a demo world, tokens and the explorer's URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist/apps/platform/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = ['apps', 'libs', 'scripts'].map((dir) => join(root, dir)).filter(existsSync);
const stale = !existsSync(entry) || Math.max(...sources.map(newestSource)) > statSync(entry).mtimeMs;
if (stale) {
  process.stderr.write('ledgerdesk: compiling (npm run build)…\n');
  const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// A mode flag picks another compiled entry; everything else is passed on to it.
const modes = {
  '--token': 'dist/scripts/token.cli.js',
  '--cli': 'dist/scripts/ledgerdesk.cli.js',
  '--print-schema': 'dist/scripts/print-schema.cli.js',
  '--demo': 'dist/scripts/demo.cli.js',
};
const mode = Object.keys(modes).find((flag) => process.argv.includes(flag));
const target = mode ? join(root, modes[mode]) : entry;
const args = process.argv.slice(2).filter((arg) => !(arg in modes));
// The platform must hear SIGTERM/SIGINT itself to close PGlite cleanly and release the data directory.
const child = spawn(process.execPath, ['--enable-source-maps', target, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
