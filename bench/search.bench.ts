/**
 * Search: BENCH_TICKETS (200,000) tickets, half Chinese and half English, appended through the event store;
 * the search read model (`triage.ticket_search`) rebuilt from them; then two-word `searchTickets` queries
 * through the same query code the resolver runs (in process, minus HTTP). A plain script that prints figures.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench_search npm run bench:search
 *   BENCH_TICKETS=20000 npm run bench:search     # PGlite in memory, a quick run
 *
 * 1. Log: each ticket is one append of its whole life (opened, 2–3 replies of which one staff reply in five is
 *    internal, resolved four times in ten), BENCH_WRITERS (8) concurrent writers; 400 accounts. The PostgreSQL
 *    database is cleaned first (event_store, projections, platform and triage schemas dropped — only in a
 *    database whose name contains "bench").
 * 2. Indexing: `triage.tickets` and then `triage.ticket_search` rebuilt alone (`ledgerdesk projections rebuild
 *    <name>`); the search one's time per ticket is the indexing cost (cutting the texts into words and CJK
 *    bigrams, the four tsvectors, the upsert, its TOAST rows and GIN index entries). Table and index sizes are printed.
 * 3. Queries: BENCH_QUERIES (300, after 30 warm-up) two-word queries, two words of one language drawn uniformly
 *    from the corpus vocabulary, first 20 hits with highlights' inputs: as staff over every account (internal
 *    notes included), and as a customer of one account; p50/p95/max and the hits' counts (target p95 ≤ 100 ms on
 *    PostgreSQL). The two most frequent words of each language are measured apart as the worst case.
 *    With the server on this machine (Linux), each query's PostgreSQL CPU time is printed too (its backend's
 *    /proc/<pid>/schedstat before and after): wall times on a shared machine grow with the load, that hardly does.
 * BENCH_QUERIES_ONLY=1 (PostgreSQL) keeps what a previous run left in the database and runs step 3 only.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PgliteClient, PostgresClient, SqlEventStore, type SqlClient } from '#event-store';
import { setupTimers } from '#platform-kit';
import { ProjectionRunner } from '#projections';
import { ticketSearchProjection, ticketsProjection } from '#triage';
import { TicketSearchQueries } from '../libs/triage/application/ticket-search.queries.js';
import { TicketsQueries } from '../libs/triage/application/tickets.queries.js';
import { parseSearchQuery } from '../libs/triage/domain/search-text.js';
import { random } from './sla/histories.js';
import { EN_WORDS, generateTicket, twoWordQuery, ZH_WORDS } from './search/corpus.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 200_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const ACCOUNTS = 400;
const DATABASE_URL = process.env.DATABASE_URL;
const TARGET_P95_MS = 100;
const QUERIES_ONLY = process.env.BENCH_QUERIES_ONLY === '1' && Boolean(DATABASE_URL);

const log = (message: string): void => void process.stderr.write(`[bench:search] ${message}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function openDatabase(): Promise<SqlClient> {
  if (!DATABASE_URL) return PgliteClient.open();
  const database = new URL(DATABASE_URL).pathname.slice(1);
  if (!database.includes('bench')) throw new Error(`DATABASE_URL names "${database}": the bench drops platform schemas, so it runs only in a database whose name contains "bench"`);
  const sql = new PostgresClient({ connectionString: DATABASE_URL, statementTimeoutMs: 600_000 });
  if (QUERIES_ONLY) return sql;
  for (const schema of ['event_store', 'projections', 'platform', 'triage']) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  return sql;
}

async function appendTickets(sql: SqlClient): Promise<{ events: number; ms: number }> {
  const next = random(20261203);
  const stores = await Promise.all(Array.from({ length: WRITERS }, () => SqlEventStore.open(sql, { ownsClient: false })));
  const start = Date.parse('2026-01-01T00:00:00Z');
  let index = 0;
  let events = 0;
  const began = performance.now();
  await Promise.all(
    stores.map(async (store) => {
      while (index < TICKETS) {
        const i = index++;
        const ticket = generateTicket(next, i, ACCOUNTS, start + i * 30_000);
        await store.append(`ticket-${ticket.ticketId}`, ticket.events, 'no_stream');
        events += ticket.events.length;
        if (i > 0 && i % 20_000 === 0) log(`  … ${fmt(i)} tickets appended`);
      }
    }),
  );
  return { events, ms: performance.now() - began };
}

/**
 * Milliseconds the PostgreSQL backend has run on a CPU so far (Linux `/proc/<pid>/schedstat`, when the server runs on
 * this machine), or null. The queries run on one connection, so this is their database work whatever the load:
 * on a shared machine the wall times grow with the load, this does not (much).
 */
function backendCpu(pid: number | null): () => number | null {
  const file = pid === null ? null : `/proc/${pid}/schedstat`;
  return () => {
    if (!file || !existsSync(file)) return null;
    return Number(readFileSync(file, 'utf8').split(' ')[0]) / 1e6;
  };
}

/**
 * CPU milliseconds so far of this process plus every PostgreSQL backend connected to the bench database (its pool's
 * connections, autovacuum on it) — the indexing's work whatever the load. Linux and a local server only; a backend
 * that exits between two readings loses its part (the pool keeps its connections during a rebuild).
 */
async function indexingCpu(sql: SqlClient): Promise<() => Promise<number | null>> {
  if (sql.kind !== 'postgres') return async () => null;
  const backends = async () => {
    const rows = await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    const times = new Map<number, number>();
    for (const { pid } of rows) {
      const read = backendCpu(pid)();
      if (read !== null) times.set(pid, read);
    }
    return times;
  };
  const processStart = process.cpuUsage();
  const start = await backends();
  return async () => {
    const end = await backends();
    if (end.size === 0) return null;
    let database = 0;
    for (const [pid, ms] of end) database += ms - (start.get(pid) ?? 0);
    const own = process.cpuUsage(processStart);
    return database + (own.user + own.system) / 1000;
  };
}

interface Timed {
  times: number[];
  cpu: number[];
  hits: number[];
}

async function timeQueries(queries: TicketSearchQueries, cpu: () => number | null, texts: readonly string[], accountId: string | null): Promise<Timed> {
  const out: Timed = { times: [], cpu: [], hits: [] };
  for (const text of texts) {
    const cpuBefore = cpu();
    const began = performance.now();
    const page = await queries.search(parseSearchQuery(text), accountId ? { accountId } : {}, accountId === null, 20, null);
    out.times.push(performance.now() - began);
    const cpuAfter = cpu();
    if (cpuBefore !== null && cpuAfter !== null) out.cpu.push(cpuAfter - cpuBefore);
    out.hits.push(page.totalCount);
  }
  return out;
}

function row(label: string, { times, cpu, hits }: Timed): string {
  const sorted = [...times].sort((a, b) => a - b);
  const sortedCpu = [...cpu].sort((a, b) => a - b);
  const sortedHits = [...hits].sort((a, b) => a - b);
  const cpuCell = sortedCpu.length ? `${fmt(percentile(sortedCpu, 50), 1)} / ${fmt(percentile(sortedCpu, 95), 1)} ms` : 'n/a';
  return `| ${label} | ${fmt(times.length)} | ${fmt(percentile(sorted, 50), 1)} ms | **${fmt(percentile(sorted, 95), 1)} ms** | ${fmt(sorted.at(-1)!, 1)} ms | ${cpuCell} | ${fmt(percentile(sortedHits, 50))} / ${fmt(sortedHits.at(-1)!)} |`;
}

async function main(): Promise<void> {
  const backend = DATABASE_URL ? 'PostgreSQL' : 'PGlite (in memory)';
  out(`# bench:search — ${backend}, ${fmt(TICKETS)} tickets (half Chinese, half English)`);
  out(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.versions.node}; load average at start ${load()}`);
  const sql = await openDatabase();
  if (sql.kind === 'postgres') out(`PostgreSQL ${(await sql.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v}`);

  const store = await SqlEventStore.open(sql, { ownsClient: false });
  if (QUERIES_ONLY) out('(BENCH_QUERIES_ONLY=1: the tickets and read models a previous run left)');
  else {
    log(`appending ${fmt(TICKETS)} tickets with ${WRITERS} writers`);
    const appended = await appendTickets(sql);
    out('');
    out('## Log');
    out(`${fmt(TICKETS)} tickets, ${fmt(appended.events)} events (one append per ticket): ${fmt(appended.ms / 1000, 1)} s, ${fmt(TICKETS / (appended.ms / 1000))} tickets/s`);

    await setupTimers(sql);
    const runner = new ProjectionRunner(store, sql, [ticketsProjection, ticketSearchProjection], { waitTimeoutMs: 24 * 3_600_000 });
    await runner.setup();
    log('rebuilding triage.tickets');
    const tickets = await runner.rebuild('triage.tickets');
    log(`rebuilding triage.ticket_search; load average ${load()}`);
    const searchCpu = await indexingCpu(sql);
    const search = await runner.rebuild('triage.ticket_search');
    const searchCpuMs = await searchCpu();
    const busy = search.projections['triage.ticket_search']!;
    if (sql.kind === 'postgres') await sql.query('VACUUM ANALYZE triage.ticket_search, triage.tickets');
    const [sizes] = await sql.query<{ rows: number; heap: string; table: string; gin: string; small: string; all: string }>(
      `SELECT (SELECT count(*)::int FROM triage.ticket_search) AS rows,
              pg_size_pretty(pg_relation_size('triage.ticket_search')) AS heap,
              pg_size_pretty(pg_table_size('triage.ticket_search')) AS table,
              pg_size_pretty(pg_relation_size('triage.ticket_search_public') + pg_relation_size('triage.ticket_search_staff')) AS gin,
              pg_size_pretty(pg_relation_size('triage.ticket_search_head') + pg_relation_size('triage.ticket_search_subject')) AS small,
              pg_size_pretty(pg_total_relation_size('triage.ticket_search')) AS all`,
    );
    out('');
    out('## Indexing (each projection rebuilt alone)');
    out('');
    out('| projection | events read | handled | time | per ticket | CPU per ticket (this process + PostgreSQL) |');
    out('| --- | ---: | ---: | ---: | ---: | ---: |');
    out(`| triage.tickets | ${fmt(tickets.events)} | ${fmt(tickets.projections['triage.tickets']!.handled)} | ${fmt(tickets.ms / 1000, 1)} s | ${fmt((tickets.ms * 1000) / TICKETS)} µs | |`);
    out(
      `| triage.ticket_search | ${fmt(search.events)} | ${fmt(busy.handled)} | ${fmt(search.ms / 1000, 1)} s | **${fmt((search.ms * 1000) / TICKETS)} µs** (${fmt((busy.busyMs * 1000) / TICKETS)} µs in its transactions) | ${searchCpuMs === null ? 'n/a' : `**${fmt((searchCpuMs * 1000) / TICKETS)} µs**`} |`,
    );
    out('');
    out(`ticket_search: ${fmt(sizes!.rows)} rows; table ${sizes!.table} (heap ${sizes!.heap}, the rest TOAST), the public and staff GIN indexes ${sizes!.gin}, the opening and subject ones ${sizes!.small}, ${sizes!.all} in all`);
  }

  // The queries run on one connection of their own, so its backend's CPU time is theirs (see backendCpu).
  const querySql = DATABASE_URL ? new PostgresClient({ connectionString: DATABASE_URL, maxConnections: 1, statementTimeoutMs: 600_000 }) : sql;
  const pid = querySql.kind === 'postgres' ? ((await querySql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]?.pid ?? null) : null;
  const cpu = backendCpu(pid);
  const queries = new TicketSearchQueries(querySql, new TicketsQueries(querySql));
  const next = random(7);
  const texts = Array.from({ length: QUERIES + 30 }, () => twoWordQuery(next).query);
  await timeQueries(queries, cpu, texts.slice(0, 30), null);
  log(`querying; load average ${load()}`);
  const staff = await timeQueries(queries, cpu, texts.slice(30), null);
  const customer = await timeQueries(queries, cpu, texts.slice(30), 'acct-0007');
  const zh = texts.slice(30).filter((t) => /[\u4e00-\u9fff]/.test(t));
  const en = texts.slice(30).filter((t) => !/[\u4e00-\u9fff]/.test(t));
  const staffZh = await timeQueries(queries, cpu, zh, null);
  const staffEn = await timeQueries(queries, cpu, en, null);
  const worst = [`${EN_WORDS[0]} ${EN_WORDS[1]}`, `${ZH_WORDS[0]} ${ZH_WORDS[1]}`];
  const worstTimes = await timeQueries(queries, cpu, [...worst, ...worst, ...worst, ...worst, ...worst], null);
  out('');
  out(`## Two-word queries (first 20 hits, best first; in process through TicketSearchQueries) — load average ${load()}`);
  out('');
  out('| who | queries | p50 | p95 | max | PostgreSQL CPU p50 / p95 | hits p50 / max |');
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  out(row('staff, every account (internal notes too)', staff));
  out(row('… of them Chinese', staffZh));
  out(row('… of them English', staffEn));
  out(row('a customer, one account', customer));
  out(row(`worst case: "${worst[0]}", "${worst[1]}" (the most frequent words) ×5`, worstTimes));
  const p95 = percentile([...staff.times].sort((a, b) => a - b), 95);
  out('');
  out(`staff p95 ${fmt(p95, 1)} ms against the target ≤ ${TARGET_P95_MS} ms${sql.kind === 'postgres' ? '' : ' (the target is for PostgreSQL)'}: ${p95 <= TARGET_P95_MS ? 'met' : '**not met**'}`);
  await store.close();
  if (querySql !== sql) await querySql.close();
  await sql.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
