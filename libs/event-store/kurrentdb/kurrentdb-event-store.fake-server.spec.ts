import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateEventId, EventStoreUnavailable, WrongExpectedVersion } from '../errors.js';
import type { RecordedEvent } from '../event-store.port.js';
import { comparePositions } from '../position.js';
import { testEvent, uniquePrefix } from '../testing/event-fixtures.js';
import { CHAIN_METADATA_KEY, openKurrentDbEventStore, type KurrentDbEventStore } from './kurrentdb-event-store.js';
import { FakeKurrentDb } from './testing/fake-kurrentdb-server.js';

// The adapter through the real client (its gRPC half and its native read bridge) against an in-memory gRPC
// stand-in: the plumbing, the append protocol and the subscription, without a KurrentDB server.
describe('KurrentDB adapter against a fake gRPC server', () => {
  let fake: FakeKurrentDb;
  let store: KurrentDbEventStore;
  const recordedAt = new Date('2026-02-13T10:00:00.000Z');

  beforeAll(async () => {
    fake = await new FakeKurrentDb().start();
    store = openKurrentDbEventStore(fake.connectionString, { now: () => recordedAt, deadlineMs: 5000 });
  });
  afterAll(async () => {
    await store?.close();
    await fake?.stop();
  });

  it('stores the chain in the event metadata and reads it back stripped, the stream verifying', async () => {
    const stream = `${uniquePrefix('ticket')}1`;
    const opened = testEvent('TicketOpened', { subject: 'Black screen' });
    const first = await store.append(stream, [opened], 'no_stream');
    const second = await store.append(stream, [testEvent('ReplyAdded', { n: 1 }), testEvent('ReplyAdded', { n: 2 })], 0);
    expect(first).toMatchObject({ nextExpectedRevision: 0, alreadyRecorded: false });
    expect(second).toMatchObject({ nextExpectedRevision: 2, alreadyRecorded: false });

    const stored = fake.log.filter((record) => record.stream === stream);
    const storedMetadata = JSON.parse(Buffer.from(stored[0]!.metadata).toString('utf8')) as Record<string, unknown>;
    expect(storedMetadata[CHAIN_METADATA_KEY]).toMatchObject({ previousHash: null, recordedAt: recordedAt.toISOString() });

    const events = await store.readStream(stream);
    expect(events.map((e) => [e.revision, e.type, e.data])).toEqual([
      [0, 'TicketOpened', { subject: 'Black screen' }],
      [1, 'ReplyAdded', { n: 1 }],
      [2, 'ReplyAdded', { n: 2 }],
    ]);
    expect(events[0]!.metadata).toEqual(opened.metadata);
    expect(events[0]!.recordedAt).toBe(recordedAt.toISOString());
    expect(events[2]!.position).toEqual(second.position);
    expect(await store.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 3, headHash: events[2]!.hash });
    expect((await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([2, 1]);
    expect((await store.readStream(stream, { fromRevision: 1, maxCount: 1 })).map((e) => e.revision)).toEqual([1]);
    expect(await store.readStream(`${stream}-absent`)).toEqual([]);
  });

  it('appendMany appends stream after stream, each chained at its own revision; a stale one is its own WrongExpectedVersion', async () => {
    const prefix = uniquePrefix('many');
    await store.append(`${prefix}a`, [testEvent('Opened')], 'no_stream');
    await store.append(`${prefix}b`, [testEvent('Opened'), testEvent('Moved')], 'no_stream');
    const outcomes = await store.appendMany([
      { stream: `${prefix}a`, events: [testEvent('Reply')], expectedRevision: 0 },
      { stream: `${prefix}b`, events: [testEvent('Reply')], expectedRevision: 0 },
      { stream: `${prefix}c`, events: [testEvent('Opened'), testEvent('Reply')], expectedRevision: 'no_stream' },
    ]);
    expect(outcomes[0]).toMatchObject({ nextExpectedRevision: 1, alreadyRecorded: false });
    expect(outcomes[1]).toBeInstanceOf(WrongExpectedVersion);
    expect(outcomes[2]).toMatchObject({ nextExpectedRevision: 1, alreadyRecorded: false });
    expect((await store.readStream(`${prefix}b`)).map((e) => e.type)).toEqual(['Opened', 'Moved']);
    for (const stream of [`${prefix}a`, `${prefix}c`]) expect(await store.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 2 });
  });

  it('reads in pages of readPageSize', async () => {
    const paged = openKurrentDbEventStore(fake.connectionString, { readPageSize: 3 });
    try {
      const stream = `${uniquePrefix('paged')}1`;
      await paged.append(stream, Array.from({ length: 8 }, (_, n) => testEvent('Step', { n })), 'no_stream');
      expect((await paged.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect((await paged.readStream(stream, { direction: 'backwards' })).map((e) => e.revision)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
      expect((await paged.readStream(stream, { fromRevision: 2, maxCount: 4 })).map((e) => e.revision)).toEqual([2, 3, 4, 5]);
      expect(await paged.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 8 });
    } finally {
      await paged.close();
    }
  });

  it('maps the server\'s WrongExpectedVersion, -1 for a missing stream', async () => {
    const stream = `${uniquePrefix('account')}1`;
    await store.append(stream, [testEvent('AccountRegistered')], 'no_stream');
    await expect(store.append(stream, [testEvent('X')], 'no_stream')).rejects.toMatchObject({ actual: 0, expected: 'no_stream' });
    await expect(store.append(stream, [testEvent('X')], 5)).rejects.toMatchObject({ actual: 0, expected: 5 });
    await expect(store.append(`${stream}-new`, [testEvent('X')], 0)).rejects.toMatchObject({ actual: -1 });

    // A race lost on the server (the head moved after the adapter read it) is the same error.
    const writers = ['a', 'b'].map((writer) => store.append(stream, [testEvent('Step', { writer })], 0));
    const outcomes = await Promise.allSettled(writers);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(WrongExpectedVersion);
    expect(lost.reason).toMatchObject({ expected: 0, actual: 1 });
  });

  it("chains concurrent 'any' appends one after another instead of forking the chain", async () => {
    const stream = `${uniquePrefix('sla')}1`;
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => store.append(stream, [testEvent('Tick', { n })], 'any')));
    expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await store.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 6 });
  });

  it('answers a repeated append from the record, and refuses a partial repeat', async () => {
    const stream = `${uniquePrefix('timer')}1`;
    const breach = testEvent('SlaClockBreached', { metric: 'FIRST_RESPONSE' });
    const first = await store.append(stream, [breach], 'any');
    await store.append(stream, [testEvent('Later')], 'any');
    const again = await store.append(stream, [breach], 'any');
    expect(again).toEqual({ nextExpectedRevision: 1, position: first.position, alreadyRecorded: true });
    expect(await store.append(stream, [breach], 'no_stream')).toEqual(again);
    expect(await store.append(stream, [breach], 0)).toEqual(again);
    await expect(store.append(stream, [breach, testEvent('Other')], 'any')).rejects.toBeInstanceOf(DuplicateEventId);
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('reads $all strictly after a position, without system events, and finds the head past trailing system events', async () => {
    const prefix = uniquePrefix('all');
    await store.append(`${prefix}a`, [testEvent('One')], 'any');
    const { position } = await store.append(`${prefix}b`, [testEvent('Two')], 'any');
    const third = await store.append(`${prefix}a`, [testEvent('Three')], 'any');
    fake.write('$stats-127.0.0.1:2113', [{ id: randomUUID(), type: '$statsCollected', data: '{}', metadata: '' }]);
    fake.write('$projections-$all', [{ id: randomUUID(), type: 'ProjectionUpdated', data: '{}', metadata: '' }]);

    const after = await store.readAll({ after: position, maxCount: 10_000 });
    expect(after.map((e) => e.type)).toEqual(['Three']);
    const everything = await store.readAll({ maxCount: 10_000 });
    expect(everything.every((e) => !e.stream.startsWith('$') && !e.type.startsWith('$'))).toBe(true);
    for (let i = 1; i < everything.length; i += 1) expect(comparePositions(everything[i]!.position, everything[i - 1]!.position)).toBe(1);
    expect((await store.readAll({ maxCount: 2 })).length).toBe(2);
    expect(await store.headPosition()).toEqual(third.position);
  });

  it('subscribes from a checkpoint (exclusive), filters event types exactly, then delivers live events', async () => {
    const prefix = uniquePrefix('subscribe');
    const appended: { position: RecordedEvent['position'] }[] = [];
    for (const type of ['Wanted', 'WantedToo', 'Wanted', 'Unwanted']) {
      appended.push(await store.append(`${prefix}a`, [testEvent(type, { type })], 'any'));
    }
    const subscription = store.subscribe({ after: appended[0]!.position, filter: { streamPrefixes: [prefix], eventTypes: ['Wanted'] } });
    const seen: RecordedEvent[] = [];
    const reading = (async () => {
      for await (const event of subscription) {
        seen.push(event);
        if (seen.length === 2) break;
      }
    })();
    await store.append(`${prefix}b`, [testEvent('Wanted', { live: true })], 'any');
    await reading;
    await subscription.close();
    expect(seen.map((e) => [e.stream, e.revision, e.data])).toEqual([
      [`${prefix}a`, 2, { type: 'Wanted' }],
      [`${prefix}b`, 0, { live: true }],
    ]);
    expect(seen[0]!.metadata).not.toHaveProperty(CHAIN_METADATA_KEY);

    // Type filter alone (a server-side regex), system streams and types left out.
    fake.write('$projections-x', [{ id: randomUUID(), type: 'Wanted', data: '{}', metadata: '' }]);
    const byType = store.subscribe({ after: appended[3]!.position, filter: { eventTypes: ['Wanted'] } });
    for await (const event of byType) {
      expect(event.stream).toBe(`${prefix}b`);
      break;
    }
    await byType.close();
  });

  it('names an event written behind the store (no chain in its metadata) when verifying', async () => {
    const stream = `${uniquePrefix('audit')}1`;
    await store.append(stream, [testEvent('Step', { n: 0 })], 'no_stream');
    fake.write(stream, [{ id: randomUUID(), type: 'Step', data: '{"n":1}', metadata: '{"written":"elsewhere"}' }]);
    expect(await store.verifyStream(stream)).toMatchObject({ valid: false, brokenAtRevision: 1 });
  });
});

describe('KurrentDB adapter against a server that never answers the Node client\'s feature probe', () => {
  let fake: FakeKurrentDb;

  beforeAll(async () => {
    fake = await new FakeKurrentDb({ hangFeatureProbe: true }).start();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it('fails the append at its deadline (the client\'s own deadline never applies), reads still working', async () => {
    const store = openKurrentDbEventStore(fake.connectionString, { deadlineMs: 1000 });
    try {
      const started = Date.now();
      const error = await store.append('ticket-1', [testEvent('TicketOpened')], 'no_stream').catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(EventStoreUnavailable);
      expect((error as Error).message).toBe(
        `KurrentDB at 127.0.0.1:${fake.port} did not answer (append to stream ticket-1) within 1000 ms; ` +
          'the append may or may not have been recorded (repeating it with the same event ids is safe)',
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await store.readStream('ticket-1')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
