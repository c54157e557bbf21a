import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreUnavailable, EventTooLarge, InvalidAppend } from '../errors.js';
import { MAX_EVENT_BYTES, type RecordedEvent } from '../event-store.port.js';
import { eventHash, verifyChain } from '../hash-chain.js';
import { testEvent } from '../testing/event-fixtures.js';
import {
  CHAIN_METADATA_KEY,
  fromKurrentDbEvent,
  kurrentDbEndpoint,
  openKurrentDbEventStore,
  toKurrentDbEventData,
  type KurrentDbEventStore,
  type KurrentDbRecord,
} from './kurrentdb-event-store.js';

// What KurrentDB hands back for what was appended: JSON through the wire, bigint revisions, a position.
function asStored(stream: string, firstRevision: number, eventData: ReturnType<typeof toKurrentDbEventData>['eventData']): KurrentDbRecord[] {
  return eventData.map((event, index) => ({
    streamId: stream,
    id: event.id,
    revision: BigInt(firstRevision + index),
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)),
    metadata: JSON.parse(JSON.stringify(event.metadata)),
    created: new Date('2026-02-13T10:00:00.000Z'),
    position: { commit: BigInt(1000 + 100 * (firstRevision + index)), prepare: BigInt(1000 + 100 * (firstRevision + index)) },
  }));
}

describe('KurrentDB adapter: the hash chain in event metadata', () => {
  const stream = 'ticket-1';
  const recordedAt = '2026-02-13T10:00:00.000Z';

  it('writes the chain under `ledgerdesk` and strips it when mapping back, the hash covering the metadata without it', () => {
    const events = [testEvent('TicketOpened', { subject: 'Black screen' }), testEvent('ReplyAdded', { n: 1 })];
    const { eventData, chain } = toKurrentDbEventData(stream, events, { revision: -1, hash: null }, recordedAt);

    expect(eventData.map((e) => [e.id, e.type, e.contentType])).toEqual(events.map((e) => [e.id, e.type, 'application/json']));
    expect(eventData[0]!.metadata).toEqual({ ...events[0]!.metadata, [CHAIN_METADATA_KEY]: { hash: chain[0]!.hash, previousHash: null, recordedAt } });
    expect(chain[1]!.previousHash).toBe(chain[0]!.hash);
    expect(chain[0]!.hash).toBe(
      eventHash({ stream, revision: 0, type: 'TicketOpened', data: { subject: 'Black screen' }, metadata: events[0]!.metadata, previousHash: null }),
    );

    const recorded = asStored(stream, 0, eventData).map(fromKurrentDbEvent);
    expect(recorded[0]).toEqual<RecordedEvent>({
      id: events[0]!.id,
      stream,
      revision: 0,
      type: 'TicketOpened',
      data: { subject: 'Black screen' },
      metadata: events[0]!.metadata,
      position: { commit: 1000n, prepare: 1000n },
      recordedAt,
      hash: chain[0]!.hash,
      previousHash: null,
    });
    expect(recorded[1]!.metadata).not.toHaveProperty(CHAIN_METADATA_KEY);
    expect(verifyChain(stream, recorded)).toMatchObject({ valid: true, eventsChecked: 2, headHash: chain[1]!.hash });

    // The next append chains onto the head it read.
    const next = toKurrentDbEventData(stream, [testEvent('ReplyAdded', { n: 2 })], { revision: 1, hash: recorded[1]!.hash }, recordedAt);
    const all = [...recorded, ...asStored(stream, 2, next.eventData).map(fromKurrentDbEvent)];
    expect(all[2]!.previousHash).toBe(all[1]!.hash);
    expect(verifyChain(stream, all)).toMatchObject({ valid: true, eventsChecked: 3 });
  });

  it('hashes what is stored: data normalized through JSON (undefined fields, Dates) still verifies after reading back', () => {
    const event = testEvent('Odd', { kept: 1, dropped: undefined, at: new Date('2026-02-13T09:00:00.000Z') as unknown as string });
    const { eventData } = toKurrentDbEventData(stream, [event], { revision: -1, hash: null }, recordedAt);
    const [recorded] = asStored(stream, 0, eventData).map(fromKurrentDbEvent);
    expect(recorded!.data).toEqual({ kept: 1, at: '2026-02-13T09:00:00.000Z' });
    expect(verifyChain(stream, [recorded!]).valid).toBe(true);
  });

  it('names an event whose content changed, or that this store did not write', () => {
    const events = [0, 1, 2].map((n) => testEvent('Step', { n }));
    const { eventData } = toKurrentDbEventData(stream, events, { revision: -1, hash: null }, recordedAt);
    const stored = asStored(stream, 0, eventData);
    stored[1]!.data = { n: 99 };
    expect(verifyChain(stream, stored.map(fromKurrentDbEvent))).toMatchObject({ valid: false, brokenAtRevision: 1 });

    const foreign = fromKurrentDbEvent({ ...asStored(stream, 0, eventData)[0]!, metadata: { written: 'elsewhere' } });
    expect(foreign).toMatchObject({ hash: '', previousHash: null, recordedAt: '2026-02-13T10:00:00.000Z', metadata: { written: 'elsewhere' } });
    expect(verifyChain(stream, [foreign])).toMatchObject({ valid: false, brokenAtRevision: 0 });
  });

  it('describes the server by host and port, never by its credentials', () => {
    expect(kurrentDbEndpoint('kurrentdb://admin:s3cret@db1:2113,db2:2113?tls=true')).toBe('db1:2113,db2:2113');
    expect(kurrentDbEndpoint('kurrentdb+discover://cluster.example.com:2113')).toBe('cluster.example.com:2113');
    expect(kurrentDbEndpoint('esdb://localhost:2113?tls=false')).toBe('localhost:2113');
  });
});

/** Rejects with EventStoreUnavailable, and how long that took. */
async function unavailable(what: Promise<unknown>): Promise<{ error: EventStoreUnavailable; ms: number }> {
  const started = Date.now();
  const error = await what.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(EventStoreUnavailable);
  return { error: error as EventStoreUnavailable, ms: Date.now() - started };
}

async function firstEvent(store: KurrentDbEventStore): Promise<unknown> {
  const subscription = store.subscribe();
  try {
    for await (const event of subscription) return event;
    return null;
  } finally {
    await subscription.close();
  }
}

describe('KurrentDB adapter without a server', () => {
  describe('a server that accepts connections and never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let port = 0;

    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('fails every call with EventStoreUnavailable at its deadline, naming the host but not the password', async () => {
      const store = openKurrentDbEventStore(`kurrentdb://admin:s3cret-pw@127.0.0.1:${port}?tls=false`, { deadlineMs: 1000, pingDeadlineMs: 500 });
      try {
        const outcomes = await Promise.all([
          unavailable(store.append('ticket-1', [testEvent('TicketOpened')], 'any')),
          unavailable(store.append('ticket-2', [testEvent('TicketOpened')], 'no_stream')),
          unavailable(store.readStream('ticket-1')),
          unavailable(store.readAll({ maxCount: 10 })),
          unavailable(store.headPosition()),
          unavailable(store.verifyStream('ticket-1')),
        ]);
        for (const { error, ms } of outcomes) {
          expect(ms).toBeGreaterThanOrEqual(900);
          expect(ms).toBeLessThan(3000);
          expect(error.message).toContain(`127.0.0.1:${port}`);
          expect(error.message).toMatch(/did not answer .* within 1000 ms/);
          expect(error.message).not.toContain('s3cret-pw');
        }

        // A subscription must be confirmed by the server within the deadline.
        const subscription = await unavailable(firstEvent(store));
        expect(subscription.ms).toBeLessThan(3000);
        expect(subscription.error.message).toBe(`KurrentDB at 127.0.0.1:${port} did not answer (confirm a subscription to $all) within 1000 ms`);

        const ping = await unavailable(store.ping());
        expect(ping.ms).toBeLessThan(1500);
        expect(ping.error.message).toMatch(/\(ping\) within 500 ms/);

        // The client is replaced after a deadline: the store keeps answering (and failing) on time.
        expect((await unavailable(store.readStream('ticket-1'))).ms).toBeLessThan(3000);
      } finally {
        const closing = Date.now();
        await store.close();
        expect(Date.now() - closing).toBeLessThan(5000);
      }
    }, 15_000);
  });

  describe('a port where nothing listens', () => {
    let port = 0;

    beforeAll(async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      port = (probe.address() as { port: number }).port;
      await new Promise((resolve) => probe.close(resolve));
    });

    it('fails fast and cleanly with EventStoreUnavailable', async () => {
      const store = openKurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=false`, { deadlineMs: 5000 });
      try {
        const outcomes = await Promise.all([
          unavailable(store.append('ticket-1', [testEvent('TicketOpened')], 'any')),
          unavailable(store.readStream('ticket-1')),
          unavailable(store.readAll()),
          unavailable(store.ping()),
          unavailable(firstEvent(store)),
        ]);
        for (const { error, ms } of outcomes) {
          expect(ms).toBeLessThan(3000);
          expect(error.message).toMatch(new RegExp(`KurrentDB at 127\\.0\\.0\\.1:${port} is unavailable`));
        }
      } finally {
        await store.close();
      }
    }, 15_000);

    it('validates an append before it goes to the server', async () => {
      const store = openKurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=false`);
      try {
        await expect(store.append('ticket-1', [], 'any')).rejects.toBeInstanceOf(InvalidAppend);
        await expect(store.append('ticket-1', [testEvent('X', {}, 'not-a-uuid')], 'any')).rejects.toBeInstanceOf(InvalidAppend);
        const huge = testEvent('Huge', { blob: 'x'.repeat(MAX_EVENT_BYTES + 1) });
        await expect(store.append('ticket-1', [huge], 'any')).rejects.toBeInstanceOf(EventTooLarge);
      } finally {
        await store.close();
      }
    });

    it('refuses every call once closed', async () => {
      const store = openKurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=false`);
      await store.close();
      await expect(store.readStream('ticket-1')).rejects.toThrow(/closed/);
      await expect(store.append('ticket-1', [testEvent('X')], 'any')).rejects.toBeInstanceOf(EventStoreUnavailable);
      await expect(firstEvent(store)).rejects.toBeInstanceOf(EventStoreUnavailable);
      await store.close();
    });
  });
});
