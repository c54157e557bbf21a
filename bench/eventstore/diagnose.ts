/**
 * Where does a single-event append spend its time? Runs the store's own append SQL (copied verbatim from
 * libs/event-store/sql/sql-event-store.ts) and variants of it against a clone of the store's tables in the
 * schema `bench_diag` (created and dropped here), next to the baseline's one-INSERT transaction, timing
 * every statement. Not part of `npm run bench:eventstore`; run it by hand:
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/eventstore/diagnose.js [pglite|postgres]
 *   (postgres needs DATABASE_URL)
 *
 * Variants:
 *   baseline        BEGIN; INSERT one row; COMMIT
 *   baseline+notify BEGIN; INSERT one row; SELECT pg_notify; COMMIT            (the NOTIFY alone)
 *   store           BEGIN; upsert-lock head; INSERT…unnest + UPDATE head + pg_notify (CTE); COMMIT  (as shipped)
 *   store-no-notify the same without pg_notify
 *   store+async-notify  the store without pg_notify in the transaction, then pg_notify after COMMIT from a
 *                       session with synchronous_commit=off, at most one in flight (coalesced)
 *   one-statement   BEGIN; one CTE that locks the head, checks the revision and inserts; COMMIT
 *                   (previous hash passed in from a per-stream cache of the head, the proposed fast path)
 *   js-only         validateAppend + eventHash + JSON.stringify, no SQL
 */
import { randomUUID } from 'node:crypto';
import {
  eventHash,
  PgliteClient,
  PostgresClient,
  SqlEventStore,
  validateAppend,
  type NewEvent,
  type SqlClient,
  type SqlExecutor,
} from '#event-store';
import { testEvent } from '../../libs/event-store/testing/event-fixtures.js';

const SCHEMA = 'bench_diag';
const WRITES = Number(process.env.LEDGERDESK_DIAG_WRITES ?? '600');
const CONCURRENCY = [1, 16];

function makeEvent(n: number): NewEvent {
  return testEvent('TicketCommentAdded', {
    ticketId: `T-${100000 + (n % 5000)}`,
    commentId: randomUUID(),
    authorId: `user-${n % 97}`,
    body: 'The SDK drops the audio track after a renegotiation when the remote side toggles simulcast layers.',
    visibility: n % 3 === 0 ? 'INTERNAL' : 'PUBLIC',
  });
}

/** Per-statement wall time, summed over all appends of one variant. */
class Timings {
  readonly totals = new Map<string, number>();
  add(name: string, ms: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + ms);
  }
}

function timedExecutor(tx: SqlExecutor, timings: Timings): (name: string, text: string, params?: unknown[]) => Promise<any[]> {
  return async (name, text, params = []) => {
    const began = performance.now();
    try {
      return await tx.query(text, params);
    } finally {
      timings.add(name, performance.now() - began);
    }
  };
}

type Variant = (stream: string, event: NewEvent, revision: number, previousHash: string | null, timings: Timings) => Promise<string>;

function prepareArrays(stream: string, event: NewEvent, current: number, previousHash: string | null) {
  const revision = current + 1;
  const hash = eventHash({ stream, revision, type: event.type, data: event.data, metadata: event.metadata, previousHash });
  return {
    hash,
    revision,
    params: [
      [event.id],
      [revision],
      [event.type],
      [JSON.stringify(event.data ?? null)],
      [JSON.stringify(event.metadata)],
      [hash],
      [previousHash],
    ],
  };
}

const UPSERT = `INSERT INTO ${SCHEMA}.streams AS s (stream, revision, last_hash) VALUES ($1, -1, NULL)
       ON CONFLICT (stream) DO UPDATE SET stream = EXCLUDED.stream
       RETURNING s.revision, s.last_hash`;

const storeCte = (notify: boolean) => `WITH inserted AS (
         INSERT INTO ${SCHEMA}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
         SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $9
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])
           AS e(id, revision, type, data, metadata, hash, previous_hash)
         RETURNING transaction_id, seq
       ), head AS (
         UPDATE ${SCHEMA}.streams SET revision = $10, last_hash = $11 WHERE stream = $1
       )
       SELECT transaction_id::text AS commit_position, max(seq)::text AS prepare_position${notify ? `, pg_notify('bench_diag', '')` : ''}
       FROM inserted GROUP BY transaction_id`;

/** One round trip: lock/create the head only if it is at the expected revision, insert, move the head. */
const ONE_STATEMENT = `WITH head AS (
         INSERT INTO ${SCHEMA}.streams AS s (stream, revision, last_hash) VALUES ($1, $10, $11)
         ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash
           WHERE s.revision = $12 AND s.last_hash IS NOT DISTINCT FROM $13
         RETURNING s.revision
       ), inserted AS (
         INSERT INTO ${SCHEMA}.events (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
         SELECT e.id, $1, e.revision, e.type, e.data, e.metadata, e.hash, e.previous_hash, $9
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])
           AS e(id, revision, type, data, metadata, hash, previous_hash)
         WHERE EXISTS (SELECT 1 FROM head)
         RETURNING transaction_id, seq
       )
       SELECT transaction_id::text AS commit_position, max(seq)::text AS prepare_position
       FROM inserted GROUP BY transaction_id`;

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'pglite';
  const sql: SqlClient =
    backend === 'postgres'
      ? new PostgresClient({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerdesk_bench' })
      : await PgliteClient.open();
  const store = await SqlEventStore.open(sql, { ownsClient: false });
  await sql.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA};
    CREATE TABLE ${SCHEMA}.events (LIKE event_store.events INCLUDING ALL);
    CREATE TABLE ${SCHEMA}.streams (LIKE event_store.streams INCLUDING ALL);
    CREATE TABLE ${SCHEMA}.baseline (LIKE event_store.events INCLUDING ALL);`);
  // A dedicated session for the after-commit wake-up: asynchronous commit, one NOTIFY in flight at a time.
  const notifier: SqlClient =
    backend === 'postgres' ? new PostgresClient({ connectionString: process.env.DATABASE_URL!, maxConnections: 1 }) : sql;
  if (backend === 'postgres') await notifier.query('SET synchronous_commit = off');
  let notifyInFlight: Promise<unknown> | null = null;
  let notifyAgain = false;
  const wakeListeners = (): void => {
    if (notifyInFlight) {
      notifyAgain = true;
      return;
    }
    notifyInFlight = notifier
      .query(`SELECT pg_notify('bench_diag', '')`)
      .finally(() => {
        notifyInFlight = null;
        if (notifyAgain) {
          notifyAgain = false;
          wakeListeners();
        }
      });
  };

  const variants: Record<string, Variant> = {
    'js-only': async (stream, event, current, previousHash) => {
      validateAppend(stream, [event]);
      return prepareArrays(stream, event, current, previousHash).hash;
    },
    baseline: async (stream, event, current, previousHash, timings) => {
      const { hash, revision } = prepareArrays(stream, event, current, previousHash);
      await tx(timings, async (q) => {
        await q('insert', `INSERT INTO ${SCHEMA}.baseline (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [event.id, stream, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), hash, previousHash, new Date()]);
      });
      return hash;
    },
    'baseline+notify': async (stream, event, current, previousHash, timings) => {
      const { hash, revision } = prepareArrays(stream, event, current, previousHash);
      await tx(timings, async (q) => {
        await q('insert', `INSERT INTO ${SCHEMA}.baseline (id, stream, revision, type, data, metadata, hash, previous_hash, recorded_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [event.id, stream, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), hash, previousHash, new Date()]);
        await q('notify', `SELECT pg_notify('bench_diag', '')`);
      });
      return hash;
    },
    store: (stream, event, current, previousHash, timings) => storeLike(stream, event, current, timings, true),
    'store-no-notify': (stream, event, current, previousHash, timings) => storeLike(stream, event, current, timings, false),
    'store+async-notify': async (stream, event, current, previousHash, timings) => {
      const hash = await storeLike(stream, event, current, timings, false);
      wakeListeners();
      return hash;
    },
    'one-statement': async (stream, event, current, previousHash, timings) => {
      const { hash, params } = prepareArrays(stream, event, current, previousHash);
      await tx(timings, async (q) => {
        const rows = await q('one-cte', ONE_STATEMENT, [stream, ...params, new Date(), current + 1, hash, current, previousHash]);
        if (rows.length !== 1) throw new Error('fast path refused (stale cache): would fall back to the two-statement path');
      });
      return hash;
    },
  };

  async function tx(timings: Timings, work: (q: ReturnType<typeof timedExecutor>) => Promise<void>): Promise<void> {
    const began = performance.now();
    let inner = 0;
    await sql.transaction(async (t) => {
      const innerBegan = performance.now();
      await work(timedExecutor(t, timings));
      inner = performance.now() - innerBegan;
    });
    timings.add('BEGIN+COMMIT+wrapper', performance.now() - began - inner);
  }

  async function storeLike(stream: string, event: NewEvent, current: number, timings: Timings, notify: boolean): Promise<string> {
    let result = '';
    const began = performance.now();
    validateAppend(stream, [event]);
    timings.add('validate (JS)', performance.now() - began);
    await tx(timings, async (q) => {
      const [head] = await q('upsert head', UPSERT, [stream]);
      if (Number(head.revision) !== current) throw new Error('unexpected revision');
      const hashBegan = performance.now();
      const { hash, params } = prepareArrays(stream, event, current, head.last_hash);
      timings.add('hash + arrays (JS)', performance.now() - hashBegan);
      await q(notify ? 'insert CTE (+notify)' : 'insert CTE', storeCte(notify), [stream, ...params, new Date(), current + 1, hash]);
      result = hash;
    });
    return result;
  }

  // Warm up every variant, then measure each in turn, twice, in alternating order.
  const names = Object.keys(variants);
  const results = new Map<string, { ops: number; ms: number; timings: Timings }>();
  for (const writers of CONCURRENCY) {
    for (const pass of [0, 1, 2]) {
      const order = pass % 2 === 0 ? names : [...names].reverse();
      for (const name of order) {
        const perWriter = pass === 0 ? 10 : Math.ceil(WRITES / writers);
        const timings = new Timings();
        const began = performance.now();
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            const stream = `diag-${randomUUID().slice(0, 8)}-${w}`;
            let previous: string | null = null;
            for (let i = 0; i < perWriter; i++) previous = await variants[name]!(stream, makeEvent(i), i - 1, previous, timings);
          }),
        );
        const ms = performance.now() - began;
        if (pass === 0) continue; // warm-up
        const key = `${writers}|${name}`;
        const sum = results.get(key) ?? { ops: 0, ms: 0, timings: new Timings() };
        sum.ops += writers * perWriter;
        sum.ms += ms;
        for (const [k, v] of timings.totals) sum.timings.add(k, v);
        results.set(key, sum);
      }
    }
  }
  await notifyInFlight;

  const [version] = await sql.query<{ v: string }>('SELECT version() AS v');
  console.log(`### Single-event append breakdown — ${backend} (${version?.v.split(' on ')[0]})\n`);
  console.log('| writers | variant | appends/s | vs baseline | µs per append, by statement (summed over writers) |');
  console.log('| ---: | --- | ---: | ---: | --- |');
  for (const writers of CONCURRENCY) {
    const base = results.get(`${writers}|baseline`)!;
    for (const name of names) {
      const r = results.get(`${writers}|${name}`)!;
      const perSecond = r.ops / (r.ms / 1000);
      const ratio = perSecond / (base.ops / (base.ms / 1000));
      const parts = [...r.timings.totals].map(([k, v]) => `${k} ${Math.round((v * 1000) / r.ops)}`).join(', ');
      console.log(`| ${writers} | ${name} | ${Math.round(perSecond).toLocaleString('en-US')} | ${ratio.toFixed(2)}× | ${parts} |`);
    }
  }

  await sql.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await store.close();
  if (notifier !== sql) await notifier.close();
  await sql.close();
}

await main();
