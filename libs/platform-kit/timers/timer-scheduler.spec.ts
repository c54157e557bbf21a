import { v5 as uuidv5 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PgliteClient, SqlEventStore, type RecordedEvent } from '#event-store';
import { ProjectionRunner, type Projection } from '#projections';
import { testEvent } from '../../event-store/testing/event-fixtures.js';
import { openTestPglite } from '../../event-store/testing/test-pglite.js';
import { ManualClock } from '../clock/clock.js';
import { TimerScheduler } from './timer-scheduler.js';
import { parkedTimers, scheduleTimer, unparkTimer } from './timer-store.js';

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

  it("leaves timers of kinds it has no handler for to the process that has one (the split deployment shares the table)", async () => {
    const due = new Date('2026-02-13T09:05:00Z');
    await scheduleTimer(sql, { id: 'other:1', kind: 'other', dueAt: due, payload: {} });
    await scheduler.advanceTo(new Date('2026-02-13T09:10:00Z'));
    const pending = await sql.query<{ fired_at: Date | null }>('SELECT fired_at FROM platform.timers WHERE id = $1', ['other:1']);
    expect(pending[0]!.fired_at).toBeNull();

    const fired: string[] = [];
    const otherProcess = new TimerScheduler(sql, clock, runner);
    otherProcess.register('other', async (timer) => {
      fired.push(timer.id);
      return null;
    });
    await otherProcess.advanceTo(new Date('2026-02-13T09:10:00Z'));
    expect(fired).toEqual(['other:1']);
  });

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

describe('timers whose handler fails or hangs', () => {
  let sql: PgliteClient;
  let runner: ProjectionRunner;
  let clock: ManualClock;
  let scheduler: TimerScheduler;
  const fired: string[] = [];
  let brokenKindFixed = false;
  const errors: { timer: string; parked: boolean }[] = [];

  beforeEach(async () => {
    sql = await openTestPglite();
    clock = new ManualClock(new Date('2026-02-13T09:00:00Z'));
    const store = await SqlEventStore.open(sql, { ownsClient: false, now: () => clock.now() });
    runner = new ProjectionRunner(store, sql, []);
    await runner.start();
    fired.length = 0;
    errors.length = 0;
    brokenKindFixed = false;
    scheduler = new TimerScheduler(sql, clock, runner, { handlerTimeoutMs: 50, onError: (timer, _error, parked) => errors.push({ timer: timer.id, parked }) });
    scheduler.register('ok', async (timer) => (fired.push(timer.id), null));
    scheduler.register('broken', async (timer) => {
      if (!brokenKindFixed) throw new Error('the account was deleted');
      fired.push(timer.id);
      return null;
    });
    scheduler.register('hangs', () => new Promise(() => undefined));
    await scheduler.start();
    const at = (minute: number) => new Date(Date.UTC(2026, 1, 13, 9, minute));
    await sql.transaction(async (tx) => {
      await scheduleTimer(tx, { id: 'broken:1', kind: 'broken', dueAt: at(1), payload: {} });
      await scheduleTimer(tx, { id: 'hangs:1', kind: 'hangs', dueAt: at(2), payload: {} });
      await scheduleTimer(tx, { id: 'ok:1', kind: 'ok', dueAt: at(3), payload: {} });
    });
  });
  afterEach(async () => {
    await runner.stop();
    await sql.close();
  });

  it('parks a timer after its tries fail or time out, with the error, and goes on to the next', async () => {
    await scheduler.advanceTo(new Date('2026-02-13T10:00:00Z'));
    expect(fired).toEqual(['ok:1']);
    const parked = await parkedTimers(sql);
    expect(parked.map((timer) => [timer.id, timer.error, timer.attempts])).toEqual([
      ['broken:1', 'the account was deleted', 3],
      ['hangs:1', 'the handler did not finish within 50 ms', 3],
    ]);
    expect(errors.filter((error) => error.parked).map((error) => error.timer)).toEqual(['broken:1', 'hangs:1']);
    // Parked timers are out of the queue: advancing again fires nothing more.
    await scheduler.advanceTo(new Date('2026-02-13T11:00:00Z'));
    expect(fired).toEqual(['ok:1']);
  });

  it('fires a parked timer again once it is retried', async () => {
    await scheduler.advanceTo(new Date('2026-02-13T10:00:00Z'));
    brokenKindFixed = true;
    expect(await unparkTimer(sql, 'broken:1')).toBe(true);
    expect(await unparkTimer(sql, 'ok:1')).toBe(false); // fired normally: nothing to retry
    await scheduler.advanceTo(new Date('2026-02-13T10:01:00Z'));
    expect(fired).toEqual(['ok:1', 'broken:1']);
    expect((await parkedTimers(sql)).map((timer) => timer.id)).toEqual(['hangs:1']);
  });
});
