import { v5 as uuidv5 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PgliteClient, SqlEventStore, type RecordedEvent } from '#event-store';
import { ProjectionRunner, type Projection } from '#projections';
import { testEvent } from '../../event-store/testing/event-fixtures.js';
import { openTestPglite } from '../../event-store/testing/test-pglite.js';
import { ManualClock } from '../clock/clock.js';
import { TimerScheduler } from './timer-scheduler.js';
import { scheduleTimer } from './timer-store.js';

const NAMESPACE = '6f1c3f0e-3c1b-4b8e-9d3c-0a4f2d1e5b7a';

/** Every "Ping" reschedules itself `everyMinutes` later until `until`, like a recurring check-in. */
function pingScheduler(everyMinutes: number, until: Date): Projection {
  return {
    name: 'test.pings',
    eventTypes: ['PingRequested', 'Pinged'],
    async setup() {},
    async reset() {},
    async apply(events: readonly RecordedEvent[], tx) {
      for (const event of events) {
        const at = new Date((event.data as { at: string }).at);
        const next = new Date(at.getTime() + (event.type === 'Pinged' ? everyMinutes * 60_000 : 0));
        if (next <= until) await scheduleTimer(tx, { id: `ping:${next.toISOString()}`, kind: 'ping', dueAt: next, payload: {} });
      }
    },
  };
}

describe('timers on a manual clock', () => {
  let sql: PgliteClient;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  let clock: ManualClock;
  let scheduler: TimerScheduler;
  const start = new Date('2026-02-13T09:00:00Z');
  const until = new Date('2026-02-13T10:00:00Z');

  beforeEach(async () => {
    sql = await openTestPglite();
    clock = new ManualClock(start);
    store = await SqlEventStore.open(sql, { ownsClient: false, now: () => clock.now() });
    runner = new ProjectionRunner(store, sql, [pingScheduler(15, until)]);
    await runner.start();
    scheduler = new TimerScheduler(sql, clock, runner);
    scheduler.register('ping', async (timer, firedAt) =>
      store.append('pings', [{ ...testEvent('Pinged', { at: firedAt.toISOString() }, uuidv5(timer.id, NAMESPACE)) }], 'any'),
    );
    await scheduler.start();
  });
  afterEach(async () => {
    await runner.stop();
    await sql.close();
  });

  async function pings() {
    return (await store.readStream('pings')).filter((e) => e.type === 'Pinged').map((e) => (e.data as { at: string }).at);
  }

  it('fires, in time order, every timer due up to `to`, including those that firing schedules', async () => {
    const requested = await store.append('pings', [testEvent('PingRequested', { at: '2026-02-13T09:10:00.000Z' })], 'any');
    await runner.waitFor(requested.position);
    const reached = await scheduler.advanceTo(new Date('2026-02-13T09:45:00Z'));
    expect(reached.toISOString()).toBe('2026-02-13T09:45:00.000Z');
    expect(await pings()).toEqual(['2026-02-13T09:10:00.000Z', '2026-02-13T09:25:00.000Z', '2026-02-13T09:40:00.000Z']);
    expect(clock.now().toISOString()).toBe('2026-02-13T09:45:00.000Z');

    await scheduler.advanceTo(new Date('2026-02-13T12:00:00Z'));
    expect(await pings()).toHaveLength(4); // 09:55 is the last before `until`
  });

  it('records a timer fired twice once (deterministic event ids)', async () => {
    const id = 'ping:2026-02-13T09:05:00.000Z';
    await sql.transaction((tx) => scheduleTimer(tx, { id, kind: 'ping', dueAt: new Date('2026-02-13T09:05:00Z'), payload: {} }));
    await scheduler.advanceTo(new Date('2026-02-13T09:06:00Z'));
    // The same timer scheduled again at the same instant (a replayed projection would do this) fires again…
    await sql.transaction((tx) => scheduleTimer(tx, { id, kind: 'ping', dueAt: new Date('2026-02-13T09:06:00Z'), payload: {} }));
    await scheduler.advanceTo(new Date('2026-02-13T09:07:00Z'));
    // …but its event id is the same, so the log holds it once.
    expect((await store.readStream('pings')).filter((e) => e.id === uuidv5(id, NAMESPACE))).toHaveLength(1);
  });

  it('refuses to move the clock backwards', async () => {
    await expect(scheduler.advanceTo(new Date('2026-02-13T08:00:00Z'))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(clock.now()).toEqual(start);
  });
});
