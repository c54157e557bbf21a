import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PgliteClient, SqlEventStore, type RecordedEvent, type SqlExecutor } from '#event-store';
import { testEvent } from '../event-store/testing/event-fixtures.js';
import { openTestPglite } from '../event-store/testing/test-pglite.js';
import { ProjectionRunner } from './projection-runner.js';
import type { Projection } from './projection.js';

/** Counts replies per ticket; can be told to fail once at a given reply, after writing part of its batch. */
function replyCounts(failAt?: { n: number; remaining: number }): Projection {
  return {
    name: 'test.reply_counts',
    eventTypes: ['ReplyAdded'],
    async setup(sql) {
      await sql.query('CREATE SCHEMA IF NOT EXISTS test_read');
      await sql.query('CREATE TABLE IF NOT EXISTS test_read.reply_counts (ticket text PRIMARY KEY, replies int NOT NULL, last_n int NOT NULL)');
    },
    async reset(tx) {
      await tx.query('DELETE FROM test_read.reply_counts');
    },
    async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
      for (const event of events) {
        const n = (event.data as { n: number }).n;
        if (failAt && n === failAt.n && failAt.remaining > 0) {
          failAt.remaining -= 1;
          throw new Error(`simulated crash at reply ${n}`);
        }
        await tx.query(
          `INSERT INTO test_read.reply_counts (ticket, replies, last_n) VALUES ($1, 1, $2)
           ON CONFLICT (ticket) DO UPDATE SET replies = reply_counts.replies + 1, last_n = EXCLUDED.last_n`,
          [event.stream, n],
        );
      }
    },
  };
}

/** Events per stream in a table of its own; throws while `broken.now` is set (its cause not fixed yet). */
function eventCounts(table: string, broken = { now: false }): Projection {
  return {
    name: `test.${table}`,
    eventTypes: ['ReplyAdded', 'Ignored'],
    async setup(sql) {
      await sql.query('CREATE SCHEMA IF NOT EXISTS test_read');
      await sql.query(`CREATE TABLE IF NOT EXISTS test_read.${table} (ticket text PRIMARY KEY, events int NOT NULL)`);
    },
    async reset(tx) {
      await tx.query(`DELETE FROM test_read.${table}`);
    },
    async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
      for (const event of events) {
        if (broken.now) throw new Error(`${table} cannot apply ${event.type}`);
        await tx.query(
          `INSERT INTO test_read.${table} (ticket, events) VALUES ($1, 1) ON CONFLICT (ticket) DO UPDATE SET events = ${table}.events + 1`,
          [event.stream],
        );
      }
    },
  };
}

async function counts(sql: SqlExecutor, table: string) {
  return sql.query(`SELECT ticket, events FROM test_read.${table} ORDER BY ticket`);
}

async function rows(sql: SqlExecutor) {
  return sql.query('SELECT ticket, replies, last_n FROM test_read.reply_counts ORDER BY ticket');
}

describe('projection runner', () => {
  let sql: PgliteClient;
  let store: SqlEventStore;
  beforeEach(async () => {
    sql = await openTestPglite();
    store = await SqlEventStore.open(sql, { ownsClient: false });
  });
  afterEach(async () => {
    await sql.close();
  });

  async function appendReplies(tickets: number, perTicket: number) {
    let last = null;
    for (let r = 0; r < perTicket; r += 1) {
      for (let t = 0; t < tickets; t += 1) {
        last = await store.append(`ticket-${t}`, [testEvent('ReplyAdded', { n: r }), testEvent('Ignored')], 'any');
      }
    }
    return last!.position;
  }

  it('applies events in batches and lets a writer wait for its own write (read-your-writes)', async () => {
    const runner = new ProjectionRunner(store, sql, [replyCounts()], { batchSize: 7 });
    await runner.start();
    const position = await appendReplies(3, 10);
    await runner.waitFor(position);
    expect(await rows(sql)).toEqual([
      { ticket: 'ticket-0', replies: 10, last_n: 9 },
      { ticket: 'ticket-1', replies: 10, last_n: 9 },
      { ticket: 'ticket-2', replies: 10, last_n: 9 },
    ]);
    await runner.stop();
  });

  it('applies every event once when two processes run the same projection on one database', async () => {
    // Two runners stand for two replicas of an app: each batch counts for whoever moves the checkpoint first.
    const first = new ProjectionRunner(store, sql, [replyCounts()], { batchSize: 5 });
    const second = new ProjectionRunner(store, sql, [replyCounts()], { batchSize: 3 });
    await Promise.all([first.start(), second.start()]);
    const position = await appendReplies(4, 12);
    await Promise.all([first.waitFor(position), second.waitFor(position)]);
    expect(await rows(sql)).toEqual([0, 1, 2, 3].map((t) => ({ ticket: `ticket-${t}`, replies: 12, last_n: 11 })));
    await Promise.all([first.stop(), second.stop()]);
  });

  it('hold() keeps the read models where they are until resumed; a wait past its bound rejects meanwhile', async () => {
    const runner = new ProjectionRunner(store, sql, [replyCounts()], { batchSize: 7 });
    await runner.start();
    await runner.waitFor(await appendReplies(1, 2));
    const resume = await runner.hold();
    const position = await appendReplies(2, 3);
    await expect(runner.waitFor(position, 200)).rejects.toThrow(/did not reach/);
    expect(await rows(sql)).toEqual([{ ticket: 'ticket-0', replies: 2, last_n: 1 }]);
    resume();
    await runner.waitFor(position);
    expect(await rows(sql)).toEqual([
      { ticket: 'ticket-0', replies: 5, last_n: 2 },
      { ticket: 'ticket-1', replies: 3, last_n: 2 },
    ]);
    await runner.stop();
  });

  it('after a crash mid-batch and a restart, rows equal a fresh rebuild', async () => {
    const position = await appendReplies(4, 25);
    const errors: unknown[] = [];
    const withErrors = new ProjectionRunner(store, sql, [replyCounts({ n: 13, remaining: 1_000 })], {
      batchSize: 40,
      onError: (_, error) => errors.push(error),
    });
    await withErrors.start();
    await expect(withErrors.waitFor(position, 500)).rejects.toThrow(/did not reach/);
    await withErrors.stop();
    expect(errors.length).toBeGreaterThan(0);
    const partial = await rows(sql);
    // Whole batches only: every ticket's count is a prefix of its replies, and none reached reply 13.
    for (const row of partial as { replies: number; last_n: number }[]) expect(row.last_n).toBeLessThan(13);

    const restarted = new ProjectionRunner(store, sql, [replyCounts()], { batchSize: 40 });
    await restarted.start();
    await restarted.waitFor(position);
    const afterRestart = await rows(sql);
    await restarted.rebuild('test.reply_counts');
    expect(await rows(sql)).toEqual(afterRestart);
    expect(afterRestart).toHaveLength(4);
    expect((afterRestart as { replies: number }[]).every((row) => row.replies === 25)).toBe(true);
    await restarted.stop();
  });

  it('runs every projection in one transaction per batch, one checkpoint statement for all of them', async () => {
    const statements: { text: string; params: unknown[] | undefined }[] = [];
    const counting: typeof sql = Object.create(sql);
    counting.transaction = (work) =>
      sql.transaction((tx) => work({ query: (text, params) => (statements.push({ text, params }), tx.query(text, params)) }));
    const runner = new ProjectionRunner(store, counting, [replyCounts(), eventCounts('a'), eventCounts('b')], { batchSize: 100 });
    await runner.start();
    const position = await appendReplies(3, 4);
    await runner.waitFor(position);
    expect(await counts(sql, 'a')).toEqual([0, 1, 2].map((t) => ({ ticket: `ticket-${t}`, events: 8 })));
    expect(await counts(sql, 'b')).toEqual(await counts(sql, 'a'));
    expect(await rows(sql)).toEqual([0, 1, 2].map((t) => ({ ticket: `ticket-${t}`, replies: 4, last_n: 3 })));
    // One checkpoint statement per batch, naming every projection the batch changed (reply_counts skips a batch
    // of only 'Ignored'): at most one per event (24) — not one per projection and batch.
    const checkpointWrites = statements.filter(({ text }) => text.includes('INSERT INTO projections.checkpoints'));
    expect(checkpointWrites.length).toBeGreaterThan(0);
    expect(checkpointWrites.length).toBeLessThanOrEqual(24);
    for (const { params } of checkpointWrites) expect((params![0] as string[]).length).toBeGreaterThanOrEqual(2);
    const checkpoints = await sql.query<{ name: string; commit_position: string }>(
      "SELECT name, commit_position::text FROM projections.checkpoints WHERE name LIKE 'test.%' ORDER BY name",
    );
    expect(checkpoints.map((row) => row.name)).toEqual(['test.a', 'test.b', 'test.reply_counts']);
    expect(new Set(checkpoints.map((row) => row.commit_position)).size).toBe(1);
    await runner.stop();
  });

  it('a projection that keeps failing leaves the group, the others go on, and it catches up once its cause is fixed', async () => {
    const broken = { now: true };
    const errors: string[] = [];
    const runner = new ProjectionRunner(store, sql, [eventCounts('a'), eventCounts('b', broken)], {
      batchSize: 10,
      onError: (name) => errors.push(name),
    });
    await runner.start();
    const position = await appendReplies(2, 5);
    // 'b' fails every batch: after three failures in a row it runs by itself, and 'a' reaches the head.
    await runner.waitFor(position, 10_000, ['ReplyAdded']).catch(() => undefined);
    const signal = AbortSignal.timeout(10_000);
    expect(await runner.reached('test.a', position, signal)).toBe(true);
    expect(await counts(sql, 'a')).toEqual([0, 1].map((t) => ({ ticket: `ticket-${t}`, events: 10 })));
    expect(await counts(sql, 'b')).toEqual([]);
    expect(errors.filter((name) => name === 'test.b').length).toBeGreaterThanOrEqual(3);
    // Fixed: 'b' catches up on its own loop (whole batches, each once) and rejoins the group.
    broken.now = false;
    expect(await runner.reached('test.b', position, AbortSignal.timeout(20_000))).toBe(true);
    expect(await counts(sql, 'b')).toEqual(await counts(sql, 'a'));
    const more = await appendReplies(2, 1);
    await runner.waitFor(more);
    expect(await counts(sql, 'a')).toEqual([0, 1].map((t) => ({ ticket: `ticket-${t}`, events: 12 })));
    expect(await counts(sql, 'b')).toEqual(await counts(sql, 'a'));
    await runner.stop();
  });

  it('projections at different checkpoints (one new) each apply every event once', async () => {
    const first = new ProjectionRunner(store, sql, [eventCounts('a')], { batchSize: 4 });
    await first.start();
    const before = await appendReplies(2, 3);
    await first.waitFor(before);
    await first.stop();
    // 'b' is new (no checkpoint): the group starts at the start of the log, 'a' skips what it applied.
    const second = new ProjectionRunner(store, sql, [eventCounts('a'), eventCounts('b')], { batchSize: 4 });
    await second.start();
    const after = await appendReplies(2, 2);
    await second.waitFor(after);
    expect(await counts(sql, 'a')).toEqual([0, 1].map((t) => ({ ticket: `ticket-${t}`, events: 10 })));
    expect(await counts(sql, 'b')).toEqual(await counts(sql, 'a'));
    // A rebuild of one while the other follows the log gives the same rows.
    await second.rebuild('test.b');
    const last = await appendReplies(2, 1);
    await second.waitFor(last);
    expect(await counts(sql, 'a')).toEqual([0, 1].map((t) => ({ ticket: `ticket-${t}`, events: 12 })));
    expect(await counts(sql, 'b')).toEqual(await counts(sql, 'a'));
    await second.stop();
  });

  it('retries a failed batch by itself and converges', async () => {
    const position = await appendReplies(2, 5);
    const runner = new ProjectionRunner(store, sql, [replyCounts({ n: 3, remaining: 2 })], { batchSize: 3 });
    await runner.start();
    await runner.waitFor(position, 5_000);
    expect(await rows(sql)).toEqual([
      { ticket: 'ticket-0', replies: 5, last_n: 4 },
      { ticket: 'ticket-1', replies: 5, last_n: 4 },
    ]);
    await runner.stop();
  });
});
