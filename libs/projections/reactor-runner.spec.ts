import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PgliteClient, SqlEventStore, type RecordedEvent } from '#event-store';
import { testEvent } from '../event-store/testing/event-fixtures.js';
import { openTestPglite } from '../event-store/testing/test-pglite.js';
import { ReactorRunner } from './reactor-runner.js';
import type { Reactor } from './reactor.js';

/** Each ReplyAdded gets one ReplyAcknowledged on `ack-<stream>`, with an id derived from the reply's. */
function acknowledger(store: SqlEventStore, behaviour: { failFor?: Set<number>; crashAfterAppend?: Set<number> } = {}): Reactor {
  return {
    name: 'test.acknowledge-replies',
    eventTypes: ['ReplyAdded'],
    async react(event: RecordedEvent) {
      const n = (event.data as { n: number }).n;
      if (behaviour.failFor?.has(n)) throw new Error(`reply ${n} cannot be acknowledged`);
      await store.append(`ack-${event.stream}`, [testEvent('ReplyAcknowledged', { n }, deterministicId(event.id))], 'any');
      // The process dies after the effect and before the checkpoint: the event is delivered again.
      if (behaviour.crashAfterAppend?.delete(n)) throw new Error(`crash after acknowledging reply ${n}`);
    },
  };
}

function deterministicId(eventId: string): string {
  // Same UUID shape, another id: the reaction's event id follows from the event it reacts to.
  return `${eventId.slice(0, -1)}${eventId.endsWith('a') ? 'b' : 'a'}`;
}

describe('reactor runner', () => {
  let sql: PgliteClient;
  let store: SqlEventStore;
  beforeEach(async () => {
    sql = await openTestPglite();
    store = await SqlEventStore.open(sql, { ownsClient: false });
  });
  afterEach(async () => {
    await sql.close();
  });

  async function appendReplies(count: number) {
    let last = null;
    for (let n = 0; n < count; n += 1) last = await store.append('ticket-1', [testEvent('ReplyAdded', { n }), testEvent('Ignored')], 'any');
    return last!.position;
  }
  const acknowledged = async () => (await store.readStream('ack-ticket-1')).map((event) => (event.data as { n: number }).n);

  it('a wait for one event ends when that event is handled, not after the rest of its batch', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: Reactor = {
      name: 'test.slow-on-3',
      eventTypes: ['ReplyAdded'],
      async react(event) {
        if ((event.data as { n: number }).n === 3) await held;
      },
    };
    const first = await store.append('ticket-1', [testEvent('ReplyAdded', { n: 0 })], 'any');
    await appendReplies(5);
    const runner = new ReactorRunner(store, sql, [slow], { batchSize: 50 });
    await runner.start();
    // All in one batch; reply 3 holds the batch, but the wait for reply 0 is over.
    await runner.waitFor('test.slow-on-3', first.position, AbortSignal.timeout(5_000));
    const [status] = await runner.status();
    expect(status!.checkpoint).toBeNull(); // the checkpoint in the database still moves per batch
    release();
    await runner.stop();
  });

  it('two replicas with two reactors on one database: each effect once, both checkpoints past every reply', async () => {
    const counter: Reactor = {
      name: 'test.count-replies',
      eventTypes: ['ReplyAdded'],
      async react(event) {
        await store.append(`count-${event.stream}`, [testEvent('ReplyCounted', { n: (event.data as { n: number }).n }, `${event.id.slice(0, -2)}${event.id.endsWith('ff') ? 'ee' : 'ff'}`)], 'any');
      },
    };
    const errors: string[] = [];
    const replicas = [0, 1].map(() => new ReactorRunner(store, sql, [acknowledger(store), counter], { retryDelayMs: 1, batchSize: 3, onError: (name, error, event) => errors.push(`${name} ${event?.type} ${String(error)}`) }));
    await Promise.all(replicas.map((runner) => runner.start()));
    const position = await appendReplies(10);
    const signal = AbortSignal.timeout(30_000);
    for (const runner of replicas) for (const name of runner.names) await runner.waitFor(name, position, signal);
    expect(errors).toEqual([]);
    expect(await acknowledged()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await store.readStream('count-ticket-1')).map((event) => (event.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await Promise.all(replicas.map((runner) => runner.stop()));
    const statuses = await replicas[0]!.status();
    expect(statuses.map(({ name, eventsBehind }) => ({ name, eventsBehind }))).toEqual([
      { name: 'test.acknowledge-replies', eventsBehind: 0 },
      { name: 'test.count-replies', eventsBehind: 0 },
    ]);
    // Past the last reply (an 'Ignored' after it needs no checkpoint of its own).
    expect(statuses.every((status) => status.checkpoint !== null)).toBe(true);
  });

  it('hands a batch to reactBatch, and after a failed batch reacts event by event: each effect once, the poison event parked', async () => {
    const position = await appendReplies(6);
    const one = acknowledger(store, { failFor: new Set([4]) });
    const batches: number[][] = [];
    const batching: Reactor = {
      ...one,
      async reactBatch(events) {
        batches.push(events.map((event) => (event.data as { n: number }).n));
        // Acknowledges the first two, then fails on reply 4 (as react does): the runner falls back for the whole batch.
        for (const event of events) await one.react(event);
      },
    };
    const runner = new ReactorRunner(store, sql, [batching], { retryDelayMs: 1, maxAttempts: 2, batchSize: 20 });
    await runner.start();
    await runner.waitFor('test.acknowledge-replies', position, AbortSignal.timeout(5_000));
    expect(batches.length).toBeGreaterThan(0);
    expect(await acknowledged()).toEqual([0, 1, 2, 3, 5]);
    const poison = (await store.readStream('ticket-1')).find((event) => event.type === 'ReplyAdded' && (event.data as { n: number }).n === 4)!;
    expect((await runner.parked()).map((event) => event.eventId)).toEqual([poison.id]);
    await runner.stop();
  });

  it('reacts once to each event, also when the effect is repeated after a crash before the checkpoint', async () => {
    const position = await appendReplies(6);
    const runner = new ReactorRunner(store, sql, [acknowledger(store, { crashAfterAppend: new Set([2, 4]) })], { retryDelayMs: 1, batchSize: 4 });
    await runner.start();
    await runner.waitFor('test.acknowledge-replies', position, AbortSignal.timeout(5_000));
    expect(await acknowledged()).toEqual([0, 1, 2, 3, 4, 5]);
    const [status] = await runner.status();
    expect(status).toMatchObject({ name: 'test.acknowledge-replies', eventsBehind: 0, secondsBehind: 0, parked: 0 });
    await runner.stop();

    // A restart from the committed checkpoint reacts to what came since, and to nothing twice.
    const more = await appendReplies(2);
    const restarted = new ReactorRunner(store, sql, [acknowledger(store)], { retryDelayMs: 1 });
    await restarted.start();
    await restarted.waitFor('test.acknowledge-replies', more, AbortSignal.timeout(5_000));
    expect(await acknowledged()).toEqual([0, 1, 2, 3, 4, 5, 0, 1]);
    await restarted.stop();
  });

  it('parks an event whose reaction keeps failing, goes on with the next, and retries it on request', async () => {
    const failFor = new Set([1]);
    const errors: string[] = [];
    const runner = new ReactorRunner(store, sql, [acknowledger(store, { failFor })], {
      retryDelayMs: 1,
      maxAttempts: 3,
      onError: (_, error) => errors.push((error as Error).message),
    });
    const position = await appendReplies(3);
    await runner.start();
    await runner.waitFor('test.acknowledge-replies', position, AbortSignal.timeout(5_000));
    expect(await acknowledged()).toEqual([0, 2]);
    expect(errors).toEqual(Array(3).fill('reply 1 cannot be acknowledged'));
    const [parked] = await runner.parked();
    expect(parked).toMatchObject({ reactor: 'test.acknowledge-replies', type: 'ReplyAdded', attempts: 3, error: 'reply 1 cannot be acknowledged' });
    expect((await runner.status())[0]).toMatchObject({ parked: 1, eventsBehind: 0, lastError: null });

    expect(await runner.retryParked('test.acknowledge-replies', parked!.eventId)).toBe('reply 1 cannot be acknowledged');
    expect((await runner.parked())[0]).toMatchObject({ attempts: 4 });
    failFor.clear();
    expect(await runner.retryParked('test.acknowledge-replies', parked!.eventId)).toBeNull();
    expect(await runner.parked()).toEqual([]);
    expect(await acknowledged()).toEqual([0, 2, 1]);
    await expect(runner.retryParked('test.acknowledge-replies', parked!.eventId)).rejects.toThrow(/No event/);
    await runner.stop();
  });

  it('tells how far behind the head a reactor is before it catches up', async () => {
    await appendReplies(5);
    const runner = new ReactorRunner(store, sql, [acknowledger(store)], { now: () => new Date(Date.now() + 90_000) });
    await runner.setup();
    const [status] = await runner.status();
    expect(status!.eventsBehind).toBe(5);
    expect(status!.checkpoint).toBeNull();
    expect(status!.secondsBehind).toBeGreaterThanOrEqual(90);
  });
});
