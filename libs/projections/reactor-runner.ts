import { comparePositions, formatPosition, type EventStore, type Position, type RecordedEvent, type SqlClient } from '#event-store';
import { readCheckpoint, setupCheckpoints, writeCheckpoint, writeCheckpoints, type CheckpointWrite } from './checkpoints.js';
import { EventBuffer } from './event-buffer.js';
import { listParkedEvents, parkEvent, requestedRetries, requestParkedRetry, setupParkedEvents, unparkEvent, type ParkedEvent } from './parked-events.js';
import { announceReactors, listReactors, recordLastError, RETRY_PARKED_CHANNEL, setupReactorDirectory } from './reactor-directory.js';
import type { Reactor } from './reactor.js';

export interface ReactorRunnerOptions {
  batchSize?: number;
  /** Attempts at one event before it is parked (the first try included). */
  maxAttempts?: number;
  /** Pause before the second attempt; it doubles with each further one. */
  retryDelayMs?: number;
  /** Called on every failed attempt and on every failure of the loop itself (which then resumes). */
  onError?: (reactor: string, error: unknown, event: RecordedEvent | null) => void;
  /** The instant lag is measured against (the platform's clock). */
  now?: () => Date;
  /** How long a retry of another process's reactor waits for that process's outcome. */
  remoteRetryWaitMs?: number;
}

/** How far a reactor is behind the log's head, as ADMIN sees it. */
export interface ReactorStatus {
  name: string;
  /** Its committed checkpoint ("commit/prepare"), null before its first. */
  checkpoint: string | null;
  /** Events it handles that are after its checkpoint (counted up to LAG_COUNT_LIMIT). */
  eventsBehind: number;
  /** Age of the oldest such event, 0 when caught up. */
  secondsBehind: number;
  parked: number;
  /** The last failure of the loop or of an attempt, null once an event has gone through since. */
  lastError: string | null;
}

/** Lag counts stop here: beyond it the figure says "at least". */
export const LAG_COUNT_LIMIT = 10_000;
const CHECKPOINT_EVERY_SKIPPED = 1_000;
const REMOTE_RETRY_POLL_MS = 50;

export class ParkedEventNotFound extends Error {
  override readonly name = 'ParkedEventNotFound';
}

interface Waiter {
  position: Position;
  resolve: () => void;
}

type Settings = Required<Omit<ReactorRunnerOptions, 'onError'>> & Pick<ReactorRunnerOptions, 'onError'>;

/**
 * The reactors' checkpoint writes of a process, coalesced: a reactor's checkpoint is not written with anything
 * else (its effects are appends of their own), so it needs no transaction of its own — one statement, committed
 * without waiting for the disk — and the writes asked for while one is in flight go together, as one multi-row
 * compare-and-set upsert, in the next. Each writer learns whether its row moved (false: another replica's
 * checkpoint was there first).
 */
class CheckpointWriter {
  private readonly queue: { write: CheckpointWrite; resolve: (moved: boolean) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly sql: SqlClient) {}

  write(write: CheckpointWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Those that finish their batch in the same turn of the event loop go in the first statement too.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // A loop waits for its write before its next batch: a name is in the queue once at most.
      const items = this.queue.splice(0);
      try {
        const written = await writeCheckpoints(this.sql, items.map((item) => item.write), { asyncCommit: true });
        for (const item of items) item.resolve(written.has(item.write.name));
      } catch (error) {
        for (const item of items) item.reject(error);
      }
    }
    this.flushing = false;
  }
}

/**
 * One reactor's loop: subscription → for each event it handles, the effect (retried with backoff, parked
 * after the last attempt) → the checkpoint, committed after the effects of its batch. A crash in between
 * replays the batch; the effects are idempotent, so each happens once.
 */
class ReactorLoop {
  position: Position | null = null;
  private checkpointed: Position | null = null;
  private error: string | null = null;
  private errorWrites: Promise<unknown> = Promise.resolve();
  private buffer: EventBuffer | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private skippedSinceCheckpoint = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly handled: Set<string>;

  constructor(
    readonly reactor: Reactor,
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly settings: Settings,
    private readonly checkpoints: CheckpointWriter,
  ) {
    this.handled = new Set(reactor.eventTypes);
  }

  /** The last failure of the loop or of an attempt, null once an event has gone through since. */
  get lastError(): string | null {
    return this.error;
  }

  /** Kept here and, when it changes, in the reactor directory, where ADMIN asking any process sees it. */
  set lastError(error: string | null) {
    if (error === this.error) return;
    this.error = error;
    this.errorWrites = this.errorWrites.then(() => recordLastError(this.sql, this.reactor.name, error)).catch(() => undefined);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.position = await readCheckpoint(this.sql, this.reactor.name);
    this.checkpointed = this.position;
    this.running = this.run();
  }

  handles(type: string): boolean {
    return this.handled.has(type);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.buffer = new EventBuffer(this.store.subscribe({ after: this.position, batchSize: this.settings.batchSize }), this.settings.batchSize * 2);
      try {
        for (;;) {
          const batch = await this.buffer.take(this.settings.batchSize);
          if (!batch || this.stopped) break;
          const relevant = batch.filter((event) => this.handled.has(event.type));
          if (relevant.length > 1 && (await this.handleBatch(relevant))) {
            this.advance(relevant[relevant.length - 1]!.position);
          } else {
            for (const event of relevant) {
              if (this.stopped) return;
              await this.handle(event);
              // Its effect is recorded (and every earlier event of the batch was handled or not this reactor's):
              // a read-your-writes wait in this process for it goes on now, not after the rest of the batch.
              // The checkpoint in the database, what a restart resumes from, still moves once per batch below.
              this.advance(event.position);
            }
          }
          const last = batch[batch.length - 1]!.position;
          this.skippedSinceCheckpoint += batch.length - relevant.length;
          // Checkpoint after every batch with an effect, so that others can wait on it (read-your-writes).
          if (relevant.length > 0 || this.skippedSinceCheckpoint >= CHECKPOINT_EVERY_SKIPPED) await this.commit(last);
          this.advance(last);
          failures = 0;
        }
      } catch (error) {
        failures += 1;
        this.lastError = describe(error);
        this.settings.onError?.(this.reactor.name, error, null);
      } finally {
        await this.buffer.close().catch(() => undefined);
      }
      // The loop never stops by itself: it resumes from the committed checkpoint after a growing pause.
      if (!this.stopped) {
        await this.resumeFromCheckpoint().catch(() => undefined);
        if (failures > 0) await pause(Math.min(30_000, this.settings.retryDelayMs * 2 ** failures));
      }
    }
  }

  /**
   * The effects of several events in one call, when the reactor offers it: true when it went through; false
   * (after reporting the error) to have them handled one by one, with retries and parking.
   */
  private async handleBatch(events: readonly RecordedEvent[]): Promise<boolean> {
    if (!this.reactor.reactBatch || this.stopped) return false;
    try {
      await this.reactor.reactBatch(events);
      this.lastError = null;
      return true;
    } catch (error) {
      this.lastError = describe(error);
      this.settings.onError?.(this.reactor.name, error, null);
      return false;
    }
  }

  /** The effect, retried with backoff; after the last attempt the event is parked with its error. */
  private async handle(event: RecordedEvent): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.reactor.react(event);
        this.lastError = null;
        return;
      } catch (error) {
        this.lastError = describe(error);
        this.settings.onError?.(this.reactor.name, error, event);
        if (attempt >= this.settings.maxAttempts) {
          await parkEvent(this.sql, this.reactor.name, event, describe(error), attempt);
          return;
        }
        await pause(this.settings.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private async commit(last: Position): Promise<void> {
    const moved = await this.checkpoints.write({ name: this.reactor.name, position: last, expected: this.checkpointed });
    this.skippedSinceCheckpoint = 0;
    // Another replica got further first: its effects are the same events' (idempotent), so follow its checkpoint.
    if (!moved) {
      await this.resumeFromCheckpoint();
      if (this.position && comparePositions(this.position, last) >= 0) return;
    }
    this.checkpointed = last;
  }

  private async resumeFromCheckpoint(): Promise<void> {
    const stored = await readCheckpoint(this.sql, this.reactor.name);
    this.checkpointed = stored;
    this.skippedSinceCheckpoint = 0;
    if (stored && (!this.position || comparePositions(stored, this.position) > 0)) this.advance(stored);
    else this.position = stored;
  }

  private advance(position: Position): void {
    this.position = position;
    for (const waiter of this.waiters) {
      if (comparePositions(position, waiter.position) >= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves once the checkpoint passes `position`, or at `signal`'s abort (whichever first). */
  waitFor(position: Position, signal: AbortSignal): Promise<void> {
    if (this.position && comparePositions(this.position, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      this.waiters.add(waiter);
      signal.addEventListener('abort', () => {
        this.waiters.delete(waiter);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.buffer?.close().catch(() => undefined);
    await this.running;
    this.running = null;
    if (this.skippedSinceCheckpoint > 0 && this.position) {
      const position = this.position;
      await this.sql.transaction((tx) => writeCheckpoint(tx, this.reactor.name, position, this.checkpointed)).catch(() => undefined);
    }
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }
}

/** Runs every reactor of the process, each on its own checkpoint. */
export class ReactorRunner {
  private readonly loops = new Map<string, ReactorLoop>();
  private readonly settings: Settings;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    reactors: readonly Reactor[],
    options: ReactorRunnerOptions = {},
  ) {
    this.settings = {
      // The projections' batch size too: subscriptions at one position with one page size share each read (SqlEventStore).
      batchSize: options.batchSize ?? 500,
      maxAttempts: options.maxAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 100,
      now: options.now ?? (() => new Date()),
      remoteRetryWaitMs: options.remoteRetryWaitMs ?? 10_000,
      onError: options.onError,
    };
    const checkpoints = new CheckpointWriter(sql);
    for (const reactor of reactors) {
      if (this.loops.has(reactor.name)) throw new Error(`Two reactors are named ${reactor.name}`);
      this.loops.set(reactor.name, new ReactorLoop(reactor, store, sql, this.settings, checkpoints));
    }
  }

  get names(): string[] {
    return [...this.loops.keys()];
  }

  has(name: string): boolean {
    return this.loops.has(name);
  }

  /** Between start() and stop(). */
  get running(): boolean {
    return this.started;
  }

  private started = false;
  private unlisten: (() => Promise<void>) | null = null;
  private retrying: Promise<void> = Promise.resolve();

  async start(): Promise<void> {
    await this.setup();
    await announceReactors(this.sql, [...this.loops.values()].map((loop) => loop.reactor));
    for (const loop of this.loops.values()) await loop.start();
    this.started = true;
    if (this.loops.size > 0) {
      this.unlisten = await this.sql.listen(RETRY_PARKED_CHANNEL, () => this.runRequestedRetries());
      this.runRequestedRetries(); // asked for while no process ran them
    }
  }

  /** Creates the checkpoint, parked-event and reactor-directory tables, without following the log. */
  async setup(): Promise<void> {
    await setupCheckpoints(this.sql);
    await setupParkedEvents(this.sql);
    await setupReactorDirectory(this.sql);
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
    await this.retrying;
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
  }

  /** Retries, one after the other, the parked events of this process's reactors that another process asked for. */
  private runRequestedRetries(): void {
    this.retrying = this.retrying
      .then(async () => {
        if (!this.started) return;
        for (const { reactor, eventId } of await requestedRetries(this.sql, this.names)) {
          await this.retryParked(reactor, eventId).catch((error: unknown) => this.settings.onError?.(reactor, error, null));
        }
      })
      .catch((error: unknown) => this.settings.onError?.('retry-parked', error, null));
  }

  /** Resolves once the named reactor (running here) has passed `position`, or when `signal` aborts. */
  waitFor(name: string, position: Position, signal: AbortSignal): Promise<void> {
    const loop = this.loops.get(name);
    if (!loop) throw new Error(`No reactor named ${name} runs in this process`);
    return loop.waitFor(position, signal);
  }

  /** Whether a reactor of that name runs in any process on this database (the directory has it). */
  async knows(name: string): Promise<boolean> {
    return this.loops.has(name) || (await listReactors(this.sql)).some((entry) => entry.name === name);
  }

  /** Parked events of every process's reactors. */
  async parked(eventId?: string): Promise<ParkedEvent[]> {
    const names = new Set([...this.names, ...(await listReactors(this.sql)).map((entry) => entry.name)]);
    return listParkedEvents(this.sql, [...names], eventId);
  }

  /**
   * Runs a parked event's reaction once more. Resolves to null when it went through (the event is unparked),
   * else to the new error (it stays parked, with one more attempt counted).
   */
  async retryParked(reactorName: string, eventId: string): Promise<string | null> {
    const loop = this.loops.get(reactorName);
    if (!loop) return this.retryElsewhere(reactorName, eventId);
    const [parked] = await listParkedEvents(this.sql, [reactorName], eventId);
    if (!parked) throw new ParkedEventNotFound(`No event ${eventId} is parked for ${reactorName}`);
    const event = (await this.store.readStream(parked.stream)).find((recorded) => recorded.id === eventId);
    if (!event) throw new ParkedEventNotFound(`Event ${eventId} is no longer in ${parked.stream}`);
    try {
      await loop.reactor.react(event);
    } catch (error) {
      await parkEvent(this.sql, reactorName, event, describe(error), 1);
      return describe(error);
    }
    await unparkEvent(this.sql, reactorName, eventId);
    return null;
  }

  /**
   * The reactor of another process: asks that process (a mark on the parked row and a NOTIFY) and waits, bounded,
   * for its outcome — the row gone (recorded) or more attempts counted (the new error).
   */
  private async retryElsewhere(reactorName: string, eventId: string): Promise<string | null> {
    const attempts = await requestParkedRetry(this.sql, reactorName, eventId);
    if (attempts === null) throw new ParkedEventNotFound(`No event ${eventId} is parked for ${reactorName}`);
    await this.sql.query('SELECT pg_notify($1, $2)', [RETRY_PARKED_CHANNEL, reactorName]);
    const deadline = Date.now() + this.settings.remoteRetryWaitMs;
    while (Date.now() < deadline) {
      await pause(REMOTE_RETRY_POLL_MS);
      const [parked] = await listParkedEvents(this.sql, [reactorName], eventId);
      if (!parked) return null;
      if (parked.attempts > attempts) return parked.error;
    }
    return `retry requested; the process running ${reactorName} did not answer within ${this.settings.remoteRetryWaitMs} ms (it retries when it runs)`;
  }

  /**
   * Each reactor's checkpoint, lag and parked count, from the database (as every replica sees it): the reactors
   * of every process (the directory), not only this one's — or this process's alone (its readiness details); a
   * reactor of another process shows the last error that process recorded.
   */
  async status(scope: 'every process' | 'this process' = 'every process'): Promise<ReactorStatus[]> {
    const parked = await this.parked();
    const local = new Map([...this.loops.values()].map((loop) => [loop.reactor.name, loop]));
    const entries = new Map(scope === 'this process' ? [] : (await listReactors(this.sql)).map((entry) => [entry.name, entry]));
    for (const loop of local.values()) entries.set(loop.reactor.name, { name: loop.reactor.name, eventTypes: [...loop.reactor.eventTypes], lastError: loop.lastError });
    const statuses: ReactorStatus[] = [];
    for (const entry of [...entries.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const handled = new Set(entry.eventTypes);
      const checkpoint = await readCheckpoint(this.sql, entry.name);
      const ahead = await this.store.readAll({ after: checkpoint, maxCount: LAG_COUNT_LIMIT });
      const behind = ahead.filter((event) => handled.has(event.type));
      const oldest = behind[0];
      statuses.push({
        name: entry.name,
        checkpoint: checkpoint ? formatPosition(checkpoint) : null,
        eventsBehind: behind.length,
        secondsBehind: oldest ? Math.max(0, (this.settings.now().getTime() - new Date(oldest.recordedAt).getTime()) / 1000) : 0,
        parked: parked.filter((event) => event.reactor === entry.name).length,
        lastError: local.get(entry.name)?.lastError ?? entry.lastError,
      });
    }
    return statuses;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
