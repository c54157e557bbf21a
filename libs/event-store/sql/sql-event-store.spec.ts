import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testEvent, uniquePrefix } from '../testing/event-fixtures.js';
import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { openTestPglite } from '../testing/test-pglite.js';
import { PostgresClient } from './postgres-client.js';
import { SqlEventStore } from './sql-event-store.js';
import type { SqlClient } from './sql-client.js';

const tamperWith = (sql: SqlClient) => async (stream: string, revision: number) => {
  await sql.query(
    `UPDATE event_store.events SET data = jsonb_set(data, '{tampered}', 'true') WHERE stream = $1 AND revision = $2`,
    [stream, revision],
  );
};

describeEventStoreContract('PGlite', async () => {
  const sql = await openTestPglite();
  const store = await SqlEventStore.open(sql);
  return { store, tamper: tamperWith(sql), dispose: () => store.close() };
});

const databaseUrl = process.env.LEDGERDESK_TEST_DATABASE_URL;
if (databaseUrl) {
  describeEventStoreContract('PostgreSQL', async () => {
    const sql = new PostgresClient({ connectionString: databaseUrl });
    const store = await SqlEventStore.open(sql);
    return {
      store,
      tamper: tamperWith(sql),
      reopen: async () => SqlEventStore.open(new PostgresClient({ connectionString: databaseUrl })),
      dispose: () => store.close(),
    };
  });

  describe('SQL event store on PostgreSQL: subscriptions', () => {
    it('deliver an event held back by an older transaction that ends without appending or notifying', async () => {
      const store = await SqlEventStore.open(new PostgresClient({ connectionString: databaseUrl }));
      const other = new pg.Client({ connectionString: databaseUrl });
      await other.connect();
      try {
        const prefix = uniquePrefix('held');
        const subscription = store.subscribe({ after: await store.headPosition(), filter: { streamPrefixes: [prefix] } });
        const received = (async () => {
          for await (const event of subscription) return event;
          return null;
        })();
        // A read-model-like transaction with a transaction id older than the append's, still open.
        await other.query('BEGIN');
        await other.query('SELECT pg_current_xact_id()');
        const appended = await store.append(`${prefix}1`, [testEvent('Held')], 'no_stream');
        expect(await store.readAll({ after: { commit: appended.position.commit - 1n, prepare: 0n } })).not.toContainEqual(
          expect.objectContaining({ stream: `${prefix}1` }),
        );
        await other.query('COMMIT'); // no append, no NOTIFY: only the subscription's own re-check can see it now
        // The short re-check (15 ms) finds it; without it only the 5 s cross-process safety re-check would.
        const event = await Promise.race([received, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 4_000))]);
        expect(event).toMatchObject({ stream: `${prefix}1`, type: 'Held' });
        await subscription.close();
      } finally {
        await other.end();
        await store.close();
      }
    });
  });
} else {
  describe.skip('event store contract: PostgreSQL (set LEDGERDESK_TEST_DATABASE_URL to run)', () => undefined);
}

describe('SQL event store: readStreams', () => {
  it('reads several whole streams with one statement, each in revision order; a stream that does not exist maps to []', async () => {
    const store = await SqlEventStore.open(await openTestPglite());
    const prefix = uniquePrefix('many');
    await store.append(`${prefix}a`, [testEvent('One'), testEvent('Two')], 'no_stream');
    await store.append(`${prefix}b`, [testEvent('Three')], 'no_stream');
    await store.append(`${prefix}a`, [testEvent('Four')], 1);
    const read = await store.readStreams([`${prefix}a`, `${prefix}b`, `${prefix}none`]);
    expect([...read.keys()]).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}none`]);
    expect(read.get(`${prefix}a`)!.map((e) => [e.type, e.revision])).toEqual([['One', 0], ['Two', 1], ['Four', 2]]);
    expect(read.get(`${prefix}a`)).toEqual(await store.readStream(`${prefix}a`));
    expect(read.get(`${prefix}b`)!.map((e) => e.type)).toEqual(['Three']);
    expect(read.get(`${prefix}none`)).toEqual([]);
    await store.close();
  });
});

describe('SQL event store: appendMany', () => {
  it('writes many streams with one statement when their heads are where expected (plus one head read for streams it has not seen)', async () => {
    const sql = await openTestPglite();
    const store = await SqlEventStore.open(sql);
    const prefix = uniquePrefix('many-sql');
    const streams = Array.from({ length: 50 }, (_, i) => `${prefix}${i}`);
    for (const stream of streams) await store.append(stream, [testEvent('Opened')], 'no_stream');
    const sent: string[] = [];
    const query = sql.query.bind(sql);
    sql.query = ((text: string, params?: unknown[]) => {
      sent.push(text);
      return query(text, params);
    }) as typeof sql.query;
    const outcomes = await store.appendMany(streams.map((stream) => ({ stream, events: [testEvent('Reply')], expectedRevision: 0 })));
    expect(outcomes.every((o) => 'nextExpectedRevision' in o && o.nextExpectedRevision === 1)).toBe(true);
    expect(sent.filter((text) => text.includes('INSERT INTO event_store.events'))).toHaveLength(1);
    expect(sent).toHaveLength(1);

    // A second store on the same data has no cached heads: one read for all of them, then the one statement.
    const cold = await SqlEventStore.open(sql, { ownsClient: false });
    sent.length = 0;
    await cold.appendMany(streams.map((stream) => ({ stream, events: [testEvent('Reply')], expectedRevision: 1 })));
    expect(sent).toHaveLength(2);
    for (const stream of streams) expect((await store.verifyStream(stream)).valid).toBe(true);
    await store.close();
  });
});
