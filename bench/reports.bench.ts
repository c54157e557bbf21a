/**
 * Reports: SLA report and statement latency over a generated log, and the rebuild rate of the report read model.
 * A plain script that prints figures, never a test.
 *
 *   npm run bench:reports                          # PGlite in memory, 100,000 tickets, 200 accounts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench_reports npm run bench:reports
 *   BENCH_TICKETS=10000 npm run bench:reports      # a quick run
 *
 * 1. Log: generated through the event store exactly as bench:replay does (bench/replay/generate.ts: accounts,
 *    contracts, calendars, tickets from triage's decider with their SLA pins, warnings, breaches and claims) —
 *    BENCH_TICKETS tickets (~25 events each) over BENCH_ACCOUNTS (200) accounts, received from July 2025 to
 *    20 March 2026. PostgreSQL: only in a database whose name contains "bench" (every platform schema is dropped).
 * 2. Rebuild: the SLA read models the reports read (sla.directory, sla.claims, sla.reports, sla.statements)
 *    replayed from the log at once; events/s and tickets/s.
 * 3. slaReport grouped by ACCOUNT × MONTH over every account and 12 months (2025-04-01 … 2026-03-31), through
 *    SlaReportQueries (what the resolver runs, minus HTTP and GraphQL): BENCH_CALLS (30, after 3 warm-ups); p50/p95
 *    (target p95 ≤ 200 ms).
 * 4. One statement: the figures of a random account's month (totals, per severity, breaches with claims, credits,
 *    contract versions) as `slaStatement` computes a DRAFT: BENCH_CALLS calls; p50/p95 (target ≤ 100 ms).
 */
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PgliteClient, PostgresClient, SqlEventStore, type SqlClient } from '#event-store';
import { setupTimers } from '#platform-kit';
import { ProjectionRunner } from '#projections';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';
import { SlaReportQueries } from '../libs/sla/application/sla-report.queries.js';
import { SlaStatements } from '../libs/sla/application/sla-statements.js';
import { generateLog } from './replay/generate.js';
import { random } from './sla/histories.js';
import { maxRssMiB, RssSampler } from './sla/rss.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const CALLS = Number(process.env.BENCH_CALLS ?? 30);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const DATABASE_URL = process.env.DATABASE_URL;
const TARGET = { reportP95Ms: 200, statementMs: 100 };
const SCHEMAS = ['event_store', 'projections', 'platform', 'accounts', 'triage', 'intake', 'sla', 'health_checks', 'healthchecks'];
const READ_MODELS = ['sla.directory', 'sla.claims', 'sla.reports', 'sla.statements'];

const log = (message: string): void => void process.stderr.write(`[bench:reports] ${message}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function openDatabase(): Promise<SqlClient> {
  if (!DATABASE_URL) return PgliteClient.open();
  const database = new URL(DATABASE_URL).pathname.slice(1);
  if (!database.includes('bench')) throw new Error(`DATABASE_URL names "${database}": the bench drops every platform schema, so it runs only in a database whose name contains "bench"`);
  const sql = new PostgresClient({ connectionString: DATABASE_URL, statementTimeoutMs: 600_000 });
  for (const schema of SCHEMAS) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  return sql;
}

async function timed(calls: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const began = performance.now();
    await run(i);
    times.push(performance.now() - began);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const rss = new RssSampler();
  const backend = DATABASE_URL ? 'PostgreSQL' : 'PGlite (in memory)';
  out(`# bench:reports — ${backend}, ${fmt(TICKETS)} tickets, ${fmt(ACCOUNTS)} accounts`);
  out(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.versions.node}; load average at start ${load()}`);
  const sql = await openDatabase();

  // 1. the log (generateLog sizes the ticket count as events / 25)
  log(`generating ${fmt(TICKETS)} tickets with ${WRITERS} writers`);
  const generated = await generateLog(sql, TICKETS * 25, { writers: WRITERS, longTicketEvents: 100, accounts: ACCOUNTS, log });
  if (sql.kind === 'postgres') await sql.query('VACUUM ANALYZE event_store.events');
  out('');
  out('## Log');
  out(`${fmt(generated.events)} events (${fmt(generated.tickets)} tickets, ${fmt(generated.accounts)} accounts, ${fmt(generated.claims)} claims): ${fmt(generated.ms / 1000, 1)} s, ${fmt(generated.events / (generated.ms / 1000))} events/s`);

  // 2. rebuild
  const store = await SqlEventStore.open(sql, { ownsClient: false });
  const runner = new ProjectionRunner(store, sql, PLATFORM_PROJECTIONS, { waitTimeoutMs: 24 * 3_600_000 });
  await setupTimers(sql);
  await runner.setup();
  log(`rebuilding ${READ_MODELS.join(', ')}; load average ${load()}`);
  const ticker = setInterval(() => log(`  … ${fmt(Math.min(...READ_MODELS.map((name) => runner.progress()[name] ?? 0)))} events replayed`), 5_000);
  let rebuilt;
  try {
    rebuilt = await runner.rebuildAll(READ_MODELS);
  } finally {
    clearInterval(ticker);
  }
  const [rows] = await sql.query<{ clocks: number; tickets: number }>('SELECT (SELECT count(*)::int FROM sla.report_clocks) AS clocks, (SELECT count(*)::int FROM sla.report_tickets) AS tickets');
  if (sql.kind === 'postgres') await sql.query('ANALYZE sla.report_clocks; ANALYZE sla.report_tickets');
  out('');
  out(`## Rebuild of ${READ_MODELS.join(', ')} (one pass over the log)`);
  out(`${fmt(rebuilt.events)} events in **${fmt(rebuilt.ms / 1000, 1)} s**: ${fmt(rebuilt.events / (rebuilt.ms / 1000))} events/s, ${fmt(generated.tickets / (rebuilt.ms / 1000))} tickets/s — ${fmt(rows!.clocks)} clock rows, ${fmt(rows!.tickets)} ticket rows`);
  for (const [name, entry] of Object.entries(rebuilt.projections)) out(`- ${name}: ${fmt(entry.handled)} events handled, ${fmt(entry.busyMs / 1000, 1)} s in its transactions`);

  // 3. slaReport ACCOUNT × MONTH, every account, 12 months
  const reports = new SlaReportQueries(sql);
  const filter = { accountIds: null, from: '2025-04-01', to: '2026-03-31', severities: null, channels: null, metrics: null };
  let rowCount = 0;
  const reportTimes = await timed(CALLS, async () => {
    rowCount = (await reports.report(filter, ['ACCOUNT', 'MONTH'])).length;
  });
  out('');
  out(`## slaReport grouped by ACCOUNT × MONTH, all accounts, 12 months (${fmt(rowCount)} rows; ${CALLS} calls)`);
  out(`p50 ${fmt(percentile(reportTimes, 50), 1)} ms, **p95 ${fmt(percentile(reportTimes, 95), 1)} ms**, max ${fmt(reportTimes.at(-1)!, 1)} ms (target p95 ≤ ${TARGET.reportP95Ms} ms)`);

  // 4. one statement: a random account's month
  const zones = await sql.query<{ account_id: string; time_zone: string }>('SELECT account_id, time_zone FROM sla.report_zones ORDER BY account_id');
  const months = ['2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'];
  const next = random(7);
  // Only the figures: no runtime, clock or claims commands are needed for them.
  const statements = new SlaStatements(null as never, null as never, sql, reports, null as never, null as never);
  let breaches = 0;
  const statementTimes = await timed(CALLS, async () => {
    const account = zones[Math.floor(next() * zones.length)]!;
    const figures = await statements.figures(account.account_id, months[Math.floor(next() * months.length)]!, account.time_zone);
    breaches = Math.max(breaches, figures.breaches.length);
  });
  out('');
  out(`## One statement (a random account's month: totals, per severity, breaches with claims, credits, contracts; ${CALLS} calls, up to ${fmt(breaches)} breaches)`);
  out(`p50 ${fmt(percentile(statementTimes, 50), 1)} ms, **p95 ${fmt(percentile(statementTimes, 95), 1)} ms**, max ${fmt(statementTimes.at(-1)!, 1)} ms (target ≤ ${TARGET.statementMs} ms)`);

  const reportP95 = percentile(reportTimes, 95);
  const statementP95 = percentile(statementTimes, 95);
  out('');
  out('## Summary');
  out(`- slaReport ACCOUNT × MONTH p95 ${fmt(reportP95, 1)} ms (target ≤ ${TARGET.reportP95Ms} ms: ${reportP95 <= TARGET.reportP95Ms ? 'met' : 'MISSED'})`);
  out(`- one statement p95 ${fmt(statementP95, 1)} ms (target ≤ ${TARGET.statementMs} ms: ${statementP95 <= TARGET.statementMs ? 'met' : 'MISSED'})`);
  out(`- report read models rebuilt at ${fmt(rebuilt.events / (rebuilt.ms / 1000))} events/s (${fmt(generated.tickets / (rebuilt.ms / 1000))} tickets/s)`);
  out(`- peak RSS ${fmt(rss.stop())} MiB (maxRSS ${fmt(maxRssMiB())} MiB); load average at the end ${load()}${TICKETS < 100_000 ? ` — this run is smaller than the issue's 100,000 tickets` : ''}`);
  await store.close();
  await sql.close();
}

main().catch((error) => {
  process.stderr.write(`bench:reports failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
