import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateEventId, EventTooLarge, InvalidAppend, WrongExpectedVersion } from '../errors.js';
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

    it('appends to many streams at once: each chained, each at its own expected revision, conflicts and repeats per stream', async () => {
      const prefix = uniquePrefix('many');
      const existing = await store.append(`${prefix}old`, [testEvent('TicketOpened')], 'no_stream');
      await store.append(`${prefix}behind`, [testEvent('TicketOpened'), testEvent('ReplyAdded')], 'no_stream');
      const repeated = testEvent('ReplyAdded', { n: 'once' });
      await store.append(`${prefix}repeat`, [testEvent('TicketOpened'), repeated], 'no_stream');
      const fresh = Array.from({ length: 20 }, (_, i) => ({ stream: `${prefix}new-${i}`, events: [testEvent('TicketOpened', { i }), testEvent('ReplyAdded', { i })], expectedRevision: 'no_stream' as const }));
      const outcomes = await store.appendMany([
        { stream: `${prefix}old`, events: [testEvent('ReplyAdded', { n: 1 })], expectedRevision: existing.nextExpectedRevision },
        ...fresh,
        { stream: `${prefix}behind`, events: [testEvent('ReplyAdded', { n: 'stale' })], expectedRevision: 0 },
        { stream: `${prefix}repeat`, events: [repeated], expectedRevision: 0 },
      ]);
      expect(outcomes).toHaveLength(23);
      expect(outcomes[0]).toMatchObject({ nextExpectedRevision: 1, alreadyRecorded: false });
      for (const outcome of outcomes.slice(1, 21)) expect(outcome).toMatchObject({ nextExpectedRevision: 1, alreadyRecorded: false });
      expect(outcomes[21]).toBeInstanceOf(WrongExpectedVersion);
      expect(outcomes[21]).toMatchObject({ stream: `${prefix}behind`, expected: 0, actual: 1 });
      expect(outcomes[22]).toMatchObject({ nextExpectedRevision: 1, alreadyRecorded: true });

      expect((await store.readStream(`${prefix}old`)).map((e) => e.data)).toEqual([{}, { n: 1 }]);
      expect(await store.readStream(`${prefix}behind`)).toHaveLength(2);
      expect(await store.readStream(`${prefix}repeat`)).toHaveLength(2);
      for (const [i, { stream }] of fresh.entries()) {
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.revision, e.type, e.data])).toEqual([[0, 'TicketOpened', { i }], [1, 'ReplyAdded', { i }]]);
        expect(events[1]!.previousHash).toBe(events[0]!.hash);
        // Each outcome's position is its stream's last event, as `append` answers.
        expect(comparePositions((outcomes[i + 1] as { position: Position }).position, events[1]!.position)).toBe(0);
      }
      for (const stream of [`${prefix}old`, `${prefix}behind`, `${prefix}repeat`, ...fresh.map((f) => f.stream)]) {
        const integrity = await store.verifyStream(stream);
        expect(integrity.valid, `${stream}: ${integrity.problem}`).toBe(true);
        expect((await store.streamHead(stream))?.hash).toBe(integrity.headHash);
      }
    });

    it('appendMany by two writers on the same streams at once: each stream gets exactly one of them', async () => {
      const prefix = uniquePrefix('many-race');
      const streams = Array.from({ length: 30 }, (_, i) => `${prefix}${i}`);
      for (const stream of streams) await store.append(stream, [testEvent('Start')], 'no_stream');
      // The second writer names the streams in the opposite order: no deadlock, one winner per stream.
      const [a, b] = await Promise.all(
        ['a', 'b'].map((writer) => {
          const order = writer === 'a' ? streams : [...streams].reverse();
          return store.appendMany(order.map((stream) => ({ stream, events: [testEvent('Step', { writer })], expectedRevision: 0 })));
        }),
      );
      const byStream = new Map<string, number>();
      for (const [i, outcome] of a!.entries()) if (!(outcome instanceof WrongExpectedVersion)) byStream.set(streams[i]!, (byStream.get(streams[i]!) ?? 0) + 1);
      for (const [i, outcome] of b!.entries()) if (!(outcome instanceof WrongExpectedVersion)) byStream.set(streams[streams.length - 1 - i]!, (byStream.get(streams[streams.length - 1 - i]!) ?? 0) + 1);
      for (const stream of streams) {
        expect(byStream.get(stream), stream).toBe(1);
        const events = await store.readStream(stream);
        expect(events).toHaveLength(2);
        expect((await store.verifyStream(stream)).valid).toBe(true);
      }
    });

    it('appendMany continues a stream another writer moved meanwhile, and refuses a bad batch before writing anything', async () => {
      const prefix = uniquePrefix('many-moved');
      await store.append(`${prefix}a`, [testEvent('Start')], 'no_stream');
      await store.append(`${prefix}b`, [testEvent('Start')], 'no_stream');
      // Another process (a second store on the same data, where the adapter can) moves stream a.
      const other = subject.reopen ? await subject.reopen() : store;
      await other.append(`${prefix}a`, [testEvent('Elsewhere')], 0);
      if (other !== store) await other.close();
      const outcomes = await store.appendMany([
        { stream: `${prefix}a`, events: [testEvent('Here')], expectedRevision: 1 },
        { stream: `${prefix}b`, events: [testEvent('Here')], expectedRevision: 0 },
      ]);
      expect(outcomes.map((o) => (o instanceof WrongExpectedVersion ? 'conflict' : o.nextExpectedRevision))).toEqual([2, 1]);
      expect((await store.readStream(`${prefix}a`)).map((e) => e.type)).toEqual(['Start', 'Elsewhere', 'Here']);
      expect((await store.verifyStream(`${prefix}a`)).valid).toBe(true);

      await expect(
        store.appendMany([
          { stream: `${prefix}c`, events: [testEvent('Fine')], expectedRevision: 'no_stream' },
          { stream: `${prefix}d`, events: [{ ...testEvent('Bad'), id: 'not-a-uuid' }], expectedRevision: 'no_stream' },
        ]),
      ).rejects.toBeInstanceOf(InvalidAppend);
      await expect(
        store.appendMany([
          { stream: `${prefix}c`, events: [testEvent('Fine')], expectedRevision: 'no_stream' },
          { stream: `${prefix}c`, events: [testEvent('Twice')], expectedRevision: 'no_stream' },
        ]),
      ).rejects.toBeInstanceOf(InvalidAppend);
      expect(await store.readStream(`${prefix}c`)).toHaveLength(0);
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
