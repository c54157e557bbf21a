/**
 * Replay: a realistic log of BENCH_EVENTS events, a full rebuild of every read model, and point-in-time
 * `ticketHistory` of a ticket with 1,000 events. A plain script that prints figures, never a test.
 *
 *   npm run bench:replay                        # PGlite in memory (default size 1,000,000 events)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench_replay npm run bench:replay
 *   BENCH_EVENTS=100000 npm run bench:replay    # a quick run
 *
 * 1. Log: the bench's database is cleaned first (PostgreSQL: every platform schema is dropped — only in a
 *    database whose name contains "bench"), then set-up streams (3 calendars, one amended; 60 engineers and
 *    15 TAMs; one account per 5,000 events with its TAM, some handed over; contracts, a quarter re-signed)
 *    and tickets in waves of 400 whose lives interleave, appended through SqlEventStore.append by
 *    BENCH_WRITERS (8) concurrent writers. Every ticket event comes out of triage's own decider, SLA warnings
 *    and breaches are those the engine says its timers would have recorded by 2026-04-01, and claims come out
 *    of the claim decider with the engine's verdict (bench/replay/tickets.ts). One ticket has exactly
 *    BENCH_LONG_TICKET_EVENTS (1,000) events in its stream.
 * 2. Rebuild: every projection of the platform (apps/platform/platform.projections.ts) replayed from the log
 *    at once, as `ledgerdesk projections rebuild --all` does (the headline figure, target ≤ 60 s for 1M events
 *    on PostgreSQL); then, with BENCH_REBUILD_EACH=1 (default), each projection alone.
 * 3. Sanity: row counts against the log, and BENCH_SAMPLE (300) random tickets whose triage row and SLA row
 *    are recomputed from their streams with the pure folds.
 * 4. History: BENCH_HISTORY_CALLS (200, after 20 warm-up calls) `ticketHistory` queries of the long ticket
 *    through the audit context's resolver in process (what the GraphQL field runs, minus HTTP), as an
 *    AUDITOR, asOf its last event (all 1,000 events) and asOf the middle of its life; p50/p95 (target p95 ≤ 50 ms).
 * Peak RSS is sampled throughout. The load average is printed: other processes move the figures.
 * BENCH_REUSE_LOG=1 (PostgreSQL) keeps the log a previous run left in the database and drops only the read
 * models, to measure the rebuild and the history again without generating the log again.
 */
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PgliteClient, PostgresClient, SqlEventStore, type SqlClient } from '#event-store';
import { setupTimers, type PlatformRuntime } from '#platform-kit';
import { ProjectionRunner, type RebuildReport } from '#projections';
import { PLATFORM_PROJECTIONS } from '../apps/platform/platform.projections.js';
import { TicketHistoryResolver } from '../libs/audit/graphql/ticket-history.resolver.js';
import { generateLog, type GeneratedLog } from './replay/generate.js';
import { sampleCheck } from './replay/sanity.js';
import { NOW } from './replay/world.js';
import { maxRssMiB, RssSampler } from './sla/rss.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const LONG_TICKET_EVENTS = Number(process.env.BENCH_LONG_TICKET_EVENTS ?? 1_000);
const HISTORY_CALLS = Number(process.env.BENCH_HISTORY_CALLS ?? 200);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 300);
const REBUILD_EACH = (process.env.BENCH_REBUILD_EACH ?? '1') === '1';
const DATABASE_URL = process.env.DATABASE_URL;
const TARGET = { rebuildSeconds: 60, historyP95Ms: 50 };
const REUSE_LOG = process.env.BENCH_REUSE_LOG === '1' && Boolean(DATABASE_URL);
const SCHEMAS = [...(REUSE_LOG ? [] : ['event_store']), 'projections', 'platform', 'accounts', 'triage', 'intake', 'sla', 'health_checks', 'healthchecks'];

const log = (message: string): void => void process.stderr.write(`[bench:replay] ${message}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');

async function openDatabase(): Promise<SqlClient> {
  if (!DATABASE_URL) return PgliteClient.open();
  const database = new URL(DATABASE_URL).pathname.slice(1);
  if (!database.includes('bench')) throw new Error(`DATABASE_URL names "${database}": the bench drops every platform schema, so it runs only in a database whose name contains "bench"`);
  const sql = new PostgresClient({ connectionString: DATABASE_URL, statementTimeoutMs: 600_000 });
  for (const schema of SCHEMAS) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  return sql;
}

/** What a previous run appended (BENCH_REUSE_LOG=1): the same figures, read back from the log. */
async function existingLog(sql: SqlClient): Promise<GeneratedLog> {
  const [totals] = await sql.query<{ events: number; accounts: number; claims: number; streams: number }>(
    `SELECT count(*)::int AS events, count(*) FILTER (WHERE type = 'AccountRegistered')::int AS accounts,
            count(*) FILTER (WHERE type = 'BreachClaimFiled')::int AS claims, count(DISTINCT stream)::int AS streams FROM event_store.events`,
  );
  const tickets = await sql.query<{ stream: string; revision: number }>(`SELECT stream, revision FROM event_store.streams WHERE stream LIKE 'ticket-%' ORDER BY revision DESC, stream`);
  if (!totals || totals.events === 0 || tickets.length === 0) throw new Error('BENCH_REUSE_LOG=1 but the database holds no log from a previous run');
  const ticketIds = tickets.map((t) => t.stream.slice('ticket-'.length));
  return {
    events: totals.events, appends: 0, tickets: ticketIds.length, ticketIds, claims: totals.claims, accounts: totals.accounts,
    longTicketId: ticketIds[0]!, longTicketEvents: Number(tickets[0]!.revision) + 1, ms: 0,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  if (!(EVENTS >= 10_000)) throw new Error('BENCH_EVENTS must be at least 10000');
  const backend = DATABASE_URL ? 'PostgreSQL' : 'PGlite (in memory)';
  const rss = new RssSampler();
  out(`# bench:replay — ${backend}, ${fmt(EVENTS)} events`);
  out(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.versions.node}; load average at start ${load()}`);
  const sql = await openDatabase();
  if (sql.kind === 'postgres') {
    const [version] = await sql.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    out(`PostgreSQL ${version?.v}`);
  }

  // 1. the log
  log(`generating ~${fmt(EVENTS)} events with ${WRITERS} writers`);
  const generated = REUSE_LOG ? await existingLog(sql) : await generateLog(sql, EVENTS, { writers: WRITERS, longTicketEvents: LONG_TICKET_EVENTS, log });
  if (sql.kind === 'postgres' && !REUSE_LOG) await sql.query('VACUUM ANALYZE event_store.events');
  out('');
  out('## Log');
  out(
    REUSE_LOG
      ? `${fmt(generated.events)} events (${fmt(generated.tickets)} tickets, ${fmt(generated.accounts)} accounts, ${fmt(generated.claims)} claims) left by a previous run (BENCH_REUSE_LOG=1)`
      : `${fmt(generated.events)} events (${fmt(generated.tickets)} tickets, ${fmt(generated.accounts)} accounts, ${fmt(generated.claims)} claims) in ${fmt(generated.appends)} appends: ${fmt(generated.ms / 1000, 1)} s, ${fmt(generated.events / (generated.ms / 1000))} events/s`,
  );
  const [types] = await sql.query<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE type = 'ReplyAdded')::int AS replies, count(*) FILTER (WHERE type = 'TicketOpened')::int AS opened,
            count(*) FILTER (WHERE type = 'SlaClockBreached')::int AS breaches, count(*) FILTER (WHERE type = 'SlaWarningReached')::int AS warnings,
            count(*) FILTER (WHERE type = 'BreachClaimFiled')::int AS claims, count(*) FILTER (WHERE type = 'TicketResolved')::int AS resolved,
            count(*) FILTER (WHERE type = 'ReplyAdded' AND (data->>'requestsInformation')::boolean)::int AS asks,
            count(*) FILTER (WHERE type IN ('SeverityDisputed'))::int AS disputes, count(*)::int AS total FROM event_store.events`,
  );
  out(`by type: ${Object.entries(types!).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);

  // 2. rebuild
  const store = await SqlEventStore.open(sql, { ownsClient: false });
  const runner = new ProjectionRunner(store, sql, PLATFORM_PROJECTIONS, { waitTimeoutMs: 24 * 3_600_000 });
  await setupTimers(sql);
  await runner.setup();
  log(`rebuilding ${runner.names.join(', ')} at once; load average ${load()}`);
  const ticker = setInterval(() => log(`  … ${fmt(Math.min(...Object.values(runner.progress())))} events replayed`), 5_000);
  let all: RebuildReport;
  try {
    all = await runner.rebuildAll();
  } finally {
    clearInterval(ticker);
  }
  const loadAfterRebuild = load();
  out('');
  out('## Rebuild of every projection at once (`ledgerdesk projections rebuild --all`)');
  out(`${fmt(all.events)} events in **${fmt(all.ms / 1000, 1)} s** (${fmt(all.events / (all.ms / 1000))} events/s; target ≤ ${TARGET.rebuildSeconds} s for 1M on PostgreSQL) — load average after: ${loadAfterRebuild}`);
  out('');
  out('| projection | events handled | time in its transactions (all run concurrently) |');
  out('| --- | ---: | ---: |');
  for (const [name, entry] of Object.entries(all.projections)) out(`| ${name} | ${fmt(entry.handled)} | ${fmt(entry.busyMs / 1000, 1)} s |`);

  // 3. sanity
  const counts = await sql.query<{ name: string; n: number }>(
    `SELECT 'triage.tickets' AS name, count(*)::int AS n FROM triage.tickets UNION ALL
     SELECT 'sla.ticket_sla', count(*)::int FROM sla.ticket_sla WHERE status IS NOT NULL UNION ALL
     SELECT 'triage.replies', count(*)::int FROM triage.replies UNION ALL
     SELECT 'sla.claims', count(*)::int FROM sla.claims UNION ALL
     SELECT 'accounts.accounts', count(*)::int FROM accounts.accounts UNION ALL
     SELECT 'platform.timers (pending SLA)', count(*)::int FROM platform.timers WHERE fired_at IS NULL AND kind LIKE 'sla.%'`,
  );
  const expected: Record<string, number> = {
    'triage.tickets': generated.tickets,
    'sla.ticket_sla': generated.tickets,
    'triage.replies': types!['replies']!,
    'sla.claims': types!['claims']!,
    'accounts.accounts': generated.accounts,
  };
  out('');
  out('## Sanity');
  let sane = true;
  for (const { name, n } of counts) {
    const want = expected[name];
    if (want !== undefined && want !== n) sane = false;
    out(`- ${name}: ${fmt(n)} rows${want === undefined ? '' : want === n ? ' (as the log says)' : ` — **expected ${fmt(want)}**`}`);
  }
  const sample = await sampleCheck(store, sql, generated.ticketIds, SAMPLE);
  out(`- ${fmt(sample.checked)} random tickets recomputed from their streams: ${sample.mismatches.length === 0 ? 'triage and SLA rows all equal the pure folds' : `**${sample.mismatches.length} mismatches**`}`);
  for (const mismatch of sample.mismatches.slice(0, 10)) out(`  - ${mismatch}`);
  if (sample.mismatches.length > 0) sane = false;

  // 3b. each projection alone
  if (REBUILD_EACH) {
    out('');
    out('## Each projection rebuilt alone (`ledgerdesk projections rebuild <name>`)');
    out('');
    out('| projection | events read | handled | time | events read/s |');
    out('| --- | ---: | ---: | ---: | ---: |');
    for (const name of runner.names) {
      log(`rebuilding ${name} alone`);
      const report = await runner.rebuild(name);
      const entry = report.projections[name]!;
      out(`| ${name} | ${fmt(report.events)} | ${fmt(entry.handled)} | ${fmt(report.ms / 1000, 1)} s | ${fmt(report.events / (report.ms / 1000))} |`);
    }
  }

  // 4. ticketHistory of the long ticket
  const resolver = new TicketHistoryResolver({ store } as unknown as PlatformRuntime, { kind: 'manual', now: () => new Date(NOW) });
  const auditor = { id: 'auditor-1', role: 'AUDITOR' as const, accountId: null };
  const longEvents = await store.readStream(`ticket-${generated.longTicketId}`);
  const lastAt = new Date(longEvents.at(-1)!.recordedAt);
  const midAt = new Date(longEvents[Math.floor(longEvents.length / 2)]!.recordedAt);
  out('');
  out(`## ticketHistory of the ticket with ${fmt(longEvents.length)} events (in process, through the audit resolver, as AUDITOR)`);
  out('');
  out('| asOf | events in the history | p50 | p95 | max |');
  out('| --- | ---: | ---: | ---: | ---: |');
  let historyP95 = 0;
  for (const [label, asOf] of [['its last event', lastAt], ['the middle of its life', midAt]] as const) {
    let size = 0;
    for (let i = 0; i < 20; i++) size = (await resolver.ticketHistory(auditor, generated.longTicketId, asOf)).events.length;
    const times: number[] = [];
    for (let i = 0; i < HISTORY_CALLS; i++) {
      const began = performance.now();
      await resolver.ticketHistory(auditor, generated.longTicketId, asOf);
      times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    historyP95 = Math.max(historyP95, percentile(times, 95));
    out(`| ${label} (${asOf.toISOString()}) | ${fmt(size)} | ${fmt(percentile(times, 50), 1)} ms | ${fmt(percentile(times, 95), 1)} ms | ${fmt(times.at(-1)!, 1)} ms |`);
  }

  const peak = rss.stop();
  out('');
  out('## Summary');
  out(`- rebuild of every projection: ${fmt(all.ms / 1000, 1)} s for ${fmt(all.events)} events (target ≤ ${TARGET.rebuildSeconds} s for 1M on PostgreSQL: ${all.ms / 1000 <= TARGET.rebuildSeconds ? 'met' : 'MISSED'}${generated.events < 1_000_000 ? ' — this run is smaller than 1M' : ''})`);
  out(`- ticketHistory p95: ${fmt(historyP95, 1)} ms (target ≤ ${TARGET.historyP95Ms} ms: ${historyP95 <= TARGET.historyP95Ms ? 'met' : 'MISSED'})`);
  out(`- read models sane: ${sane ? 'yes' : 'NO'}`);
  out(`- peak RSS ${fmt(peak)} MiB (maxRSS ${fmt(maxRssMiB())} MiB); load average at the end ${load()}`);
  await store.close();
  await sql.close();
  if (!sane) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`bench:replay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
