import { performance } from 'node:perf_hooks';
import { comparePositions, type EventStore, type Position, type SqlClient } from '#event-store';
import { deleteCheckpoint, readCheckpoint, setupCheckpoints, writeCheckpoint } from './checkpoints.js';
import { EventBuffer } from './event-buffer.js';
import type { Projection } from './projection.js';

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

/** One projection's catch-up loop: subscription → batches → one transaction per batch with its checkpoint. */
class ProjectionLoop {
  position: Position | null = null;
  /** The checkpoint as this loop last read or wrote it: its writes are compare-and-set against it. */
  private checkpointed: Position | null = null;
  /** Events read since start (for progress reports). */
  processed = 0;
  private buffer: EventBuffer | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly waiters = new Set<Waiter>();
  private readonly handled: Set<string>;
  private skippedSinceCheckpoint = 0;

  constructor(
    readonly projection: Projection,
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly options: Required<Omit<ProjectionRunnerOptions, 'onError'>> & Pick<ProjectionRunnerOptions, 'onError'>,
  ) {
    this.handled = new Set(projection.eventTypes);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.position = await readCheckpoint(this.sql, this.projection.name);
    this.checkpointed = this.position;
    this.running = this.run();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.buffer = new EventBuffer(this.store.subscribe({ after: this.position, batchSize: this.options.batchSize }), this.options.batchSize * 2);
      try {
        for (;;) {
          const batch = await this.buffer.take(this.options.batchSize);
          if (!batch || this.stopped) break;
          const last = batch[batch.length - 1]!.position;
          this.processed += batch.length;
          const relevant = batch.filter((event) => this.handled.has(event.type));
          this.skippedSinceCheckpoint += batch.length;
          // A batch of nothing this projection handles changes no rows: its checkpoint can wait (a restart
          // re-reads those events and skips them again), which spares a transaction per batch.
          if (relevant.length > 0 || this.skippedSinceCheckpoint >= CHECKPOINT_EVERY_SKIPPED) {
            // Two processes running this projection on one database: the checkpoint decides which batch counts.
            await this.sql.transaction(async (tx) => {
              if (relevant.length > 0) await this.projection.apply(relevant, tx);
              if (!(await writeCheckpoint(tx, this.projection.name, last, this.checkpointed))) throw new CheckpointMoved(this.projection.name);
            });
            this.checkpointed = last;
            this.skippedSinceCheckpoint = 0;
          }
          this.advance(last);
          failures = 0;
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
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 100 * 2 ** failures)));
      }
    }
  }

  private async resumeFromCheckpoint(): Promise<void> {
    const stored = await readCheckpoint(this.sql, this.projection.name);
    this.checkpointed = stored;
    this.skippedSinceCheckpoint = 0;
    if (stored && (!this.position || comparePositions(stored, this.position) > 0)) this.advance(stored);
    else this.position = stored;
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

  async stop(): Promise<void> {
    this.stopped = true;
    await this.buffer?.close().catch(() => undefined);
    await this.running;
    this.running = null;
    // Record how far it got, so a restart does not re-read what it passed over.
    if (this.skippedSinceCheckpoint > 0 && this.position) {
      const position = this.position;
      await this.sql.transaction((tx) => writeCheckpoint(tx, this.projection.name, position, this.checkpointed)).catch(() => undefined);
      this.skippedSinceCheckpoint = 0;
    }
  }
}

/**
 * Runs every projection of the process. Read-your-writes: a mutation awaits `waitFor(position)` of what
 * it appended, so the next query sees it.
 */
export class ProjectionRunner {
  private readonly loops = new Map<string, ProjectionLoop>();
  private readonly options: Required<Omit<ProjectionRunnerOptions, 'onError'>> & Pick<ProjectionRunnerOptions, 'onError'>;

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
  }

  get names(): string[] {
    return [...this.loops.keys()];
  }

  async start(): Promise<void> {
    await this.setup();
    for (const loop of this.loops.values()) await loop.start();
  }

  /** Creates the checkpoint table and every projection's tables, without following the log. */
  async setup(): Promise<void> {
    await setupCheckpoints(this.sql);
    for (const loop of this.loops.values()) await loop.projection.setup(this.sql);
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
    const wasRunning = loops.map((loop) => loop.isRunning);
    await Promise.all(loops.map((loop) => loop.stop()));
    await setupCheckpoints(this.sql);
    for (const loop of loops) {
      await loop.projection.setup(this.sql);
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
      // Live loops follow the log again from their checkpoints, also after a failed page (which was rolled back).
      for (const [index, loop] of loops.entries()) if (wasRunning[index]) await loop.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
  }
}
