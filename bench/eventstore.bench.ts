/**
 * Event store throughput against a plain-SQL BASELINE with the same transaction shape and the same rows.
 * A plain script that prints figures (a markdown table per backend), never a test.
 *
 *   npm run bench:eventstore                                   # PGlite (in-memory) only
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench npm run bench:eventstore
 *                                                              # PGlite, then PostgreSQL
 *
 * On PostgreSQL the store uses its fixed schema `event_store`: it is dropped first only when
 * LEDGERDESK_BENCH_RESET=1; otherwise the bench writes to streams named uniquely for this run and reads
 * from the log position it found at start. The baseline lives in `bench_baseline`, created and dropped here.
 * LEDGERDESK_BENCH_SCALE (default 1) multiplies every count, for quick runs.
 *
 * Measured, store then baseline alternately (ABBA over rounds, so table growth and cache warmth are shared):
 *   1. single-event appends, 1 writer and 16 concurrent writers (each writer its own stream, exact
 *      expectedRevision) — baseline: BEGIN; INSERT one row; COMMIT through the same SqlClient.transaction;
 *   2. 100-event batch appends — baseline: one INSERT … SELECT FROM unnest(...) of 100 rows in one transaction;
 *   3. readAll in pages of 1000 over everything written — baseline: SELECT … WHERE seq > $1 ORDER BY seq LIMIT 1000;
 *   4. subscription catch-up until N events delivered — baseline: the same paging loop in pages of 500
 *      (the subscription's default batch size).
 * Targets (from the issue): single-event ≥ 0.6×, batch ≥ 0.8×, readAll ≥ 0.5× of the baseline's rate.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  PgliteClient,
  PostgresClient,
  SqlEventStore,
  type Position,
  type SqlClient,
} from '#event-store';
import { BaselineTable } from './eventstore/baseline.js';
import { baselineRows, makeEvent, median } from './eventstore/fixtures.js';

const SCALE = Number(process.env.LEDGERDESK_BENCH_SCALE ?? '1');
const scaled = (n: number): number => Math.max(1, Math.round(n * SCALE));

const ROUNDS = 8; // write rounds per scenario and side: store first in even rounds, baseline first in odd ones
const READ_PASSES = 6; // readAll / catch-up passes per side, alternating the same way
const SINGLE_1W_PER_ROUND = scaled(300);
const SINGLE_16W_WRITERS = 16;
const SINGLE_16W_PER_WRITER = scaled(25); // 400 appends per round
const BATCH_SIZE = 100;
const BATCHES_PER_ROUND = scaled(25); // 2,500 events per round
const READ_PAGE = 1000;
const SUBSCRIBE_PAGE = 500; // PollingSubscription's default batchSize; subscribe() is called without one

/** One side's rounds: operations and milliseconds of each. Its rate is the median of the rounds' rates. */
interface Side {
  ops: number;
  ms: number;
  rates: number[];
}

interface Round {
  ops: number;
  ms: number;
}

interface Line {
  name: string;
  count: string;
  unit: string;
  store: Side;
  baseline: Side;
  target: number | null;
}

const runId = randomUUID().slice(0, 8);
const log = (message: string): void => void process.stderr.write(`[bench ${runId}] ${message}\n`);

async function timed(work: () => Promise<void>): Promise<number> {
  const began = performance.now();
  await work();
  return performance.now() - began;
}

/** `writers` concurrent loops of `perWriter` sequential operations each. */
async function writersLoop(writers: number, perWriter: number, op: (writer: number, i: number) => Promise<void>): Promise<number> {
  return timed(async () => {
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let i = 0; i < perWriter; i++) await op(writer, i);
      }),
    );
  });
}

/**
 * Alternates store/baseline over rounds (S B, B S, S B, …). The machine is shared, so a burst of load from
 * elsewhere hits one round: each side's rate is the median of its rounds' rates, not total ops / total time.
 */
async function alternate(
  rounds: number,
  store: (round: number) => Promise<Round>,
  baseline: (round: number) => Promise<Round>,
): Promise<{ store: Side; baseline: Side }> {
  const total = { store: { ops: 0, ms: 0, rates: [] as number[] }, baseline: { ops: 0, ms: 0, rates: [] as number[] } };
  const add = (into: Side, round: Round) => {
    into.ops += round.ops;
    into.ms += round.ms;
    into.rates.push(round.ops / (round.ms / 1000));
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      add(total.store, await store(round));
      add(total.baseline, await baseline(round));
    } else {
      add(total.baseline, await baseline(round));
      add(total.store, await store(round));
    }
  }
  return total;
}

async function singleAppends(
  store: SqlEventStore,
  baseline: BaselineTable,
  label: string,
  writers: number,
  perWriter: number,
  rounds: number,
): Promise<{ store: Side; baseline: Side }> {
  return alternate(
    rounds,
    async (round) => {
      const streams = Array.from({ length: writers }, (_, w) => `bench-${runId}-${label}-r${round}-w${w}`);
      const events = streams.map(() => Array.from({ length: perWriter }, (_, i) => makeEvent(i)));
      const ms = await writersLoop(writers, perWriter, async (w, i) => {
        await store.append(streams[w]!, [events[w]![i]!], i === 0 ? 'no_stream' : i - 1);
      });
      return { ops: writers * perWriter, ms };
    },
    async (round) => {
      const rows = Array.from({ length: writers }, (_, w) =>
        baselineRows(`bench-${runId}-${label}-r${round}-w${w}`, 0, perWriter, null),
      );
      const ms = await writersLoop(writers, perWriter, (w, i) => baseline.appendOne(rows[w]![i]!, new Date()));
      return { ops: writers * perWriter, ms };
    },
  );
}

async function batchAppends(
  store: SqlEventStore,
  baseline: BaselineTable,
  label: string,
  batches: number,
  rounds: number,
): Promise<{ store: Side; baseline: Side }> {
  return alternate(
    rounds,
    async (round) => {
      const stream = `bench-${runId}-${label}-r${round}`;
      const events = Array.from({ length: batches }, (_, b) =>
        Array.from({ length: BATCH_SIZE }, (_, i) => makeEvent(b * BATCH_SIZE + i)),
      );
      const ms = await writersLoop(1, batches, async (_, b) => {
        await store.append(stream, events[b]!, b === 0 ? 'no_stream' : b * BATCH_SIZE - 1);
      });
      return { ops: batches * BATCH_SIZE, ms };
    },
    async (round) => {
      const stream = `bench-${runId}-${label}-r${round}`;
      const rows = baselineRows(stream, 0, batches * BATCH_SIZE, null);
      const ms = await writersLoop(1, batches, (_, b) =>
        baseline.appendBatch(stream, rows.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE), new Date()),
      );
      return { ops: batches * BATCH_SIZE, ms };
    },
  );
}

async function storeReadAll(store: SqlEventStore, start: Position | null): Promise<number> {
  let after = start;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: READ_PAGE });
    if (page.length === 0) return count;
    count += page.length;
    after = page[page.length - 1]!.position;
  }
}

async function baselineReadAll(baseline: BaselineTable, pageSize: number, limit = Infinity): Promise<number> {
  let after = '0';
  let count = 0;
  while (count < limit) {
    const page = await baseline.readPage(after, pageSize);
    if (page.length === 0) return count;
    for (const row of page) {
      after = row.seq;
      if (++count === limit) break;
    }
  }
  return count;
}

async function storeCatchUp(store: SqlEventStore, start: Position | null, n: number): Promise<number> {
  let delivered = 0;
  const subscription = store.subscribe({ after: start });
  for await (const event of subscription) {
    if (event.stream.length > 0 && ++delivered === n) break;
  }
  await subscription.close();
  return delivered;
}

function rate(side: Side): number {
  return median(side.rates);
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

function renderTable(lines: Line[]): string {
  const rows = [
    ['measurement', 'operations (store = baseline)', 'store', 'baseline', 'store/baseline', 'target', 'result'],
    ...lines.map((line) => {
      const ratio = rate(line.store) / rate(line.baseline);
      return [
        line.name,
        line.count,
        `${fmtInt(rate(line.store))} ${line.unit}`,
        `${fmtInt(rate(line.baseline))} ${line.unit}`,
        `${ratio.toFixed(2)}×`,
        line.target === null ? '—' : `≥ ${line.target.toFixed(1)}×`,
        line.target === null ? '—' : ratio >= line.target ? 'PASS' : 'MISS',
      ];
    }),
  ];
  const align = ['---', '---:', '---:', '---:', '---:', '---:', ':---:'];
  return [
    `| ${rows[0]!.join(' | ')} |`,
    `|${align.map((a) => ` ${a} `).join('|')}|`,
    ...rows.slice(1).map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

async function benchBackend(label: string, sql: SqlClient): Promise<string> {
  const [version] = await sql.query<{ server_version: string }>('SHOW server_version');
  const store = await SqlEventStore.open(sql, { ownsClient: false });
  const baseline = new BaselineTable(sql);
  await baseline.create();
  const lines: Line[] = [];
  const began = performance.now();
  const loadBefore = os.loadavg()[0]!;
  try {
    const start = await store.headPosition();

    // Warm-up (JIT, plan caches, pool connections); these rows count in the reads below on both sides.
    log(`${label}: warm-up`);
    await singleAppends(store, baseline, 'warm', SINGLE_16W_WRITERS, 5, 2);
    await batchAppends(store, baseline, 'warm-batch', 3, 2);

    log(`${label}: single-event appends, 1 writer`);
    const one = await singleAppends(store, baseline, 'w1', 1, SINGLE_1W_PER_ROUND, ROUNDS);
    lines.push({
      name: 'single-event append, 1 writer',
      count: `${ROUNDS} × ${fmtInt(SINGLE_1W_PER_ROUND)} appends`,
      unit: 'appends/s',
      ...one,
      target: 0.6,
    });

    log(`${label}: single-event appends, ${SINGLE_16W_WRITERS} writers`);
    const many = await singleAppends(store, baseline, 'w16', SINGLE_16W_WRITERS, SINGLE_16W_PER_WRITER, ROUNDS);
    lines.push({
      name: `single-event append, ${SINGLE_16W_WRITERS} concurrent writers`,
      count: `${ROUNDS} × ${SINGLE_16W_WRITERS} × ${fmtInt(SINGLE_16W_PER_WRITER)} appends`,
      unit: 'appends/s',
      ...many,
      target: 0.6,
    });

    log(`${label}: ${BATCH_SIZE}-event batch appends`);
    const batch = await batchAppends(store, baseline, 'batch', BATCHES_PER_ROUND, ROUNDS);
    lines.push({
      name: `${BATCH_SIZE}-event batch append, 1 writer`,
      count: `${ROUNDS} × ${fmtInt(BATCHES_PER_ROUND)} batches (${fmtInt(BATCHES_PER_ROUND * BATCH_SIZE)} events)`,
      unit: 'events/s',
      ...batch,
      target: 0.8,
    });

    const written = await baseline.count();
    log(`${label}: readAll over ${written} events`);
    const reads = await alternate(
      READ_PASSES,
      async () => {
        let n = 0;
        const ms = await timed(async () => void (n = await storeReadAll(store, start)));
        if (n !== written) throw new Error(`readAll returned ${n} events, expected ${written}`);
        return { ops: n, ms };
      },
      async () => {
        let n = 0;
        const ms = await timed(async () => void (n = await baselineReadAll(baseline, READ_PAGE)));
        if (n !== written) throw new Error(`baseline read ${n} rows, expected ${written}`);
        return { ops: n, ms };
      },
    );
    lines.push({
      name: `readAll, pages of ${READ_PAGE}`,
      count: `${READ_PASSES} × ${fmtInt(written)} events`,
      unit: 'events/s',
      ...reads,
      target: 0.5,
    });

    log(`${label}: subscription catch-up over ${written} events`);
    const catchUp = await alternate(
      READ_PASSES,
      async () => {
        let n = 0;
        const ms = await timed(async () => void (n = await storeCatchUp(store, start, written)));
        return { ops: n, ms };
      },
      async () => {
        let n = 0;
        const ms = await timed(async () => void (n = await baselineReadAll(baseline, SUBSCRIBE_PAGE, written)));
        return { ops: n, ms };
      },
    );
    lines.push({
      name: `subscription catch-up (baseline: pages of ${SUBSCRIBE_PAGE})`,
      count: `${READ_PASSES} × ${fmtInt(written)} events`,
      unit: 'events/s',
      ...catchUp,
      target: null,
    });
  } finally {
    await baseline.drop();
    await store.close();
  }
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const load = `1-min load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`;
  return [
    `### ${label}, server ${version?.server_version ?? '?'} — ${seconds} s, ${load}`,
    '',
    renderTable(lines),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const header = [
    '## Event store vs plain-SQL baseline',
    '',
    `Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ` +
      `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.arch()}` +
      ` — run ${runId}${SCALE !== 1 ? `, scale ${SCALE}` : ''}`,
    '',
    `Rates are the median over rounds (store and baseline alternate, ${ROUNDS} write rounds and ${READ_PASSES} read ` +
      'passes per side); the baseline is plain SQL on a table with the same columns and constraints, through the same client.',
    '',
  ];
  process.stdout.write(header.join('\n') + '\n');

  const pglite = await PgliteClient.open();
  try {
    process.stdout.write((await benchBackend('PGlite (in-memory)', pglite)) + '\n');
  } finally {
    await pglite.close();
  }

  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stdout.write('PostgreSQL: skipped (set DATABASE_URL to include it).\n');
    return;
  }
  const postgres = new PostgresClient({ connectionString: url });
  try {
    if (process.env.LEDGERDESK_BENCH_RESET === '1') {
      log('PostgreSQL: LEDGERDESK_BENCH_RESET=1, dropping schema event_store');
      await postgres.exec('DROP SCHEMA IF EXISTS event_store CASCADE');
    }
    const where = new URL(url);
    const label = `PostgreSQL ${where.host}${where.pathname}`;
    process.stdout.write((await benchBackend(label, postgres)) + '\n');
  } finally {
    await postgres.close();
  }
}

await main();
