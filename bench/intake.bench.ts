/**
 * Ticket intake throughput: `openTicket` over HTTP/GraphQL against the whole platform, in process.
 * A plain script that prints figures (a markdown table per backend), never a test.
 *
 *   npm run bench:intake                                   # PGlite (in-memory) only
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench_intake npm run bench:intake
 *                                                          # PGlite, then PostgreSQL
 *
 * Per backend: the platform starts in this process (PORT=0, system clock, silent logs, a fixed JWT secret),
 * then over GraphQL as ADMIN: a calendar, an account, a contract covering PORTAL in force since 2026-01-01,
 * three APAC engineers on an always-open shift calendar. Then autocannon (in a worker thread, so the load
 * generator does not share the platform's event loop) sends openTicket mutations from BENCH_CONNECTIONS
 * (default 32) connections for BENCH_WARMUP seconds (default 5, not counted) and then BENCH_DURATION seconds
 * (default 30): each with a distinct subject and no externalId. Every response is checked; a ticket counts
 * when the response is 2xx, has no GraphQL `errors` and returns the subject that was sent.
 *
 * Environment:
 *   BENCH_DURATION=30  BENCH_WARMUP=5  BENCH_CONNECTIONS=32
 *   BENCH_AS=ADMIN | CUSTOMER            who opens the tickets (CUSTOMER: the account's own customer)
 *   BENCH_BACKENDS=pglite,postgres       which backends to run (postgres only when DATABASE_URL is set)
 *   LEDGERDESK_BENCH_RESET=1             PostgreSQL: DROP SCHEMA event_store, projections, platform, accounts,
 *                                        triage, intake CASCADE first (otherwise the bench adds to what is there)
 *   BENCH_PREFILL_EVENTS=0               first write this many history events (type BenchHistory, one per stream,
 *                                        straight into event_store.events) and let the projections pass them: a log
 *                                        with a past, as in production, instead of an empty one
 *   BENCH_PHASES=1                       also time the pieces of each request (see bench/intake/phases.ts)
 *   BENCH_STATEMENTS=1                   also count the SQL statements sent per ticket, by kind, and the checkpoint
 *                                        rows written (see bench/intake/statements.ts)
 *   BENCH_JSON_OUT=file                  also append one JSON line per backend to this file (for A/B series)
 *
 * Target (from the issue), on PostgreSQL: ≥ 300 tickets/s at p99 ≤ 100 ms.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { EVENTS_CHANNEL } from '#event-store';
import { PLATFORM_CONTEXTS } from '../apps/platform/platform.contexts.js';
import { createLogger, loadConfig, PlatformRuntime, startLedgerdesk, TokenService, type LedgerdeskApp } from '#platform-kit';
import type { LoadMessage, LoadOptions, LoadPhaseResult } from './intake/load-worker.js';
import { Phases, PgSampler, postgresCpuSecondsBetween, postgresCpuTicks } from './intake/phases.js';
import { StatementCounter } from './intake/statements.js';
import { gql, setUpBenchWorld } from './intake/world.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? '30');
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? '5');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? '32');
const AS = (process.env.BENCH_AS ?? 'ADMIN').toUpperCase();
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',').map((s) => s.trim());
const PHASES = process.env.BENCH_PHASES === '1';
const PREFILL_EVENTS = Number(process.env.BENCH_PREFILL_EVENTS ?? '0');
const TARGET = { ticketsPerSecond: 300, p99Ms: 100 };
const JWT_SECRET = 'bench-intake-secret-0123456789-0123456789';
const RESET_SCHEMAS = ['event_store', 'projections', 'platform', 'accounts', 'triage', 'intake', 'sla'];

if (!(DURATION_S > 0) || !(WARMUP_S >= 0) || !(CONNECTIONS >= 1)) throw new Error('BENCH_DURATION, BENCH_WARMUP and BENCH_CONNECTIONS must be positive numbers');
if (AS !== 'ADMIN' && AS !== 'CUSTOMER') throw new Error('BENCH_AS must be ADMIN or CUSTOMER');

const runId = randomUUID().slice(0, 8);
const log = (message: string): void => void process.stderr.write(`[bench:intake ${runId}] ${message}\n`);

const phases = PHASES ? new Phases() : null;
phases?.install();
const statements = process.env.BENCH_STATEMENTS === '1' ? new StatementCounter() : null;
statements?.install();

interface Backend {
  name: string;
  env: Record<string, string>;
  before?: () => Promise<void>;
}

interface Outcome {
  backend: string;
  warmup: LoadPhaseResult | null;
  measure: LoadPhaseResult;
  stall: string | null;
  loggedTickets: number;
  loggedAssigned: number;
  readModelTickets: { total: number; distinctSubjects: number };
  mainThreadElu: number;
  processCpu: number;
  machineCpu: number;
  processSysShare: number;
  /** CPU of the local postgres processes serving the bench database, in cores (0 when elsewhere or not on Linux). */
  postgresCores: number;
  phasesTable: string | null;
  statementsTable: string | null;
  statementsPerTicket: number | null;
}


function runLoad(options: LoadOptions, onMeasureStart: () => void): Promise<{ warmup: LoadPhaseResult | null; measure: LoadPhaseResult }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./intake/load-worker.js', import.meta.url), { workerData: options });
    worker.on('message', (message: LoadMessage) => {
      if (message.type === 'phase') {
        log(message.phase === 'warmup' ? `warming up for ${options.warmupS} s` : `measuring for ${options.durationS} s`);
        if (message.phase === 'measure') onMeasureStart();
      } else if (message.type === 'done') {
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

function machineCpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

async function resetPostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of RESET_SCHEMAS) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

async function runBackend(backend: Backend): Promise<Outcome> {
  await backend.before?.();
  log(`${backend.name}: starting the platform`);
  const config = loadConfig({
    PORT: '0',
    LEDGERDESK_JWT_SECRET: JWT_SECRET,
    LEDGERDESK_CLOCK: 'system',
    LEDGERDESK_LOG_LEVEL: 'silent',
    // The load comes from one address as one principal: the rate limits would measure themselves.
    LEDGERDESK_RATE_LIMIT_PER_IP: '0',
    LEDGERDESK_RATE_LIMIT_PER_PRINCIPAL: '0',
    ...backend.env,
  });
  let platform: LedgerdeskApp | null = null;
  try {
    platform = await startLedgerdesk('BenchIntake', PLATFORM_CONTEXTS, config, createLogger('silent'));
    const url = `http://127.0.0.1:${platform.port}`;
    const tokens = platform.app.get(TokenService);
    const runtime = platform.app.get(PlatformRuntime);
    phases?.attach(platform.app.getHttpServer(), runtime);
    const admin = await tokens.sign({ id: 'bench-admin', role: 'ADMIN', accountId: null });
    if (PREFILL_EVENTS > 0) await prefill(runtime, PREFILL_EVENTS);
    const { accountId } = await setUpBenchWorld(url, admin, runId);
    const token = AS === 'CUSTOMER' ? await tokens.sign({ id: `bench-customer-${runId}`, role: 'CUSTOMER', accountId }) : admin;
    log(`${backend.name}: account ${accountId}, 3 engineers; ${CONNECTIONS} connections as ${AS}`);

    let elu = performance.eventLoopUtilization();
    let cpu = process.cpuUsage();
    let machine = machineCpuTimes();
    const database = backend.env.DATABASE_URL ? new URL(backend.env.DATABASE_URL).pathname.slice(1) : null;
    let postgresCpu = database ? postgresCpuTicks(database) : new Map<number, number>();
    let wallStart = performance.now();
    const sampler = PHASES && backend.env.DATABASE_URL ? new PgSampler(backend.env.DATABASE_URL) : null;
    let samplerStarted: Promise<void> | null = null;
    const { warmup, measure } = await runLoad(
      { url, token, accountId, connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, runId },
      () => {
        elu = performance.eventLoopUtilization();
        cpu = process.cpuUsage();
        machine = machineCpuTimes();
        postgresCpu = database ? postgresCpuTicks(database) : new Map<number, number>();
        wallStart = performance.now();
        phases?.start();
        statements?.start();
        samplerStarted = sampler?.start() ?? null;
      },
    );
    phases?.stop();
    statements?.stop();
    await samplerStarted;
    const pgSide = await sampler?.stop();
    const wallMs = performance.now() - wallStart;
    const mainThreadElu = performance.eventLoopUtilization(elu).utilization;
    const cpuUsed = process.cpuUsage(cpu);
    const processCpu = (cpuUsed.user + cpuUsed.system) / 1000 / wallMs;
    const processSysShare = cpuUsed.system / Math.max(1, cpuUsed.user + cpuUsed.system);
    const postgresCores = database ? postgresCpuSecondsBetween(postgresCpu, postgresCpuTicks(database)) / (wallMs / 1000) : 0;
    const machineEnd = machineCpuTimes();
    const machineCpu = (machineEnd.busy - machine.busy) / (machineEnd.total - machine.total);

    // Let requests still in flight when autocannon stopped finish, then count what the log and the read model hold.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stall = await settleAfterRun(runtime);
    const [logged] = await runtime.readDb.query<{ total: string; assigned: string }>(
      `SELECT count(*)::text AS total, count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM event_store.events a WHERE a.stream = o.stream AND a.type = 'TicketAssigned'))::text AS assigned
       FROM event_store.events o WHERE o.type = 'TicketOpened' AND o.data->>'accountId' = $1`,
      [accountId],
    );
    const [row] = await runtime.readDb.query<{ total: string; distinct_subjects: string }>(
      'SELECT count(*)::text AS total, count(DISTINCT subject)::text AS distinct_subjects FROM triage.tickets WHERE account_id = $1',
      [accountId],
    );
    return {
      backend: backend.name,
      warmup,
      measure,
      stall,
      loggedTickets: Number(logged?.total ?? 0),
      loggedAssigned: Number(logged?.assigned ?? 0),
      readModelTickets: { total: Number(row?.total ?? 0), distinctSubjects: Number(row?.distinct_subjects ?? 0) },
      mainThreadElu,
      processCpu,
      processSysShare,
      machineCpu,
      postgresCores,
      statementsTable: statements ? statements.table(measure.counters.tickets) : null,
      statementsPerTicket: statements ? statements.total / Math.max(1, measure.counters.tickets) : null,
      phasesTable: phases
        ? [
            phases.table(measure.counters.tickets),
            ...(pgSide
              ? ['', `PostgreSQL processes: ${(pgSide.postgresCores * 100).toFixed(0)} % of one core. Its client backends, sampled every 50 ms:`, '', pgSide.table]
              : []),
          ].join('\n')
        : null,
    };
  } finally {
    log(`${backend.name}: closing the platform`);
    await platform?.close();
  }
}

/** History the projections skip (no projection handles BenchHistory), written with plain SQL in batches. */
async function prefill(runtime: PlatformRuntime, events: number): Promise<void> {
  const began = performance.now();
  const batch = 50_000;
  for (let from = 1; from <= events; from += batch) {
    await runtime.readDb.query(
      `INSERT INTO event_store.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
       SELECT gen_random_uuid(), 'bench-history-' || $3 || '-' || g, 0, 'BenchHistory', '{}'::jsonb,
         jsonb_build_object('occurredAt', now(), 'actor', jsonb_build_object('id', 'bench', 'role', 'ADMIN')), md5(g::text), NULL, now()
       FROM generate_series($1::int, $2::int) AS g`,
      [from, Math.min(events, from + batch - 1), runId],
    );
  }
  await runtime.readDb.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
  const head = await runtime.store.headPosition();
  if (head) await runtime.projectionRunner.waitFor(head, 30 * 60_000);
  log(`prefilled ${events} history events (projections caught up) in ${((performance.now() - began) / 1000).toFixed(1)} s`);
}

/**
 * Waits (bounded) for every projection to reach the log's head once the load has stopped. When one does not,
 * says which, and whether a bare NOTIFY on the store's channel (what the next append would send) unsticks it.
 */
async function settleAfterRun(runtime: PlatformRuntime): Promise<string | null> {
  const head = await runtime.store.headPosition();
  if (!head) return null;
  try {
    await runtime.projectionRunner.waitFor(head, 5000);
    return null;
  } catch {
    const checkpoints = await runtime.readDb.query<{ name: string; commit_position: string; prepare_position: string }>(
      'SELECT name, commit_position::text AS commit_position, prepare_position::text AS prepare_position FROM projections.checkpoints ORDER BY name',
    );
    const behind = checkpoints
      .filter((c) => BigInt(c.commit_position) < head.commit || (BigInt(c.commit_position) === head.commit && BigInt(c.prepare_position) < head.prepare))
      .map((c) => `${c.name} at ${c.commit_position}/${c.prepare_position}`);
    let after = 'still stuck after a bare NOTIFY';
    try {
      await runtime.readDb.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
      await runtime.projectionRunner.waitFor(head, 3000);
      after = 'caught up within 3 s of a bare NOTIFY (a lost wake-up: nothing else was going to wake it)';
    } catch {
      // stays 'still stuck'
    }
    return `5 s after the load stopped, projections behind the head ${head.commit}/${head.prepare}: ${behind.join(', ') || '(checkpoints show none)'}; ${after}`;
  }
}

function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown';
  return `${model}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

function report(outcome: Outcome): string {
  const m = outcome.measure;
  const c = m.counters;
  const rate = c.tickets / m.durationS;
  const rows: [string, string][] = [
    ['backend', outcome.backend],
    ['connections / duration', `${CONNECTIONS} / ${m.durationS.toFixed(1)} s (after ${outcome.warmup ? outcome.warmup.durationS.toFixed(1) : 0} s warm-up)`],
    ['opened as', AS],
    ...(PREFILL_EVENTS > 0 ? ([['history in the log before the run', `${PREFILL_EVENTS} events (BENCH_PREFILL_EVENTS)`]] as [string, string][]) : []),
    ['**tickets/s**', `**${rate.toFixed(1)}**`],
    ['tickets opened (2xx, no errors, right subject)', `${c.tickets} of ${c.responses} responses (${m.requestsSent} requests sent)`],
    ['…already routed when returned', `${c.routed}`],
    ['non-2xx responses', `${c.non2xx}${c.non2xx ? ` (${Object.entries(c.statusCodes).map(([s, n]) => `${s}: ${n}`).join(', ')})` : ''}`],
    ['2xx with GraphQL errors', `${c.graphqlErrors}`],
    ['2xx with an unexpected body', `${c.badBodies}`],
    ['connection errors / timeouts', `${m.connectionErrors} / ${m.timeouts}`],
    ['**latency p50 / p90 / p99**', `**${m.latency.p50} / ${m.latency.p90} / ${m.latency.p99} ms** (mean ${m.latency.mean.toFixed(1)}, max ${m.latency.max})`],
    ['TicketOpened in the log for this account', `${outcome.loggedTickets} (${outcome.loggedAssigned} of them with a TicketAssigned)`],
    ...(outcome.stall ? ([['**projections stalled after the run**', outcome.stall]] as [string, string][]) : []),
    ['read model after the run', `${outcome.readModelTickets.total} tickets, ${outcome.readModelTickets.distinctSubjects} distinct subjects (warm-up + measured + in flight)`],
    [
      'CPU during the run (100 % = one core)',
      `machine ${(outcome.machineCpu * 100 * os.cpus().length).toFixed(0)} % of ${os.cpus().length * 100} %: this process ${(outcome.processCpu * 100).toFixed(0)} %` +
        ` (main event loop ${(outcome.mainThreadElu * 100).toFixed(0)} % busy), postgres for this database ${(outcome.postgresCores * 100).toFixed(0)} %,` +
        ` anything else ${Math.max(0, (outcome.machineCpu * os.cpus().length - outcome.processCpu - outcome.postgresCores) * 100).toFixed(0)} %`,
    ],
    [
      'CPU per ticket',
      `this process (platform + load worker) ${((outcome.processCpu * 1000) / Math.max(rate, 1e-9)).toFixed(1)} ms (${(outcome.processSysShare * 100).toFixed(0)} % of it in the kernel)` +
        (outcome.postgresCores > 0 ? `, postgres ${((outcome.postgresCores * 1000) / Math.max(rate, 1e-9)).toFixed(1)} ms` : ''),
    ],
    ['machine', machineDescription()],
  ];
  if (outcome.backend.startsWith('PostgreSQL')) {
    const pass = rate >= TARGET.ticketsPerSecond && m.latency.p99 <= TARGET.p99Ms;
    rows.push(['target (PostgreSQL)', `≥ ${TARGET.ticketsPerSecond} tickets/s at p99 ≤ ${TARGET.p99Ms} ms: **${pass ? 'MET' : 'MISSED'}**`]);
  }
  const lines = ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  if (c.sampleProblems.length) lines.push('', 'Sample problems:', ...c.sampleProblems.map((p) => `- ${p}`));
  if (outcome.statementsTable) lines.push('', 'SQL statements sent while measuring (BENCH_STATEMENTS=1), per ticket opened:', '', outcome.statementsTable);
  if (outcome.phasesTable) lines.push('', `Where the time goes (BENCH_PHASES=1, measured phase, per ticket opened):`, '', outcome.phasesTable);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const backends: Backend[] = [];
  if (BACKENDS.includes('pglite')) backends.push({ name: 'PGlite (in-memory)', env: { LEDGERDESK_EVENT_STORE: 'pglite', LEDGERDESK_DATA_DIR: 'memory://' } });
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (BACKENDS.includes('postgres')) {
    if (databaseUrl) {
      const reset = process.env.LEDGERDESK_BENCH_RESET === '1';
      backends.push({
        name: `PostgreSQL (${new URL(databaseUrl).pathname.slice(1)}${reset ? ', reset' : ''})`,
        env: { LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl },
        before: reset
          ? async () => {
              log(`dropping schemas ${RESET_SCHEMAS.join(', ')} of ${new URL(databaseUrl).pathname.slice(1)}`);
              await resetPostgres(databaseUrl);
            }
          : undefined,
      });
    } else {
      log('DATABASE_URL is not set: PostgreSQL skipped');
    }
  }
  let failed = false;
  for (const backend of backends) {
    try {
      const outcome = await runBackend(backend);
      console.log(`\n### openTicket — ${outcome.backend}\n`);
      console.log(report(outcome));
      if (process.env.BENCH_JSON_OUT) {
        const m = outcome.measure;
        const line = {
          backend: outcome.backend,
          prefill: PREFILL_EVENTS,
          ticketsPerSecond: m.counters.tickets / m.durationS,
          p50: m.latency.p50,
          p90: m.latency.p90,
          p99: m.latency.p99,
          errors: m.counters.graphqlErrors + m.counters.non2xx + m.counters.badBodies,
          processCpuMsPerTicket: (outcome.processCpu * 1000 * m.durationS) / Math.max(1, m.counters.tickets),
          postgresCpuMsPerTicket: (outcome.postgresCores * 1000 * m.durationS) / Math.max(1, m.counters.tickets),
          otherCores: outcome.machineCpu * os.cpus().length - outcome.processCpu - outcome.postgresCores,
          stall: outcome.stall,
          statementsPerTicket: outcome.statementsPerTicket,
        };
        appendFileSync(process.env.BENCH_JSON_OUT, `${JSON.stringify(line)}\n`);
      }
    } catch (error) {
      failed = true;
      console.log(`\n### openTicket — ${backend.name}\n\nFAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  console.log(`\nTarget (from the issue), on PostgreSQL: ≥ ${TARGET.ticketsPerSecond} tickets/s at p99 ≤ ${TARGET.p99Ms} ms.`);
  process.exitCode = failed ? 1 : 0;
}

await main();
