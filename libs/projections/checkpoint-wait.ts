import { comparePositions, type Position, type SqlExecutor } from '#event-store';
import { readCheckpoint } from './checkpoints.js';

const FIRST_POLL_MS = 5;
const LONGEST_POLL_MS = 50;

/**
 * Resolves true once the named checkpoint (a projection's or a reactor's, in whichever process it runs)
 * has passed `position`; false when `signal` aborts first. It reads the checkpoint table, polling at a
 * growing interval, because the loop that moves it may run in another process.
 */
export async function waitForCheckpoint(sql: SqlExecutor, name: string, position: Position, signal: AbortSignal): Promise<boolean> {
  let interval = FIRST_POLL_MS;
  while (!signal.aborted) {
    const checkpoint = await readCheckpoint(sql, name);
    if (checkpoint && comparePositions(checkpoint, position) >= 0) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, interval);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
    interval = Math.min(LONGEST_POLL_MS, interval * 2);
  }
  return false;
}
