import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { subgraphEntry, type SubgraphApp } from '../../apps/subgraphs.js';
import { TEST_JWT_SECRET } from './test-platform.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningSubgraph {
  name: SubgraphApp['name'];
  child: ChildProcess;
  /** Its `/graphql` URL once it listens (rejects if it exits first, with its last output). */
  url: Promise<string>;
  stop(): void;
}

/**
 * apps/<name>/main.ts alone in a child process (through the source runner, no build), on an in-memory store, a
 * manual clock and the tests' JWT secret. Each app in its own process: Nest's code-first schema holds every
 * GraphQL class loaded in the process, so apps booted side by side in one process would see each other's types.
 */
export function startSubgraphApp(name: SubgraphApp['name'], env: Record<string, string> = {}): RunningSubgraph {
  const child = spawn(process.execPath, [`${root}test/support/run-source.mjs`, `${root}${subgraphEntry({ name, owns: '' }, false)}`], {
    env: {
      ...process.env,
      PORT: '0',
      LEDGERDESK_DATA_DIR: 'memory://',
      LEDGERDESK_JWT_SECRET: TEST_JWT_SECRET,
      LEDGERDESK_LOG_LEVEL: 'info',
      LEDGERDESK_CLOCK: 'manual',
      LEDGERDESK_CLOCK_START: '2026-02-13T09:00:00Z',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = /listening on http:\/\/localhost:(\d+)\/graphql/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}/graphql`);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${output.slice(-2000)}`)));
  });
  // Awaited by the caller; never an unhandled rejection meanwhile.
  url.catch(() => undefined);
  return { name, child, url, stop: () => void child.kill('SIGKILL') };
}
