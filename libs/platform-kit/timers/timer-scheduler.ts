import type { AppendResult, SqlClient } from '#event-store';
import type { ProjectionRunner } from '#projections';
import { ManualClock, type Clock } from '../clock/clock.js';
import { badUserInput } from '#contracts';
import { recordManualClock, setupManualClock } from '../clock/manual-clock.store.js';
import { markTimerFired, nextPendingTimer, parkTimer, setupTimers, TIMERS_CHANNEL, type Timer } from './timer-store.js';

/**
 * Fires a timer: appends what its due time means (a warning, a breach, a missed check) with event ids
 * derived from the timer, so firing twice records once. Returns the append, or null when nothing applies.
 */
export type TimerHandler = (timer: Timer, firedAt: Date) => Promise<AppendResult | null>;

const MAX_SLEEP_MS = 60_000;
/** A handler is tried this often, with a short pause between tries, before its timer is parked. */
const ATTEMPTS = 3;
const RETRY_PAUSE_MS = 100;

export interface TimerSchedulerOptions {
  /** How long one try of a handler may take before it counts as failed (the loop moves on). */
  handlerTimeoutMs?: number;
  onError?: (timer: Timer, error: unknown, parked: boolean) => void;
}

class TimerHandlerTimeout extends Error {
  constructor(ms: number) {
    super(`the handler did not finish within ${ms} ms`);
  }
}
const VACUUM_EVERY_FIRES = 10_000;

/** Where a process that moves the manual clock says so (payload: the ISO instant). */
export const MANUAL_CLOCK_CHANNEL = 'ledgerdesk_manual_clock';

export class TimerScheduler {
  private readonly handlers = new Map<string, TimerHandler>();
  private stopped = true;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  /** Set by a wake that found nobody asleep, so a schedule change made mid-iteration is not missed. */
  private woken = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private advancing: Promise<unknown> = Promise.resolve();
  private firedSinceVacuum = 0;

  private readonly handlerTimeoutMs: number;
  private readonly onError: NonNullable<TimerSchedulerOptions['onError']>;

  constructor(
    private readonly sql: SqlClient,
    private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
    options: TimerSchedulerOptions = {},
  ) {
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.onError = options.onError ?? (() => undefined);
  }

  register(kind: string, handler: TimerHandler): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for timer kind ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  async setup(): Promise<void> {
    await setupTimers(this.sql);
    if (this.clock.kind === 'manual') await setupManualClock(this.sql);
  }

  /** On the system clock, fires timers as they fall due (within a second); a manual clock waits for advanceTo. */
  async start(): Promise<void> {
    await this.setup();
    if (this.clock.kind === 'manual') {
      // Another process moved the shared manual clock (advanceClock is served by one process of a split
      // deployment): follow it, firing this process's own due timers on the way.
      this.unlisten = await this.sql.listen(MANUAL_CLOCK_CHANNEL, (payload) => this.follow(payload));
      return;
    }
    this.stopped = false;
    this.unlisten = await this.sql.listen(TIMERS_CHANNEL, () => this.wake());
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      try {
        const now = this.clock.now();
        const next = await nextPendingTimer(this.sql, [...this.handlers.keys()]);
        if (next && next.dueAt <= now) {
          await this.fire(next, now);
          continue;
        }
        await this.sleep(next ? Math.min(next.dueAt.getTime() - now.getTime(), MAX_SLEEP_MS) : MAX_SLEEP_MS);
      } catch {
        await this.sleep(1_000);
      }
    }
  }

  /**
   * Manual clock: moves to `to`, firing every timer due on the way in time order — including timers that
   * firing schedules at or before `to` — and returns once the read models reflect it all.
   */
  advanceTo(to: Date): Promise<Date> {
    const run = this.advancing.then(() => this.advanceSerially(to));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async advanceSerially(to: Date): Promise<Date> {
    const clock = this.clock;
    if (!(clock instanceof ManualClock)) throw badUserInput('advanceClock needs LEDGERDESK_CLOCK=manual', 'to');
    if (to < clock.now()) throw badUserInput(`The clock is at ${clock.now().toISOString()}; it cannot move back`, 'to');
    for (;;) {
      const next = await nextPendingTimer(this.sql, [...this.handlers.keys()], to);
      if (!next) break;
      if (next.dueAt > clock.now()) await this.moveClock(clock, next.dueAt);
      await this.fire(next, clock.now());
      // PGlite runs in this thread: let HTTP and other timers breathe between fires of a long catch-up.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.moveClock(clock, to);
    await this.sql.query('SELECT pg_notify($1, $2)', [MANUAL_CLOCK_CHANNEL, to.toISOString()]);
    return clock.now();
  }

  /** A NOTIFY of the manual clock's new instant (its own, too, then already there): catch up if it is later. */
  private follow(payload: string): void {
    const to = new Date(payload);
    if (Number.isNaN(to.getTime()) || to <= this.clock.now()) return;
    // Reported as a pseudo-timer: the catch-up failed before any of this process's timers was tried.
    this.advanceTo(to).catch((error: unknown) => this.onError({ id: `manual-clock:${payload}`, kind: 'manual-clock', dueAt: to, payload: {} }, error, false));
  }

  /** Recorded before anything happens at the new instant, so a restart never resumes before a recorded fact. */
  private async moveClock(clock: ManualClock, to: Date): Promise<void> {
    await recordManualClock(this.sql, to);
    clock.set(to);
  }

  /**
   * Runs the timer's handler — each try bounded in time — and marks it fired; after the last failed try the
   * timer is parked with its error instead (listed for an ADMIN, who can retry it), and the loop goes on.
   */
  private async fire(timer: Timer, now: Date): Promise<void> {
    const handler = this.handlers.get(timer.kind);
    let failure: unknown = null;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const appended = handler ? await this.bounded(handler(timer, now)) : null;
        // What firing appended may schedule further timers: let the projections record them first.
        if (appended) await this.bounded(this.projections.waitFor(appended.position));
        failure = null;
        break;
      } catch (error) {
        failure = error;
        this.onError(timer, error, attempt === ATTEMPTS);
        if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * attempt));
      }
    }
    if (failure === null) await markTimerFired(this.sql, timer, now);
    else await parkTimer(this.sql, timer, now, failure instanceof Error ? failure.message : String(failure), ATTEMPTS);
    // PGlite has no autovacuum: dead index entries of fired timers would slow the next-timer lookup.
    if (this.sql.kind === 'pglite' && ++this.firedSinceVacuum >= VACUUM_EVERY_FIRES) {
      this.firedSinceVacuum = 0;
      await this.sql.exec('VACUUM platform.timers').catch(() => undefined);
    }
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    let deadline: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new TimerHandlerTimeout(this.handlerTimeoutMs)), this.handlerTimeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(deadline));
  }

  private wake(): void {
    this.woken = true;
    const sleeper = this.sleeper;
    this.sleeper = null;
    if (sleeper) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.sleeper = { timer: setTimeout(() => this.wake(), Math.max(0, ms)), resolve };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.unlisten?.();
  }
}
