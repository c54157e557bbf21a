/**
 * Reactions across processes: `openTicket` through apps/gateway against the split deployment (the five subgraph
 * apps as child processes on one PostgreSQL, started by scripts/start-split.mjs), and how long the reactions in
 * other processes take. A plain script that prints figures (a markdown table), never a test.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench_reactions npm run bench:reactions
 *
 * scripts/start-split.mjs starts the apps and the gateway (built, from dist/; PORT=BENCH_PORT, a fixed JWT secret,
 * silent logs, rate limits off). Then over the gateway as ADMIN: an always-open calendar, an account, a contract
 * covering PORTAL in force since 2026-01-01, three APAC engineers. Then autocannon (bench/intake/load-worker.ts, in
 * a worker thread) sends openTicket mutations from BENCH_CLIENTS connections for BENCH_WARMUP s (not counted) and
 * BENCH_DURATION s, every response checked. After the run (and up to BENCH_SETTLE_S for the reactors to catch
 * up), the event store is read: for each ticket opened in the measured window, TicketOpened → TicketAssigned
 * (triage's routing reactor) and TicketOpened → SlaPolicyPinned (the sla process) by the events' recorded_at.
 *
 * Environment:
 *   DATABASE_URL (required)  a PostgreSQL whose name contains "bench" when LEDGERDESK_BENCH_RESET=1
 *   BENCH_CLIENTS=32  BENCH_DURATION=30  BENCH_WARMUP=5  BENCH_SETTLE_S=60  BENCH_PORT=4700
 *   LEDGERDESK_BENCH_RESET=1  DROP the platform's schemas first (an empty database, runs compare)
 *
 * Targets (issue #11): ≥ 300 tickets/s at p99 ≤ 150 ms through the gateway; reaction lag p99 ≤ 100 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { TokenService } from '#platform-kit';
import type { LoadMessage, LoadOptions, LoadPhaseResult } from './intake/load-worker.js';
import { gql, setUpBenchWorld } from './intake/world.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? '30');
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? '5');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? '32');
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? '60');
const PORT = Number(process.env.BENCH_PORT ?? '4700');
const DATABASE_URL = process.env.DATABASE_URL?.trim();
const TARGET = { ticketsPerSecond: 300, p99Ms: 150, lagP99Ms: 100 };
const JWT_SECRET = 'bench-reactions-secret-0123456789-0123456789';
const RESET_SCHEMAS = ['event_store', 'projections', 'platform', 'accounts', 'triage', 'intake', 'sla', 'outbound', 'incidents', 'audit', 'attachments', 'health_checks'];

function fail(message: string): never {
  process.stderr.write(`bench:reactions: ${message}\n`);
  process.exit(1);
}
if (!DATABASE_URL) fail('DATABASE_URL is required: the split processes share one PostgreSQL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench_reactions npm run bench:reactions)');
if (!/^postgres(ql)?:\/\//.test(DATABASE_URL)) fail('DATABASE_URL must be a postgres:// or postgresql:// connection string');
if (!(DURATION_S > 0) || !(WARMUP_S >= 0) || !(CLIENTS >= 1) || !(SETTLE_S >= 0)) fail('BENCH_DURATION, BENCH_WARMUP, BENCH_CLIENTS and BENCH_SETTLE_S must be positive numbers');
if (!(PORT >= 1 && PORT <= 65500)) fail('BENCH_PORT must be a port with room for five app ports after it');
const databaseName = new URL(DATABASE_URL).pathname.slice(1);
if (process.env.LEDGERDESK_BENCH_RESET === '1' && !databaseName.includes('bench')) fail(`LEDGERDESK_BENCH_RESET=1 drops schemas: the database name must contain "bench" (got "${databaseName}")`);

const runId = randomUUID().slice(0, 8);
const log = (message: string): void => void process.stderr.write(`[bench:reactions ${runId}] ${message}\n`);
const url = `http://127.0.0.1:${PORT}`;


/** scripts/start-split.mjs as a child process; its output is kept (the tail is shown when something fails). */
function startSplit(): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn(process.execPath, [new URL('../../scripts/start-split.mjs', import.meta.url).pathname], {
    env: {
      ...process.env,
      DATABASE_URL,
      PORT: String(PORT),
      LEDGERDESK_JWT_SECRET: JWT_SECRET,
      LEDGERDESK_CLOCK: 'system',
      LEDGERDESK_LOG_LEVEL: 'silent',
      // The load comes from one address as one principal: the rate limits would measure themselves.
      LEDGERDESK_RATE_LIMIT_PER_IP: '0',
      LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output };
}

async function until(check: () => Promise<boolean>, what: string, ms: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`the split deployment exited while waiting for ${what}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}


function runLoad(options: LoadOptions): Promise<{ warmup: LoadPhaseResult | null; measure: LoadPhaseResult }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./intake/load-worker.js', import.meta.url), { workerData: options });
    worker.on('message', (message: LoadMessage) => {
      if (message.type === 'phase') log(message.phase === 'warmup' ? `warming up for ${options.warmupS} s` : `measuring for ${options.durationS} s`);
      else if (message.type === 'done') {
        resolve({ warmup: message.warmup, measure: message.measure });
        void worker.terminate();
      } else {
        reject(new Error(`load worker failed: ${message.error}`));
        void worker.terminate();
      }
    });
    worker.on('error', reject);
  });
}

interface Lags {
  opened: number;
  assigned: number;
  pinned: number;
  assignedLag: { p50: number; p99: number; max: number };
  pinnedLag: { p50: number; p99: number; max: number };
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};

/** The measured window's TicketOpened events and, per ticket, the first TicketAssigned and SlaPolicyPinned. */
async function readLags(client: pg.Client, measure: LoadPhaseResult): Promise<Lags> {
  const { rows } = await client.query<{ opened_ms: string; assigned_ms: string | null; pinned_ms: string | null }>(
    `SELECT extract(epoch FROM o.recorded_at) * 1000 AS opened_ms,
            (SELECT extract(epoch FROM min(a.recorded_at)) * 1000 FROM event_store.events a
              WHERE a.stream = o.stream AND a.type = 'TicketAssigned') AS assigned_ms,
            (SELECT extract(epoch FROM min(s.recorded_at)) * 1000 FROM event_store.events s
              WHERE s.stream = 'sla-' || (o.data->>'ticketId') AND s.type = 'SlaPolicyPinned') AS pinned_ms
       FROM event_store.events o
      WHERE o.type = 'TicketOpened' AND o.data->>'subject' LIKE $1
        AND o.recorded_at >= $2::timestamptz AND o.recorded_at <= $3::timestamptz`,
    [`bench ${runId} measure #%`, measure.start, measure.finish],
  );
  const assigned: number[] = [];
  const pinned: number[] = [];
  for (const row of rows) {
    if (row.assigned_ms !== null) assigned.push(Number(row.assigned_ms) - Number(row.opened_ms));
    if (row.pinned_ms !== null) pinned.push(Number(row.pinned_ms) - Number(row.opened_ms));
  }
  return { opened: rows.length, assigned: assigned.length, pinned: pinned.length, assignedLag: summary(assigned), pinnedLag: summary(pinned) };
}

async function reactionsPending(client: pg.Client): Promise<{ opened: number; assigned: number; pinned: number }> {
  const { rows } = await client.query<{ opened: string; assigned: string; pinned: string }>(
    `SELECT count(*) FILTER (WHERE type = 'TicketOpened') AS opened,
            count(DISTINCT stream) FILTER (WHERE type = 'TicketAssigned') AS assigned,
            count(DISTINCT stream) FILTER (WHERE type = 'SlaPolicyPinned') AS pinned
       FROM event_store.events WHERE type IN ('TicketOpened', 'TicketAssigned', 'SlaPolicyPinned')`,
  );
  const row = rows[0]!;
  return { opened: Number(row.opened), assigned: Number(row.assigned), pinned: Number(row.pinned) };
}

async function main(): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  if (process.env.LEDGERDESK_BENCH_RESET === '1') {
    for (const schema of RESET_SCHEMAS) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    log(`dropped the schemas of ${databaseName}`);
  }
  log(`starting the split deployment (gateway on port ${PORT}, apps on ${PORT + 1}–${PORT + 5})`);
  const split = startSplit();
  let exited = false;
  split.child.on('exit', () => void (exited = true));
  const tokens = new TokenService(JWT_SECRET);
  const admin = await tokens.sign({ id: 'bench-admin', role: 'ADMIN', accountId: null });
  try {
    await until(async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok, 'the gateway', 300_000, () => exited);
    // The gateway serves once the supergraph is composed; the first query proves every subgraph answers.
    await until(async () => Boolean(await gql(url, admin, '{ __typename }', {})), 'the graph', 120_000, () => exited);
    const { accountId } = await setUpBenchWorld(url, admin, runId);
    log(`account ${accountId}, 3 engineers; ${CLIENTS} clients as ADMIN`);
    const { measure } = await runLoad({ url, token: admin, accountId, connections: CLIENTS, durationS: DURATION_S, warmupS: WARMUP_S, runId });

    // Let the reactors in the triage and sla processes catch up before the lags are read.
    const settleStart = Date.now();
    let pending = await reactionsPending(client);
    while ((pending.assigned < pending.opened || pending.pinned < pending.opened) && Date.now() - settleStart < SETTLE_S * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      pending = await reactionsPending(client);
    }
    const caughtUpS = (Date.now() - settleStart) / 1000;
    const lags = await readLags(client, measure);
    const c = measure.counters;
    const perSecond = c.tickets / measure.durationS;
    const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    const lagP99 = Math.max(lags.assignedLag.p99, lags.pinnedLag.p99);
    process.stdout.write(
      [
        '',
        `bench:reactions — split processes on PostgreSQL (${databaseName}), through the gateway, ${CLIENTS} clients, ${measure.durationS.toFixed(1)} s measured after ${WARMUP_S} s warm-up`,
        '',
        '| measurement | figure | target |',
        '| --- | ---: | ---: |',
        `| tickets opened | ${c.tickets} (${perSecond.toFixed(1)} tickets/s) | ≥ ${TARGET.ticketsPerSecond} tickets/s: ${met(perSecond >= TARGET.ticketsPerSecond)} |`,
        `| openTicket latency p50 / p99 / max | ${fmt(measure.latency.p50)} / ${fmt(measure.latency.p99)} / ${fmt(measure.latency.max)} ms | p99 ≤ ${TARGET.p99Ms} ms: ${met(measure.latency.p99 <= TARGET.p99Ms)} |`,
        `| TicketOpened → TicketAssigned p50 / p99 / max | ${fmt(lags.assignedLag.p50)} / ${fmt(lags.assignedLag.p99)} / ${fmt(lags.assignedLag.max)} ms (${lags.assigned} of ${lags.opened}) | p99 ≤ ${TARGET.lagP99Ms} ms: ${met(lags.assignedLag.p99 <= TARGET.lagP99Ms)} |`,
        `| TicketOpened → SlaPolicyPinned p50 / p99 / max | ${fmt(lags.pinnedLag.p50)} / ${fmt(lags.pinnedLag.p99)} / ${fmt(lags.pinnedLag.max)} ms (${lags.pinned} of ${lags.opened}) | p99 ≤ ${TARGET.lagP99Ms} ms: ${met(lags.pinnedLag.p99 <= TARGET.lagP99Ms)} |`,
        `| responses: non-2xx / GraphQL errors / bad bodies / timeouts | ${c.non2xx} / ${c.graphqlErrors} / ${c.badBodies} / ${measure.timeouts} | 0 |`,
        `| reactors caught up after the load | ${pending.assigned >= pending.opened && pending.pinned >= pending.opened ? `${caughtUpS.toFixed(1)} s` : `**not within ${SETTLE_S} s** (${pending.assigned}/${pending.pinned} of ${pending.opened})`} | — |`,
        '',
        `worst reaction lag p99: ${fmt(lagP99)} ms; lags are recorded_at differences read from event_store.events after the run`,
        ...(c.sampleProblems.length ? ['', 'sample problems:', ...c.sampleProblems.map((p) => `  ${p}`)] : []),
        '',
      ].join('\n'),
    );
  } catch (error) {
    log(`failed: ${(error as Error).message}\n--- split output (tail) ---\n${split.output.join('').slice(-4000)}`);
    process.exitCode = 1;
  } finally {
    await client.end();
    if (!exited) {
      const stopped = new Promise((resolve) => split.child.once('exit', resolve));
      split.child.kill('SIGTERM');
      await stopped;
    }
  }
}

await main();
