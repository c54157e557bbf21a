import { performance } from 'node:perf_hooks';
import { v5 as uuidv5 } from 'uuid';
import { PgliteClient, PostgresClient, SqlEventStore, type RecordedEvent, type SqlClient, type SqlExecutor } from '#event-store';
import { ManualClock, TimerScheduler, type Timer } from '#platform-kit';
import { ProjectionRunner, type Projection } from '#projections';
import { random } from './histories.js';
import { maxRssMiB, RssSampler } from './rss.js';

/**
 * The timer scheduler alone, at scale: `clocks` open SLA clocks on one PGlite (in memory), each with a breach
 * timer in platform.timers (as the SLA projection writes them), 90 % due within the next two days and 10 %
 * after (controls: they must not fire). A handler appends one SlaClockBreached per timer (event id derived
 * from the timer, as the SLA context does) and a projection records it, so each fire costs what the
 * platform's does minus the engine call: find the next timer, append, wait for the read model, mark fired.
 * Then the manual clock advances two days and every due timer must fire exactly once.
 */
export interface TimerScalingResult {
  clocks: number;
  due: number;
  fired: number;
  breachEvents: number;
  distinctBreaches: number;
  projectedRows: number;
  seedMs: number;
  advanceMs: number;
  msPerFire: number;
  /** ms per fire over each tenth of the run, in order (warm-up; does it slow down as fired rows pile up?). */
  tenthsMsPerFire: number[];
  /** ms per fire over the middle 80 % (no warm-up, no tail). */
  steadyMsPerFire: number;
  peakRssMiB: number;
  maxRssMiB: number;
  heapUsedMiB: number;
  /** Where the memory is: ArrayBuffers (PGlite's in-memory files live there), the database and its WAL. */
  arrayBuffersMiB: number;
  databaseMiB: number;
  walMiB: number;
  maxWalSize: string;
  /** Shared buffers the scheduler's "next pending timer" query touches at the end, and after a VACUUM. */
  nextTimerBuffers: number;
  nextTimerBuffersAfterVacuum: number;
}

const NAMESPACE = '0b8a3d52-5f0e-4c6b-9a55-3e1f2c7d9b10';
const START = new Date('2026-03-09T00:00:00Z');
const TWO_DAYS_MS = 2 * 86_400_000;
const SEED_CHUNK = 5_000;

const breachesProjection: Projection = {
  name: 'bench.breaches',
  eventTypes: ['SlaClockBreached'],
  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS bench');
    await sql.query('CREATE TABLE IF NOT EXISTS bench.breaches (ticket_id text, metric text, cycle int, breached_at timestamptz, PRIMARY KEY (ticket_id, metric, cycle))');
  },
  async reset(tx) {
    await tx.query('DELETE FROM bench.breaches');
  },
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const event of events) {
      const d = event.data as { ticketId: string; metric: string; cycle: number; breachedAt: string };
      await tx.query('INSERT INTO bench.breaches VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [d.ticketId, d.metric, d.cycle, d.breachedAt]);
    }
  },
};

export async function timerScaling(clocks: number, withProjection: boolean, log: (message: string) => void): Promise<TimerScalingResult> {
  const sampler = new RssSampler();
  const clock = new ManualClock(START);
  // PostgreSQL when DATABASE_URL is set (its own schemas are dropped first: use a throwaway database).
  const databaseUrl = process.env.DATABASE_URL;
  const sql: SqlClient = databaseUrl ? new PostgresClient({ connectionString: databaseUrl }) : await PgliteClient.open();
  if (databaseUrl) {
    await sql.exec('DROP SCHEMA IF EXISTS event_store CASCADE; DROP SCHEMA IF EXISTS platform CASCADE; DROP SCHEMA IF EXISTS projections CASCADE; DROP SCHEMA IF EXISTS bench CASCADE;');
  }
  const store = await SqlEventStore.open(sql, { ownsClient: false, now: () => clock.now() });
  const runner = new ProjectionRunner(store, sql, withProjection ? [breachesProjection] : []);
  await runner.start();
  const scheduler = new TimerScheduler(sql, clock, runner, { onError: (timer, error) => log(`timer ${timer.id} failed: ${String(error)}`) });

  const fireTimes = new Float64Array(clocks);
  let fires = 0;
  scheduler.register('sla.breach', async (timer: Timer, firedAt: Date) => {
    if (fires < fireTimes.length) fireTimes[fires] = performance.now();
    fires++;
    // (A setInterval would not get a turn: PGlite's promises keep the loop in microtasks.)
    if (fires % 20_000 === 0) log(`  … ${fires.toLocaleString('en-US')} fired`);
    const { ticketId, metric, cycle } = timer.payload as { ticketId: string; metric: string; cycle: number };
    return store.append(
      `sla-${ticketId}`,
      [
        {
          id: uuidv5(timer.id, NAMESPACE),
          type: 'SlaClockBreached',
          data: { ticketId, accountId: 'acct-1', metric, cycle, dueAt: timer.dueAt.toISOString(), breachedAt: timer.dueAt.toISOString() },
          metadata: { occurredAt: firedAt.toISOString(), actor: { id: 'sla-engine', role: 'ADMIN' }, correlationId: timer.id, causationId: null, schemaVersion: 1 },
        },
      ],
      'any',
    );
  });
  await scheduler.start();

  // Seed platform.timers in bulk, as the SLA projection would have left them.
  const next = random(clocks);
  const seedStarted = performance.now();
  let due = 0;
  for (let from = 0; from < clocks; from += SEED_CHUNK) {
    const rows = [];
    for (let i = from; i < Math.min(clocks, from + SEED_CHUNK); i++) {
      const isDue = next() < 0.9;
      if (isDue) due++;
      const dueAt = new Date(START.getTime() + 60_000 + Math.floor(next() * (isDue ? TWO_DAYS_MS - 60_000 : TWO_DAYS_MS)) + (isDue ? 0 : TWO_DAYS_MS));
      const metric = i % 2 === 0 ? 'FIRST_RESPONSE' : 'RESOLUTION';
      rows.push({ id: `sla:breach:t-${i}:${metric}:1`, kind: 'sla.breach', due_at: dueAt.toISOString(), payload: { ticketId: `t-${i}`, metric, cycle: 1 } });
    }
    await sql.query(
      `INSERT INTO platform.timers (id, kind, due_at, payload)
       SELECT id, kind, due_at, payload FROM jsonb_to_recordset($1::jsonb) AS x(id text, kind text, due_at timestamptz, payload jsonb)`,
      [JSON.stringify(rows)],
    );
  }
  await sql.query('ANALYZE platform.timers');
  const seedMs = performance.now() - seedStarted;
  log(`${clocks.toLocaleString('en-US')} clocks seeded (${due.toLocaleString('en-US')} due within two days) in ${(seedMs / 1000).toFixed(1)} s; advancing two days`);

  const advanceStarted = performance.now();
  await scheduler.advanceTo(new Date(START.getTime() + TWO_DAYS_MS));
  const advanceMs = performance.now() - advanceStarted;

  const [timers] = await sql.query<{ fired: number }>('SELECT count(*)::int AS fired FROM platform.timers WHERE fired_at IS NOT NULL');
  const [events] = await sql.query<{ total: number; distinct: number }>(
    `SELECT count(*)::int AS total, count(DISTINCT stream)::int AS distinct FROM event_store.events WHERE type = 'SlaClockBreached'`,
  );
  const [rows] = withProjection ? await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM bench.breaches') : [{ n: -1 }];
  const [sizes] = await sql.query<{ db: number; wal: number; max_wal: string }>(
    `SELECT pg_database_size(current_database())::float8 AS db, (SELECT coalesce(sum(size), 0) FROM pg_ls_waldir())::float8 AS wal, current_setting('max_wal_size') AS max_wal`,
  );
  const nextTimerBuffers = async () => {
    const [plan] = await sql.query<{ 'QUERY PLAN': { Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }[] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT id FROM platform.timers WHERE fired_at IS NULL ORDER BY due_at, id LIMIT 1`,
    );
    const top = plan!['QUERY PLAN'][0]!.Plan;
    return top['Shared Hit Blocks'] + top['Shared Read Blocks'];
  };
  const buffersBefore = await nextTimerBuffers();
  await sql.query('VACUUM platform.timers');
  const buffersAfter = await nextTimerBuffers();
  const tenth = Math.max(1, Math.floor(Math.min(fires, fireTimes.length) / 10));
  const span = (from: number, to: number) => (fireTimes[Math.min(to, fires - 1)]! - fireTimes[from]!) / Math.max(1, Math.min(to, fires - 1) - from);
  const result: TimerScalingResult = {
    clocks,
    due,
    fired: timers!.fired,
    breachEvents: events!.total,
    distinctBreaches: events!.distinct,
    projectedRows: rows!.n,
    seedMs,
    advanceMs,
    msPerFire: advanceMs / Math.max(1, fires),
    tenthsMsPerFire: Array.from({ length: 10 }, (_, i) => span(i * tenth, (i + 1) * tenth)),
    steadyMsPerFire: span(tenth, fires - tenth - 1),
    peakRssMiB: sampler.stop(),
    maxRssMiB: maxRssMiB(),
    heapUsedMiB: process.memoryUsage().heapUsed / 1024 / 1024,
    arrayBuffersMiB: process.memoryUsage().arrayBuffers / 1024 / 1024,
    databaseMiB: sizes!.db / 1024 / 1024,
    walMiB: sizes!.wal / 1024 / 1024,
    maxWalSize: sizes!.max_wal,
    nextTimerBuffers: buffersBefore,
    nextTimerBuffersAfterVacuum: buffersAfter,
  };
  await scheduler.stop();
  await runner.stop();
  await sql.close();
  return result;
}
