import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateEventId, EventTooLarge, WrongExpectedVersion } from '../errors.js';
import { MAX_EVENT_BYTES, type EventStore, type RecordedEvent } from '../event-store.port.js';
import { comparePositions, type Position } from '../position.js';
import { testEvent, uniquePrefix } from './event-fixtures.js';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Changes a recorded event's data behind the store's back (as an attacker with database access would). */
  tamper?: (stream: string, revision: number) => Promise<void>;
  /**
   * Whether an event id recorded in one stream is refused in another. PostgreSQL has a global unique index;
   * KurrentDB has no index by event id, so only repeats within a stream's recent tail are caught there.
   */
  globallyUniqueEventIds?: boolean;
  /** Opens a second store on the same data (a restart); defaults to reusing `store`. */
  reopen?: () => Promise<EventStore>;
  dispose: () => Promise<void>;
}

/** The behaviour every adapter must share. Each adapter's spec calls this with its own factory. */
export function describeEventStoreContract(name: string, open: () => Promise<EventStoreUnderTest>): void {
  describe(`event store contract: ${name}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    it('appends, reads back in revision order, and chains each event to the previous hash', async () => {
      const stream = `${uniquePrefix('ticket')}1`;
      const first = await store.append(stream, [testEvent('TicketOpened', { subject: 'Black screen' })], 'no_stream');
      expect(first.nextExpectedRevision).toBe(0);
      const second = await store.append(stream, [testEvent('ReplyAdded', { n: 1 }), testEvent('ReplyAdded', { n: 2 })], 0);
      expect(second.nextExpectedRevision).toBe(2);
      expect(comparePositions(second.position, first.position)).toBeGreaterThan(0);

      const events = await store.readStream(stream);
      expect(events.map((e) => [e.revision, e.type, e.data])).toEqual([
        [0, 'TicketOpened', { subject: 'Black screen' }],
        [1, 'ReplyAdded', { n: 1 }],
        [2, 'ReplyAdded', { n: 2 }],
      ]);
      expect(events[0]!.previousHash).toBeNull();
      expect(events[1]!.previousHash).toBe(events[0]!.hash);
      expect(events[2]!.previousHash).toBe(events[1]!.hash);
      expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(events[0]!.metadata.actor).toEqual({ id: 'tester', role: 'ADMIN' });

      const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((e) => e.revision)).toEqual([2, 1]);
      const fromOne = await store.readStream(stream, { fromRevision: 1, maxCount: 1 });
      expect(fromOne.map((e) => e.revision)).toEqual([1]);
      expect(await store.readStream(`${stream}-absent`)).toEqual([]);
    });

    it('enforces the expected revision', async () => {
      const stream = `${uniquePrefix('account')}1`;
      await store.append(stream, [testEvent('AccountRegistered')], 'no_stream');
      await expect(store.append(stream, [testEvent('X')], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(store.append(stream, [testEvent('X')], 5)).rejects.toMatchObject({ actual: 0, expected: 5 });
      await expect(store.append(`${stream}-new`, [testEvent('X')], 0)).rejects.toMatchObject({ actual: -1 });
      const result = await store.append(stream, [testEvent('X')], 'any');
      expect(result.nextExpectedRevision).toBe(1);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('lets one of two concurrent writers win; the other gets WrongExpectedVersion and writes nothing', async () => {
      for (let round = 0; round < 5; round += 1) {
        const stream = `${uniquePrefix('race')}${round}`;
        await store.append(stream, [testEvent('Start')], 'no_stream');
        const writers = ['a', 'b'].map((writer) =>
          store.append(stream, [1, 2, 3].map((n) => testEvent('Step', { writer, n })), 0),
        );
        const outcomes = await Promise.allSettled(writers);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.reason).toBeInstanceOf(WrongExpectedVersion);
        const events = await store.readStream(stream);
        expect(events).toHaveLength(4);
        expect(new Set(events.slice(1).map((e) => (e.data as { writer: string }).writer)).size).toBe(1);
      }
    });

    it('records an event id once: a repeated append is answered from the record', async () => {
      const stream = `${uniquePrefix('sla')}1`;
      const breach = testEvent('SlaClockBreached', { metric: 'FIRST_RESPONSE' });
      const first = await store.append(stream, [breach], 'any');
      const again = await store.append(stream, [breach], 'any');
      expect(again.alreadyRecorded).toBe(true);
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      const exactRetry = await store.append(stream, [breach], 'no_stream');
      expect(exactRetry.alreadyRecorded).toBe(true);
      expect(await store.readStream(stream)).toHaveLength(1);

      await expect(store.append(stream, [breach, testEvent('Other')], 'any')).rejects.toBeInstanceOf(DuplicateEventId);
      expect(await store.readStream(stream)).toHaveLength(1);
      if (subject.globallyUniqueEventIds === false) return;
      await expect(store.append(`${stream}-other`, [breach], 'any')).rejects.toBeInstanceOf(DuplicateEventId);
      expect(await store.readStream(`${stream}-other`)).toHaveLength(0);
    });

    it('refuses an event over the size limit, writing nothing', async () => {
      const stream = `${uniquePrefix('big')}1`;
      const huge = testEvent('Huge', { blob: 'x'.repeat(MAX_EVENT_BYTES + 1) });
      await expect(store.append(stream, [testEvent('Small'), huge], 'any')).rejects.toBeInstanceOf(EventTooLarge);
      expect(await store.readStream(stream)).toHaveLength(0);
    });

    it('delivers every event exactly once, in stream order, to a subscriber while 8 writers append 2,000 each', async () => {
      const prefix = uniquePrefix('load');
      const writers = 8;
      const perWriter = 2000;
      const subscription = store.subscribe({ filter: { streamPrefixes: [prefix] }, batchSize: 500 });
      const seen = new Map<string, number[]>();
      let total = 0;
      const reading = (async () => {
        for await (const event of subscription) {
          const revisions = seen.get(event.stream) ?? [];
          revisions.push(event.revision);
          seen.set(event.stream, revisions);
          total += 1;
          if (total === writers * perWriter) break;
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, writer) => {
          const stream = `${prefix}${writer}`;
          for (let n = 0; n < perWriter; n += 1) {
            await store.append(stream, [testEvent('Step', { n })], n === 0 ? 'no_stream' : n - 1);
          }
        }),
      );
      await reading;
      await subscription.close();
      expect(total).toBe(writers * perWriter);
      expect(seen.size).toBe(writers);
      for (const revisions of seen.values()) {
        expect(revisions).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
    }, 240_000);

    it('resumes a subscription from a checkpoint after close, with no gap and no repeat', async () => {
      const prefix = uniquePrefix('resume');
      const filter = { streamPrefixes: [prefix] };
      for (let n = 0; n < 10; n += 1) await store.append(`${prefix}a`, [testEvent('Step', { n })], 'any');

      let checkpoint: Position | null = null;
      const first = store.subscribe({ filter });
      const firstSeen: number[] = [];
      for await (const event of first) {
        firstSeen.push((event.data as { n: number }).n);
        checkpoint = event.position;
        if (firstSeen.length === 4) break;
      }
      await first.close();
      for (let n = 10; n < 15; n += 1) await store.append(`${prefix}a`, [testEvent('Step', { n })], 'any');

      const reopened = subject.reopen ? await subject.reopen() : store;
      const second = reopened.subscribe({ after: checkpoint, filter });
      const secondSeen: number[] = [];
      for await (const event of second) {
        secondSeen.push((event.data as { n: number }).n);
        if (secondSeen.length === 11) break;
      }
      await second.close();
      if (reopened !== store) await reopened.close();
      expect(firstSeen).toEqual([0, 1, 2, 3]);
      expect(secondSeen).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    });

    it('filters a subscription by event type', async () => {
      const prefix = uniquePrefix('types');
      await store.append(`${prefix}a`, [testEvent('Wanted', { n: 1 }), testEvent('Unwanted'), testEvent('Wanted', { n: 2 })], 'any');
      const subscription = store.subscribe({ filter: { streamPrefixes: [prefix], eventTypes: ['Wanted'] } });
      const seen: RecordedEvent[] = [];
      for await (const event of subscription) {
        seen.push(event);
        if (seen.length === 2) break;
      }
      await subscription.close();
      expect(seen.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('reads the global log in order from a position', async () => {
      const prefix = uniquePrefix('all');
      await store.append(`${prefix}a`, [testEvent('One')], 'any');
      const { position } = await store.append(`${prefix}b`, [testEvent('Two')], 'any');
      const three = await store.append(`${prefix}a`, [testEvent('Three')], 'any');
      // Readers see an event once every older transaction has ended (PostgreSQL: a NOTIFY still committing
      // can hold it back for a moment), so wait — boundedly — for the head to reach it.
      let head = await store.headPosition();
      for (let tries = 0; tries < 200 && (!head || comparePositions(head, three.position) < 0); tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        head = await store.headPosition();
      }
      expect(head && comparePositions(head, three.position)).toBeGreaterThanOrEqual(0);
      expect(comparePositions(three.position, position)).toBeGreaterThan(0);
      const after = await store.readAll({ after: position, maxCount: 10_000 });
      const mine = after.filter((e) => e.stream.startsWith(prefix));
      expect(mine.map((e) => e.type)).toEqual(['Three']);
      for (let i = 1; i < after.length; i += 1) {
        expect(comparePositions(after[i]!.position, after[i - 1]!.position)).toBeGreaterThan(0);
      }
    });

    it('verifies a stream and names the first revision changed behind its back', async () => {
      const stream = `${uniquePrefix('audit')}1`;
      await store.append(stream, [0, 1, 2, 3].map((n) => testEvent('Step', { n })), 'no_stream');
      const intact = await store.verifyStream(stream);
      expect(intact).toMatchObject({ valid: true, eventsChecked: 4, brokenAtRevision: null });
      expect(intact.headHash).toBe((await store.readStream(stream))[3]!.hash);
      if (!subject.tamper) return;
      await subject.tamper(stream, 2);
      const broken = await store.verifyStream(stream);
      expect(broken).toMatchObject({ valid: false, brokenAtRevision: 2 });
      expect(broken.problem).toMatch(/hash/);
    });

    it("answers a stream's head revision and hash, and null for a stream never written", async () => {
      const stream = `${uniquePrefix('head')}1`;
      expect(await store.streamHead(stream)).toBeNull();
      await store.append(stream, [0, 1, 2].map((n) => testEvent('Step', { n })), 'no_stream');
      const events = await store.readStream(stream);
      expect(await store.streamHead(stream)).toEqual({ revision: 2, hash: events[2]!.hash });
    });
  });
}
