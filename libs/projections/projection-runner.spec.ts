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
