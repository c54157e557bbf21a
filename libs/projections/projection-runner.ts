import { performance } from 'node:perf_hooks';
import { comparePositions, type EventStore, type Position, type RecordedEvent, type SqlClient } from '#event-store';
import { deleteCheckpoint, readCheckpoint, readCheckpoints, setupCheckpoints, writeCheckpoint, writeCheckpoints } from './checkpoints.js';
import { EventBuffer } from './event-buffer.js';
import type { Projection } from './projection.js';
import { withSchemaLock } from './schema-lock.js';

export interface ProjectionRunnerOptions {
  batchSize?: number;
  /** Called when a batch fails; the projection retries it after a growing pause. */
  onError?: (projection: string, error: unknown) => void;
  /** How long `waitFor` waits before giving up (read-your-writes is bounded). */
  waitTimeoutMs?: number;
  /** Events read per page (and applied per transaction) while rebuilding. */
  rebuildPageSize?: number;
}

/** What a rebuild did, per projection: events it handled and the time spent in its transactions. */
export interface RebuildReport {
  events: number;
  ms: number;
  projections: Record<string, { handled: number; busyMs: number }>;
}

/** Events a projection may pass over without recording its checkpoint. */
const CHECKPOINT_EVERY_SKIPPED = 1_000;
/** The same while rebuilding, where pages are large and a checkpoint-only transaction per page is waste. */
const REBUILD_CHECKPOINT_EVERY_SKIPPED = 200_000;
/** Failed batches in a row, blamed on one projection's `apply`, after which it leaves the group (see ProjectionGroup). */
const DETACH_AFTER_FAILURES = 3;

type Settings = Required<Omit<ProjectionRunnerOptions, 'onError'>> & Pick<ProjectionRunnerOptions, 'onError'>;

export class ProjectionWaitTimeout extends Error {
  override readonly name = 'ProjectionWaitTimeout';
}

interface Waiter {
  position: Position;
  resolve: () => void;
}

/** Another process applied these events first (it moved the checkpoint): this batch is rolled back. */
class CheckpointMoved extends Error {
  override readonly name = 'CheckpointMoved';
}

/** A projection's `apply` failed inside the shared transaction of a batch: which one, and why. */
class ApplyFailed extends Error {
  override readonly name = 'ApplyFailed';
  constructor(
    readonly loop: ProjectionLoop,
    override readonly cause: unknown,
  ) {
    super(`${loop.projection.name}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** A pause that `wake()` ends early (a stop, or a change waiting for the loop). */
class Pause {
  private wakeUp: (() => void) | null = null;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wakeUp === done) self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }
  wake(): void {
    this.wakeUp?.();
  }
}

/**
 * One projection: how far it got (in memory and as committed), who waits for it, and — only while it is
 * detached from the group after repeated failures — its own catch-up loop (subscription → one transaction
 * per batch with its checkpoint), with a growing pause between failed batches.
 */
class ProjectionLoop {
  position: Position | null = null;
  /** The checkpoint as this projection last read or wrote it: its writes are compare-and-set against it. */
  checkpointed: Position | null = null;
  /** Events read since start (for progress reports). */
  processed = 0;
  skippedSinceCheckpoint = 0;
  private buffer: EventBuffer | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly pause = new Pause();
  private readonly waiters = new Set<Waiter>();
  private readonly handled: Set<string>;

  constructor(
    readonly projection: Projection,
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly options: Settings,
  ) {
    this.handled = new Set(projection.eventTypes);
  }

  /** Where it starts from: its committed checkpoint. */
  load(stored: Position | null): void {
    this.checkpointed = stored;
    this.skippedSinceCheckpoint = 0;
    if (stored && (!this.position || comparePositions(stored, this.position) > 0)) this.advance(stored);
    else this.position = stored;
  }

  /** Its own loop (detached from the group); `onHealthy` is called after its first batch that went through. */
  async start(onHealthy?: () => void): Promise<void> {
    this.stopped = false;
    this.load(await readCheckpoint(this.sql, this.projection.name));
    this.running = this.run(onHealthy);
  }

  private async run(onHealthy?: () => void): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.buffer = new EventBuffer(this.store.subscribe({ after: this.position, batchSize: this.options.batchSize }), this.options.batchSize * 2);
      try {
        for (;;) {
          const batch = await this.buffer.take(this.options.batchSize);
          if (!batch || this.stopped) break;
          const last = batch[batch.length - 1]!.position;
          const relevant = batch.filter((event) => this.handled.has(event.type));
          const skipped = this.skippedSinceCheckpoint + batch.length;
          // A batch of nothing this projection handles changes no rows: its checkpoint can wait (a restart
          // re-reads those events and skips them again), which spares a transaction per batch.
          if (relevant.length > 0 || skipped >= CHECKPOINT_EVERY_SKIPPED) {
            // Two processes running this projection on one database: the checkpoint decides which batch counts.
            await this.sql.transaction(async (tx) => {
              if (relevant.length > 0) await this.projection.apply(relevant, tx);
              if (!(await writeCheckpoint(tx, this.projection.name, last, this.checkpointed))) throw new CheckpointMoved(this.projection.name);
            });
            this.checkpointed = last;
            this.skippedSinceCheckpoint = 0;
          } else {
            this.skippedSinceCheckpoint = skipped;
          }
          this.processed += batch.length;
          this.advance(last);
          failures = 0;
          if (onHealthy) {
            const healthy = onHealthy;
            onHealthy = undefined;
            healthy();
          }
        }
      } catch (error) {
        if (error instanceof CheckpointMoved) {
          // Not a failure: continue from where the other process got (its rows are already there).
          await this.resumeFromCheckpoint();
          continue;
        }
        failures += 1;
        this.options.onError?.(this.projection.name, error);
      } finally {
        await this.buffer.close().catch(() => undefined);
      }
      // A failed batch was rolled back: resume from the last committed checkpoint after a pause.
      if (!this.stopped && failures > 0) {
        await this.resumeFromCheckpoint().catch(() => undefined);
        await this.pause.sleep(backoff(failures));
      }
    }
  }

  private async resumeFromCheckpoint(): Promise<void> {
    this.load(await readCheckpoint(this.sql, this.projection.name));
  }

  advance(position: Position): void {
    this.position = position;
    for (const waiter of this.waiters) {
      if (comparePositions(position, waiter.position) >= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  handles(type: string): boolean {
    return this.handled.has(type);
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  reached(position: Position): boolean {
    return this.position !== null && comparePositions(this.position, position) >= 0;
  }

  waitFor(position: Position): Promise<void> {
    if (this.reached(position)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ position, resolve }));
  }

  /** Stops its own loop, recording how far it got (so a restart does not re-read what it passed over). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await this.buffer?.close().catch(() => undefined);
    await this.running;
    this.running = null;
    if (this.skippedSinceCheckpoint > 0 && this.position) {
      const position = this.position;
      await this.sql.transaction((tx) => writeCheckpoint(tx, this.projection.name, position, this.checkpointed)).catch(() => undefined);
      this.skippedSinceCheckpoint = 0;
    }
  }
}

/**
 * Every projection of the process on one subscription, one transaction per batch: each projection applies
 * the events it handles after its own checkpoint, and one multi-row compare-and-set upsert moves the
 * checkpoints of those that applied something (or passed CHECKPOINT_EVERY_SKIPPED events since their last).
 * A batch is thus BEGIN, the projections' own statements, one checkpoint statement and COMMIT — instead of
 * those four round trips for every projection with an event in it, each on its own subscription.
 *
 * - Several processes on one database: a checkpoint another process moved makes the whole batch roll back;
 *   the group re-reads the checkpoints and goes on from them (the other's rows are there).
 * - Projections at different checkpoints (one rebuilt, one new): the subscription starts at the earliest,
 *   and each projection skips the events up to its own.
 * - A failing projection: the batch rolls back and is retried after a growing pause; a projection whose
 *   `apply` fails DETACH_AFTER_FAILURES times in a row is detached — it runs its own loop (retrying with
 *   backoff, as before the group) so that it holds none of the others back — and rejoins the group once a
 *   batch of its own went through.
 */
class ProjectionGroup {
  private members: ProjectionLoop[] = [];
  private readonly detached = new Set<ProjectionLoop>();
  private readonly failuresOf = new Map<ProjectionLoop, number>();
  private readonly changes: (() => Promise<void>)[] = [];
  private buffer: EventBuffer | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly pause = new Pause();

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly options: Settings,
  ) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  async start(loops: readonly ProjectionLoop[]): Promise<void> {
    await this.load(loops);
    this.members = [...loops];
    this.stopped = false;
    this.running = this.run();
  }

  private async load(loops: readonly ProjectionLoop[]): Promise<void> {
    const stored = await readCheckpoints(this.sql, loops.map((loop) => loop.projection.name));
    for (const loop of loops) loop.load(stored.get(loop.projection.name) ?? null);
  }

  /** Runs `change` between two batches: the loop finishes the batch it is in, or stops waiting for events. */
  private between<T>(change: () => Promise<T>): Promise<T> {
    if (!this.running) return change();
    return new Promise<T>((resolve, reject) => {
      this.changes.push(() => change().then(resolve, reject));
      this.pause.wake();
      void this.buffer?.close().catch(() => undefined);
    });
  }

  /**
   * Holds the group between two batches until the returned `resume` is called (resolves once held): no read
   * model of the group moves meanwhile. For maintenance and for tests of what a slow read model does.
   */
  hold(): Promise<() => void> {
    let resume!: () => void;
    const released = new Promise<void>((resolve) => (resume = resolve));
    return new Promise((held) => {
      void this.between(async () => {
        held(resume);
        await released;
      });
    });
  }

  /** Takes projections out of the group (for a rebuild); resolves to those that were running. */
  remove(loops: readonly ProjectionLoop[]): Promise<ProjectionLoop[]> {
    return this.between(async () => {
      const removed: ProjectionLoop[] = [];
      for (const loop of loops) {
        if (this.members.includes(loop)) {
          this.members = this.members.filter((member) => member !== loop);
          removed.push(loop);
        } else if (this.detached.has(loop)) {
          this.detached.delete(loop);
          await loop.stop();
          removed.push(loop);
        }
        this.failuresOf.delete(loop);
      }
      return removed;
    });
  }

  /** Puts projections (back) into the group, each from its committed checkpoint. */
  add(loops: readonly ProjectionLoop[]): Promise<void> {
    if (loops.length === 0 || !this.running) return Promise.resolve();
    return this.between(async () => {
      await this.load(loops);
      for (const loop of loops) if (!this.members.includes(loop)) this.members.push(loop);
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      for (let change = this.changes.shift(); change; change = this.changes.shift()) await change();
      if (this.stopped) break;
      if (this.members.length === 0) {
        await this.pause.sleep(Infinity);
        continue;
      }
      const from = this.members.map((loop) => loop.position).reduce(earliest);
      this.buffer = new EventBuffer(this.store.subscribe({ after: from, batchSize: this.options.batchSize }), this.options.batchSize * 2);
      try {
        while (this.changes.length === 0) {
          const batch = await this.buffer.take(this.options.batchSize);
          if (!batch || this.stopped) break;
          await this.process(batch);
          failures = 0;
        }
      } catch (error) {
        if (error instanceof CheckpointMoved) {
          // Not a failure: continue from where the other process got (its rows are already there).
          await this.load(this.members).catch(() => undefined);
          continue;
        }
        failures += 1;
        if (error instanceof ApplyFailed) {
          this.options.onError?.(error.loop.projection.name, error.cause);
          const times = (this.failuresOf.get(error.loop) ?? 0) + 1;
          this.failuresOf.set(error.loop, times);
          if (times >= DETACH_AFTER_FAILURES) {
            await this.detach(error.loop);
            failures = 0;
          }
        } else {
          this.options.onError?.(this.members.map((loop) => loop.projection.name).join(', '), error);
        }
      } finally {
        await this.buffer.close().catch(() => undefined);
        this.buffer = null;
      }
      // A failed batch was rolled back: resume from the committed checkpoints after a pause.
      if (!this.stopped && failures > 0) {
        await this.load(this.members).catch(() => undefined);
        await this.pause.sleep(backoff(failures));
      }
    }
  }

  private async process(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch[batch.length - 1]!.position;
    const work: { loop: ProjectionLoop; fresh: number; relevant: RecordedEvent[]; write: boolean }[] = [];
    for (const loop of this.members) {
      const after = loop.position;
      const fresh = after ? batch.filter((event) => comparePositions(event.position, after) > 0) : batch;
      if (fresh.length === 0) continue; // past this batch already (the group catches another one up)
      const relevant = fresh.filter((event) => loop.handles(event.type));
      // Nothing it handles changes none of its rows: its checkpoint can wait (a restart re-reads and skips those
      // events again) — but not forever, so that the checkpoint other processes read moves on.
      const write = relevant.length > 0 || loop.skippedSinceCheckpoint + fresh.length >= CHECKPOINT_EVERY_SKIPPED;
      work.push({ loop, fresh: fresh.length, relevant, write });
    }
    const writes = work.filter((item) => item.write);
    if (writes.length > 0) {
      await this.sql.transaction(async (tx) => {
        for (const { loop, relevant } of writes) {
          if (relevant.length === 0) continue;
          try {
            await loop.projection.apply(relevant, tx);
          } catch (error) {
            throw new ApplyFailed(loop, error);
          }
        }
        const written = await writeCheckpoints(
          tx,
          writes.map(({ loop }) => ({ name: loop.projection.name, position: last, expected: loop.checkpointed })),
        );
        // Two processes running these projections on one database: the checkpoints decide which batch counts.
        if (written.size < writes.length) throw new CheckpointMoved(writes.map(({ loop }) => loop.projection.name).join(', '));
      });
    }
    for (const { loop, fresh, write } of work) {
      if (write) {
        loop.checkpointed = last;
        loop.skippedSinceCheckpoint = 0;
        this.failuresOf.delete(loop);
      } else {
        loop.skippedSinceCheckpoint += fresh;
      }
      loop.processed += fresh;
      loop.advance(last);
    }
  }

  /** A projection that keeps failing runs on its own until a batch of it goes through, then rejoins. */
  private async detach(loop: ProjectionLoop): Promise<void> {
    this.members = this.members.filter((member) => member !== loop);
    this.failuresOf.delete(loop);
    this.detached.add(loop);
    await loop.start(() => {
      void this.between(async () => {
        if (!this.detached.has(loop)) return;
        this.detached.delete(loop);
        await loop.stop();
        await this.load([loop]);
        this.members.push(loop);
      }).catch(() => undefined);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await this.buffer?.close().catch(() => undefined);
    await this.running;
    this.running = null;
    // Run what was asked for meanwhile (a removal settles; a rejoin is moot now).
    for (let change = this.changes.shift(); change; change = this.changes.shift()) await change().catch(() => undefined);
    // Record how far each got, so a restart does not re-read what they passed over.
    const passed = this.members.filter((loop) => loop.skippedSinceCheckpoint > 0 && loop.position);
    if (passed.length > 0) {
      await this.sql
        .transaction((tx) => writeCheckpoints(tx, passed.map((loop) => ({ name: loop.projection.name, position: loop.position!, expected: loop.checkpointed }))))
        .then((written) => {
          for (const loop of passed) if (written.has(loop.projection.name)) loop.skippedSinceCheckpoint = 0;
        })
        .catch(() => undefined);
    }
    await Promise.all([...this.detached].map((loop) => loop.stop()));
    this.detached.clear();
  }
}

function earliest(a: Position | null, b: Position | null): Position | null {
  if (!a || !b) return null;
  return comparePositions(a, b) <= 0 ? a : b;
}

function backoff(failures: number): number {
  return Math.min(30_000, 100 * 2 ** failures);
}

/**
 * Runs every projection of the process. Read-your-writes: a mutation awaits `waitFor(position)` of what
 * it appended, so the next query sees it.
 */
export class ProjectionRunner {
  private readonly loops = new Map<string, ProjectionLoop>();
  private readonly options: Settings;
  private readonly group: ProjectionGroup;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    projections: readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 500,
      waitTimeoutMs: options.waitTimeoutMs ?? 10_000,
      rebuildPageSize: options.rebuildPageSize ?? 20_000,
      onError: options.onError,
    };
    for (const projection of projections) {
      if (this.loops.has(projection.name)) throw new Error(`Two projections are named ${projection.name}`);
      this.loops.set(projection.name, new ProjectionLoop(projection, store, sql, this.options));
    }
    this.group = new ProjectionGroup(store, sql, this.options);
  }

  get names(): string[] {
    return [...this.loops.keys()];
  }

  async start(): Promise<void> {
    await this.setup();
    await this.group.start([...this.loops.values()]);
  }

  /** Creates the checkpoint table and every projection's tables, without following the log. */
  async setup(): Promise<void> {
    await setupCheckpoints(this.sql);
    await withSchemaLock(this.sql, async (tx) => {
      for (const loop of this.loops.values()) await loop.projection.setup(tx);
    });
  }

  /**
   * Resolves once every projection has processed `position` — or, given `eventTypes`, every projection that
   * handles one of them; rejects after the bounded wait.
   */
  async waitFor(position: Position, timeoutMs = this.options.waitTimeoutMs, eventTypes?: readonly string[]): Promise<void> {
    const pending = [...this.loops.values()].filter(
      (loop) => !loop.reached(position) && (!eventTypes || eventTypes.some((type) => loop.handles(type))),
    );
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProjectionWaitTimeout(`Read models did not reach the write within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all(pending.map((loop) => loop.waitFor(position))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Holds every projection following the log together (not a detached one) after the batch in flight until
   * the returned `resume` is called; resolves once they are held. See ProjectionGroup.hold.
   */
  hold(): Promise<() => void> {
    return this.group.hold();
  }

  /** Resolves true once the named projection has processed `position`; false when `signal` aborts first. */
  async reached(name: string, position: Position, signal: AbortSignal): Promise<boolean> {
    const loop = this.loops.get(name);
    if (!loop) throw new Error(`No projection named ${name}; known: ${this.names.join(', ')}`);
    if (loop.reached(position)) return true;
    if (signal.aborted) return false;
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<boolean>((resolve) => {
      onAbort = () => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([loop.waitFor(position).then(() => true), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Events each projection has read since it (re)started. */
  progress(): Record<string, number> {
    return Object.fromEntries([...this.loops].map(([name, loop]) => [name, loop.processed]));
  }

  /** Drops a projection's rows and checkpoint and replays it from the start of the log. */
  async rebuild(name: string): Promise<RebuildReport> {
    return this.rebuildAll([name]);
  }

  /**
   * Drops the named projections' rows and checkpoints and replays them from the start of the log in one
   * pass: each page of the log is read once (the next page is read while this one is applied) and handed
   * to every projection in its own transaction, which also moves its checkpoint — so a rebuild cut short
   * resumes where it stopped. The projections then follow the log again from their checkpoints (live runs
   * pick up whatever was appended meanwhile). Projections not named are left running.
   */
  async rebuildAll(names: readonly string[] = this.names): Promise<RebuildReport> {
    const loops = names.map((name) => {
      const loop = this.loops.get(name);
      if (!loop) throw new Error(`No projection named ${name}; known: ${this.names.join(', ')}`);
      return loop;
    });
    // Out of the group while they replay (the others go on following the log); back in afterwards.
    const wereRunning = this.group.isRunning ? await this.group.remove(loops) : [];
    await setupCheckpoints(this.sql);
    for (const loop of loops) {
      await withSchemaLock(this.sql, (tx) => loop.projection.setup(tx));
      await this.sql.transaction(async (tx) => {
        await loop.projection.reset(tx);
        await deleteCheckpoint(tx, loop.projection.name);
      });
      loop.processed = 0;
      loop.position = null;
    }
    try {
      const started = performance.now();
      const report: RebuildReport = {
        events: 0,
        ms: 0,
        projections: Object.fromEntries(loops.map((loop) => [loop.projection.name, { handled: 0, busyMs: 0 }])),
      };
      const pageSize = this.options.rebuildPageSize;
      const skipped = new Map(loops.map((loop) => [loop, 0]));
      let after: Position | null = null;
      let page = await this.store.readAll({ after, maxCount: pageSize });
      while (page.length > 0) {
        const last = page[page.length - 1]!.position;
        after = last;
        const next = this.store.readAll({ after, maxCount: pageSize });
        // A failed read of the next page must not go unhandled while this one is applied.
        next.catch(() => undefined);
        await Promise.all(
          loops.map(async (loop) => {
            const relevant = page.filter((event) => loop.handles(event.type));
            const passed = skipped.get(loop)! + page.length;
            if (relevant.length > 0 || passed >= REBUILD_CHECKPOINT_EVERY_SKIPPED) {
              const began = performance.now();
              await this.sql.transaction(async (tx) => {
                if (relevant.length > 0) await loop.projection.apply(relevant, tx);
                await writeCheckpoint(tx, loop.projection.name, last);
              });
              const entry = report.projections[loop.projection.name]!;
              entry.busyMs += performance.now() - began;
              entry.handled += relevant.length;
              skipped.set(loop, 0);
            } else {
              skipped.set(loop, passed);
            }
            loop.processed += page.length;
            loop.advance(last);
          }),
        );
        report.events += page.length;
        page = await next;
      }
      // Every projection's checkpoint at the end of what was replayed, so a restart does not re-read it.
      if (after) {
        const end: Position = after;
        for (const loop of loops) {
          if (skipped.get(loop)! > 0) await this.sql.transaction((tx) => writeCheckpoint(tx, loop.projection.name, end));
        }
      }
      report.ms = performance.now() - started;
      return report;
    } finally {
      // They follow the log again from their checkpoints, also after a failed page (which was rolled back).
      await this.group.add(wereRunning);
    }
  }

  async stop(): Promise<void> {
    await this.group.stop();
  }
}
