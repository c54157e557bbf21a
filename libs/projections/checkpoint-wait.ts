import { comparePositions, type Position, type SqlExecutor } from '#event-store';
import { readCheckpoints } from './checkpoints.js';

const FIRST_POLL_MS = 5;
const LONGEST_POLL_MS = 50;

interface Waiter {
  name: string;
  position: Position;
  resolve: (passed: boolean) => void;
}

/**
 * The waits of one process on one database: a single loop reads every checkpoint someone waits for in one
 * statement, polling at a growing interval (back to the shortest when a new wait starts), and resolves the
 * waits it passed. So 32 requests waiting for the same two read models cost one query per interval, not 64.
 */
class CheckpointWatch {
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private interval = FIRST_POLL_MS;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  constructor(private readonly sql: SqlExecutor) {}

  wait(name: string, position: Position, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        name,
        position,
        resolve: (passed) => {
          this.waiters.delete(waiter);
          signal.removeEventListener('abort', abort);
          resolve(passed);
        },
      };
      const abort = () => waiter.resolve(false);
      signal.addEventListener('abort', abort);
      this.waiters.add(waiter);
      this.interval = FIRST_POLL_MS;
      if (this.running) this.wake();
      else void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters.size > 0) {
        const names = [...new Set([...this.waiters].map((waiter) => waiter.name))];
        try {
          const checkpoints = await readCheckpoints(this.sql, names);
          for (const waiter of [...this.waiters]) {
            const checkpoint = checkpoints.get(waiter.name);
            if (checkpoint && comparePositions(checkpoint, waiter.position) >= 0) waiter.resolve(true);
          }
        } catch {
          // A failed read is retried at the next interval; each wait is bounded by its own signal.
        }
        if (this.waiters.size === 0) break;
        await this.sleep(this.interval);
        this.interval = Math.min(LONGEST_POLL_MS, this.interval * 2);
      }
    } finally {
      this.running = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = null;
        resolve();
      }, ms);
      this.sleeper = { timer, resolve };
    });
  }

  /** A new wait polls at once (it may already be passed) instead of after the grown interval. */
  private wake(): void {
    const sleeper = this.sleeper;
    if (!sleeper) return;
    this.sleeper = null;
    clearTimeout(sleeper.timer);
    sleeper.resolve();
  }
}

const watches = new WeakMap<SqlExecutor, CheckpointWatch>();

/**
 * Resolves true once the named checkpoint (a projection's or a reactor's, in whichever process it runs)
 * has passed `position`; false when `signal` aborts first. It reads the checkpoint table, because the loop
 * that moves it may run in another process; the waits of a process share one polling loop per database.
 */
export function waitForCheckpoint(sql: SqlExecutor, name: string, position: Position, signal: AbortSignal): Promise<boolean> {
  let watch = watches.get(sql);
  if (!watch) {
    watch = new CheckpointWatch(sql);
    watches.set(sql, watch);
  }
  return watch.wait(name, position, signal);
}
