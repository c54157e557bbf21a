/**
 * A deterministic reproduction, on a real PostgreSQL, of the lost wake-up that `bench/intake.bench.ts` caught
 * (a projection left behind the head after the load stopped, until some later NOTIFY):
 *
 *   1. transaction O takes an xid and stays open (in the platform: an append, or a projection's checkpoint write);
 *   2. an append commits event E in transaction T > O and NOTIFYs;
 *   3. the subscription wakes; readAll hides E (T ≥ xmin = O);
 *   4. O commits — a projection's checkpoint transaction sends no NOTIFY;
 *   5. hasEventsBehindGuard looks for events with transaction_id ≥ xmin: xmin is now past T, so it answers "no";
 *   6. the subscription sleeps until the next NOTIFY, with E readable and undelivered.
 *
 * Step 4 is placed between 3 and 5 by the source below (the real race needs it to happen in that window).
 *
 *   DATABASE_URL=postgres://… node dist/bench/intake/lost-wakeup.js
 *
 * Writes events to a stream named for this run in the database's event_store schema.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EVENTS_CHANNEL, PollingSubscription, PostgresClient, SqlEventStore, type RecordedEvent } from '#event-store';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');

const sql = new PostgresClient({ connectionString: databaseUrl });
const store = await SqlEventStore.open(sql);
const blocker = new pg.Client({ connectionString: databaseUrl });
await blocker.connect();
const stream = `lost-wakeup-${randomUUID()}`;
const event = () => ({ id: randomUUID(), type: 'LostWakeupProbe', data: {}, metadata: { occurredAt: new Date().toISOString(), actor: { id: 'bench', role: 'ADMIN' as const }, correlationId: randomUUID(), causationId: null, schemaVersion: 1 } });

let commitBlockerAfterNextRead = false;
const subscription = new PollingSubscription(
  {
    read: async (after, maxCount) => {
      const events = await store.readAll({ after, maxCount });
      if (commitBlockerAfterNextRead) {
        commitBlockerAfterNextRead = false;
        console.log(`  read after the NOTIFY returned ${events.filter((e) => e.stream === stream).length} probe event(s); now O commits (no NOTIFY)`);
        await blocker.query('COMMIT');
      }
      return events;
    },
    hasHiddenEvents: async (after) => {
      const hidden = await store.hasEventsBehindGuard(after);
      console.log(`  hasEventsBehindGuard → ${hidden}`);
      return hidden;
    },
    listen: (wake) => sql.listen(EVENTS_CHANNEL, wake),
  },
  { after: await store.headPosition() },
);

const delivered: { event: RecordedEvent; at: number }[] = [];
const consuming = (async () => {
  for await (const e of subscription) if (e.stream === stream) delivered.push({ event: e, at: performance.now() });
})();
await new Promise((resolve) => setTimeout(resolve, 300)); // caught up, asleep

console.log('1. O: BEGIN; SELECT pg_current_xact_id()');
await blocker.query('BEGIN');
await blocker.query('SELECT pg_current_xact_id()');
console.log('2. append E (commits after O began, NOTIFYs)');
commitBlockerAfterNextRead = true;
const appendedAt = performance.now();
await store.append(stream, [event()], 'no_stream');

await new Promise((resolve) => setTimeout(resolve, 3000));
const beforeNotify = delivered.length;
console.log(`3. 3 s later: ${beforeNotify} of 1 probe event delivered`);
await sql.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
await new Promise((resolve) => setTimeout(resolve, 500));
console.log(`4. after a bare NOTIFY: ${delivered.length} of 1 delivered${delivered[0] ? `, ${(delivered[0].at - appendedAt).toFixed(0)} ms after the append` : ''}`);
console.log(beforeNotify === 0 && delivered.length === 1 ? 'REPRODUCED: the event waited for an unrelated NOTIFY' : 'not reproduced');

await subscription.close();
await consuming;
await blocker.end();
await store.close();
