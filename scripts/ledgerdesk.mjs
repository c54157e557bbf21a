#!/usr/bin/env node
// The `ledgerdesk` command: builds if needed, then runs dist/scripts/ledgerdesk.cli.js.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const start = fileURLToPath(new URL('./start.mjs', import.meta.url));
const run = spawnSync(process.execPath, [start, '--cli', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
