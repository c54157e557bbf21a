import { randomBytes } from 'node:crypto';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { ConfigError, createLogger, loadConfig, startLedgerdesk, TokenService } from '#platform-kit';
import { buildDemoWorld, DEMO_CLOCK_START, DEMO_NOW, type DemoWorld } from './demo/world.js';

// `npm run demo`: the whole platform on a fresh in-memory embedded store and a manual clock, a world built
// through its own GraphQL API (scripts/demo/world.ts), then the explorer's URL and a token for each role.
// Everything is gone at Ctrl-C; the next run builds the same world again.
let config;
try {
  config = loadConfig({
    PORT: process.env.PORT ?? '4000',
    LEDGERDESK_DATA_DIR: 'memory://',
    // Tokens of one run are worth nothing after it: a new secret each time.
    LEDGERDESK_JWT_SECRET: randomBytes(32).toString('base64url'),
    LEDGERDESK_CLOCK: 'manual',
    LEDGERDESK_CLOCK_START: DEMO_CLOCK_START,
    LEDGERDESK_GRAPHIQL: 'on',
    LEDGERDESK_LOG_LEVEL: process.env.LEDGERDESK_LOG_LEVEL ?? 'warn',
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ledgerdesk demo: invalid configuration: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
process.stderr.write('ledgerdesk demo: starting the platform (in-memory store, manual clock)…\n');
const started = await startLedgerdesk('demo', PLATFORM_CONTEXTS, config, logger);
const base = `http://localhost:${started.port}`;
const tokens = started.app.get(TokenService);

process.stderr.write('ledgerdesk demo: building the world through the API…\n');
let world: DemoWorld;
try {
  world = await buildDemoWorld({
    async gql(query, variables, token) {
      const response = await fetch(`http://127.0.0.1:${started.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
      if (body.errors?.length) throw new Error(`${body.errors[0]!.extensions?.code ?? response.status}: ${body.errors[0]!.message}\n  in ${query.slice(0, 120)}`);
      return body.data as never;
    },
    token: (principal) => tokens.sign({ id: principal.id, role: principal.role, accountId: principal.accountId ?? null }, '24h'),
  });
} catch (error) {
  process.stderr.write(`ledgerdesk demo: building the world failed: ${(error as Error).message}\n`);
  await started.close();
  process.exit(1);
}

const admin = world.tokens.find((t) => t.env === 'ADMIN')!.token;
const names = { shanghai: 'Huaxia Live', newYork: 'Gotham Streaming' } as const;
const lines = [
  '',
  `Ledgerdesk demo: ${world.tickets.length} tickets on two accounts; the manual clock stands at ${DEMO_NOW}`,
  '  (Monday 10:00 in Shanghai, Sunday 22:00 in New York). In memory: Ctrl-C ends it, the next run starts afresh.',
  '',
  `Explorer (GraphiQL, signed in as ADMIN): ${base}/graphql#token=${admin}`,
  '',
  'Accounts',
  `  ${world.accounts.shanghai}  Huaxia Live       Business 5x8 on "Shanghai 5x8": CN holidays, National Day 1-8 Oct, make-up working Saturday 10 Oct`,
  `  ${world.accounts.newYork}  Gotham Streaming  Enterprise 7x24 P0 on "New York business hours": P0/P1 around the clock`,
  '',
  'Tickets',
  ...world.tickets.map((t) => {
    const notes = [
      t.expect.breached ? 'SLA breached' : null,
      t.expect.claimStatus ? `breach claim ${t.expect.claimStatus}` : null,
      t.expect.disputeStatus ? `severity dispute ${t.expect.disputeStatus}` : null,
      t.expect.escalated ? 'escalated' : null,
    ].filter(Boolean);
    return `  ${t.id}  ${t.expect.status.padEnd(19)} ${names[t.account].padEnd(17)} ${t.subject}${notes.length ? `  [${notes.join(', ')}]` : ''}`;
  }),
  ...world.claims.map((c) => `  claim ${c.id}  ${c.status}  (${c.ticketKey})`),
  '',
  'Tokens (24 h) and account ids, as shell variables for the tour in README.md:',
  ...world.tokens.map((t) => `  export ${t.env}=${t.token}   # ${t.label}`),
  `  export ACCOUNT_SH=${world.accounts.shanghai} ACCOUNT_NY=${world.accounts.newYork}`,
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);

let closing = false;
const stop = (signal: string) => {
  if (closing) return;
  closing = true;
  started.shutdown().then(
    () => process.exit(0),
    (error) => {
      logger.error({ err: error, signal }, 'demo shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
