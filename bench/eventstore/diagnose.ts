/**
 * Why the store misses its targets, and what the proposed change would buy. Not part of
 * `npm run bench:eventstore`; run by hand after a build:
 *
 *   npx tsc -p tsconfig.build.json
 *   node dist/bench/eventstore/diagnose.js pglite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerdesk_bench node dist/bench/eventstore/diagnose.js postgres
 *
 * 1. A ladder for ONE single-event append: the baseline's transaction, then the store's SQL built up a piece
 *    at a time (copied from sql-event-store.ts, run against a clone of its tables in `bench_diag`), so each
 *    piece's price shows.
 * 2. On PostgreSQL, what 16 concurrent appenders wait on (pg_stat_activity / pg_locks sampled every few ms).
 * 3. baseline vs today's SqlEventStore.append vs the PROTOTYPE in proposed-append.ts, in the bench's shapes.
 * Rates are medians over alternating rounds (the machine is shared).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  PgliteClient,
  PostgresClient,
  SqlEventStore,
  verifyChain,
  type NewEvent,
  type RecordedEvent,
  type SqlClient,
  type SqlExecutor,
} from '#event-store';
import { BaselineTable } from './baseline.js';
import { baselineRows, makeEvent, median } from './fixtures.js';
import { ProposedAppender } from './proposed-append.js';

const SCHEMA = 'bench_diag';
const CHANNEL = 'bench_diag';
const backend = process.argv[2] === 'postgres' ? 'postgres' : 'pglite';
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerdesk_bench';
const H = 'ab'.repeat(32);

type Step = (tx: SqlExecutor, stream: string, event: NewEvent, revision: number) => Promise<unknown>;

const INSERT = `INSERT INTO ${SCHEMA}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)`;
const UNNEST = `SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $9
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])
           AS e(id, revision, type, data, metadata, hash, previous_hash)`;
const UPSERT = `INSERT INTO ${SCHEMA}.streams AS s (stream, revision, last_hash) VALUES ($1, -1, NULL)
       ON CONFLICT (stream) DO UPDATE SET stream = EXCLUDED.stream
       RETURNING s.revision, s.last_hash`;
const cte = (update: boolean, notify: boolean) => `WITH inserted AS (${INSERT} ${UNNEST} RETURNING transaction_id, seq)
       ${update ? `, head AS (UPDATE ${SCHEMA}.streams SET revision = $10, last_hash = $11 WHERE stream = $1)` : ''}
       SELECT transaction_id::text AS commit_position, max(seq)::text AS prepare_position${notify ? `, pg_notify('${CHANNEL}', '')` : ''}
       FROM inserted GROUP BY transaction_id`;
const values = (stream: string, e: NewEvent, revision: number) =>
  [e.id, stream, revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), H, H, new Date()];
const arrays = (stream: string, e: NewEvent, revision: number) =>
  [stream, [e.id], [revision], [e.type], [JSON.stringify(e.data)], [JSON.stringify(e.metadata)], [H], [H], new Date()];

const LADDER: Record<string, Step> = {
  'baseline: INSERT … VALUES': (tx, s, e, r) => tx.query(`${INSERT} VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, values(s, e, r)),
  'baseline + SELECT pg_notify': async (tx, s, e, r) => {
    await tx.query(`${INSERT} VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, values(s, e, r));
    await tx.query(`SELECT pg_notify('${CHANNEL}', '')`);
  },
  'INSERT … unnest': (tx, s, e, r) => tx.query(`${INSERT} ${UNNEST}`, arrays(s, e, r)),
  '+ RETURNING / GROUP BY (CTE)': (tx, s, e, r) => tx.query(cte(false, false), arrays(s, e, r)),
  '+ UPDATE head in the CTE': (tx, s, e, r) => tx.query(cte(true, false), [...arrays(s, e, r), r, H]),
  '+ pg_notify in the CTE': (tx, s, e, r) => tx.query(cte(true, true), [...arrays(s, e, r), r, H]),
  '+ upsert-lock statement first = store SQL': async (tx, s, e, r) => {
    await tx.query(UPSERT, [s]);
    await tx.query(cte(true, true), [...arrays(s, e, r), r, H]);
  },
  'store SQL without pg_notify': async (tx, s, e, r) => {
    await tx.query(UPSERT, [s]);
    await tx.query(cte(true, false), [...arrays(s, e, r), r, H]);
  },
};

interface Tally {
  rates: number[];
  cpuPerOp: number[];
}

/** Runs each variant `rounds` times, rotating the order, after one warm-up round; medians per variant. */
async function compare(
  variants: Record<string, () => () => Promise<number>>,
  rounds: number,
): Promise<Map<string, { rate: number; cpuUs: number }>> {
  const names = Object.keys(variants);
  const tallies = new Map<string, Tally>(names.map((name) => [name, { rates: [], cpuPerOp: [] }]));
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const run = variants[name]!(); // inputs are made here, outside the timed part
      const cpu = process.cpuUsage();
      const began = performance.now();
      const ops = await run();
      const ms = performance.now() - began;
      const used = process.cpuUsage(cpu);
      if (round === 0) continue;
      tallies.get(name)!.rates.push(ops / (ms / 1000));
      tallies.get(name)!.cpuPerOp.push((used.user + used.system) / ops);
    }
  }
  return new Map([...tallies].map(([name, t]) => [name, { rate: median(t.rates), cpuUs: median(t.cpuPerOp) }]));
}

function table(title: string, unit: string, results: Map<string, { rate: number; cpuUs: number }>): string {
  const base = [...results.values()][0]!.rate;
  return [
    `#### ${title}`,
    '',
    `| variant | ${unit} (median) | vs first row | Node CPU µs per op |`,
    '| --- | ---: | ---: | ---: |',
    ...[...results].map(
      ([name, r]) => `| ${name} | ${Math.round(r.rate).toLocaleString('en-US')} | ${(r.rate / base).toFixed(2)}× | ${Math.round(r.cpuUs)} |`,
    ),
    '',
  ].join('\n');
}

/**
 * `count` concurrent writers, each `perWriter` sequential operations on its own new stream. `make` builds one
 * operation's input beforehand (outside the timing); `op` runs it.
 */
function writers<Input>(
  count: number,
  perWriter: number,
  make: (stream: string, i: number) => Input,
  op: (stream: string, i: number, input: Input) => Promise<unknown>,
): () => Promise<number> {
  const streams = Array.from({ length: count }, () => `diag-${randomUUID().slice(0, 13)}`);
  const inputs = streams.map((stream) => Array.from({ length: perWriter }, (_, i) => make(stream, i)));
  return async () => {
    await Promise.all(
      streams.map(async (stream, w) => {
        for (let i = 0; i < perWriter; i++) await op(stream, i, inputs[w]![i]!);
      }),
    );
    return count * perWriter;
  };
}

const oneEvent = (_: string, i: number): NewEvent[] => [makeEvent(i)];
const hundredEvents = (_: string, b: number): NewEvent[] => Array.from({ length: 100 }, (_, i) => makeEvent(b * 100 + i));
const exact = (perAppend: number) => (i: number) => (i === 0 ? ('no_stream' as const) : i * perAppend - 1);

/** What the backends of `count` concurrent store appenders are waiting on, sampled while they run. */
async function sampleWaits(sql: SqlClient, work: () => Promise<unknown>): Promise<string> {
  const seen = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const rows = await sql.query<{ what: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'running (CPU)') AS what, count(*)::int AS n
         FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
         GROUP BY 1
         UNION ALL
         SELECT 'pg_locks: notify commit lock (object 0 of pg_database), ' || CASE WHEN granted THEN 'held' ELSE 'waited for' END, count(*)::int
         FROM pg_locks WHERE locktype = 'object' AND classid = 'pg_database'::regclass AND objid = 0 GROUP BY granted`,
      );
      samples++;
      for (const row of rows) seen.set(row.what, (seen.get(row.what) ?? 0) + row.n);
    }
  })();
  await work();
  running = false;
  await sampler;
  return [
    `| backends, average over ${samples} samples | count |`,
    '| --- | ---: |',
    ...[...seen].sort((a, b) => b[1] - a[1]).map(([what, n]) => `| ${what} | ${(n / samples).toFixed(2)} |`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const sql: SqlClient = backend === 'postgres' ? new PostgresClient({ connectionString: url }) : await PgliteClient.open();
  const store = await SqlEventStore.open(sql, { ownsClient: false });
  await sql.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA};
    CREATE TABLE ${SCHEMA}.events (LIKE event_store.events INCLUDING ALL);
    CREATE TABLE ${SCHEMA}.streams (LIKE event_store.streams INCLUDING ALL);`);
  const baseline = new BaselineTable(sql, `${SCHEMA}_baseline`);
  await baseline.create();
  const inStatement = new ProposedAppender(sql, { schema: SCHEMA, channel: CHANNEL, notify: 'statement' });
  const afterCommit = new ProposedAppender(sql, { schema: SCHEMA, channel: CHANNEL, notify: 'after-commit' });
  const [version] = await sql.query<{ v: string }>('SELECT version() AS v');
  const out: string[] = [
    `### Event store diagnosis — ${backend}: ${version?.v.split(' on ')[0]}`,
    '',
    `${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, Node ${process.version}; 1-min load average at start ${os.loadavg()[0]!.toFixed(1)}`,
    '',
  ];
  try {
    // 1. The ladder: one writer, single-event transactions.
    const ladder = await compare(
      Object.fromEntries(
        Object.entries(LADDER).map(([name, step]) => [
          name,
          () => writers(1, 150, oneEvent, (stream, i, events) => sql.transaction((tx) => step(tx, stream, events[0]!, i))),
        ]),
      ),
      9,
    );
    out.push(table('1. One single-event append, piece by piece (1 writer, BEGIN … COMMIT each)', 'tx/s', ladder));

    // 2. What concurrent appenders wait on (PostgreSQL only: PGlite has one connection).
    if (backend === 'postgres') {
      const append = (s: SqlEventStore | ProposedAppender) =>
        writers(16, 100, oneEvent, (stream, i, events) => s.append(stream, events, exact(1)(i)));
      out.push('#### 2a. 16 writers on SqlEventStore.append (today): what their backends wait on', '');
      out.push(await sampleWaits(sql, append(store)));
      out.push('#### 2b. 16 writers on the proposed append (no NOTIFY in the transaction)', '');
      out.push(await sampleWaits(sql, append(afterCommit)));
    }

    // 3. baseline vs today vs proposed, in the bench's shapes.
    const proposed = backend === 'postgres' ? afterCommit : inStatement;
    const proposedName = `proposed (1 statement, ${backend === 'postgres' ? 'NOTIFY after commit' : 'pg_notify in it'})`;
    for (const [count, perWriter] of [
      [1, 150],
      [16, 15],
    ] as const) {
      const results = await compare(
        {
          'baseline: BEGIN; INSERT; COMMIT': () =>
            writers(
              count,
              perWriter,
              (stream, i) => baselineRows(stream, i, 1, null)[0]!,
              (_, __, row) => baseline.appendOne(row, new Date()),
            ),
          'SqlEventStore.append (today)': () =>
            writers(count, perWriter, oneEvent, (stream, i, events) => store.append(stream, events, exact(1)(i))),
          [proposedName]: () =>
            writers(count, perWriter, oneEvent, (stream, i, events) => proposed.append(stream, events, exact(1)(i))),
          ...(backend === 'postgres'
            ? {
                'proposed, pg_notify kept in the statement': () =>
                  writers(count, perWriter, oneEvent, (stream, i, events) => inStatement.append(stream, events, exact(1)(i))),
              }
            : {}),
        },
        9,
      );
      out.push(table(`3. Single-event appends, ${count} writer${count > 1 ? 's' : ''}`, 'appends/s', results));
    }
    const batches = await compare(
      {
        'baseline: one INSERT … unnest of 100 rows': () =>
          writers(
            1,
            15,
            (stream, b) => baselineRows(stream, b * 100, 100, null),
            (stream, _, rows) => baseline.appendBatch(stream, rows, new Date()),
          ),
        'SqlEventStore.append (today)': () =>
          writers(1, 15, hundredEvents, (stream, b, events) => store.append(stream, events, exact(100)(b))),
        [proposedName]: () =>
          writers(1, 15, hundredEvents, (stream, b, events) => proposed.append(stream, events, exact(100)(b))),
      },
      9,
    );
    // events/s: each op above is one batch of 100
    for (const r of batches.values()) {
      r.rate *= 100;
      r.cpuUs /= 100;
    }
    out.push(table('3. 100-event batch appends, 1 writer', 'events/s', batches));

    // The prototype must write the same hash chain as the store: verify one of its streams with verifyChain.
    await afterCommit.flush();
    const stream = `verify-${randomUUID()}`;
    for (let b = 0; b < 3; b++) await proposed.append(stream, [makeEvent(b), makeEvent(b + 1)], b === 0 ? 'no_stream' : b * 2 - 1);
    await proposed.append(stream, [makeEvent(9)], 5);
    const rows = await sql.query<RecordedEvent & { previous_hash: string | null }>(
      `SELECT stream, revision, type, data, metadata, hash, previous_hash FROM ${SCHEMA}.events WHERE stream = $1 ORDER BY revision`,
      [stream],
    );
    const report = verifyChain(
      stream,
      rows.map((row) => ({ ...row, revision: Number(row.revision), previousHash: row.previous_hash })),
    );
    out.push(`Prototype's hash chain checked with verifyChain(): ${report.valid ? 'valid' : `BROKEN: ${report.problem}`} (${report.eventsChecked} events)`, '');
  } finally {
    await afterCommit.flush();
    await baseline.drop();
    await sql.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await store.close();
    await sql.close();
  }
  process.stdout.write(out.join('\n') + '\n');
}

await main();
