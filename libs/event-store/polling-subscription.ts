import type { RecordedEvent, SubscribeOptions, Subscription, SubscriptionFilter } from './event-store.port.js';
import type { Position } from './position.js';

export interface SubscriptionSource {
  read(after: Position | null, maxCount: number): Promise<RecordedEvent[]>;
  /** Events committed but not yet readable (an older transaction is still open): nobody will notify again. */
  hasHiddenEvents(after: Position | null): Promise<boolean>;
  /** Calls `wake` whenever something may have been appended; resolves to an unsubscribe function. */
  listen(wake: () => void): Promise<() => Promise<void>>;
}

const HIDDEN_EVENTS_RECHECK_MS = 15;

export interface PollingOptions extends SubscribeOptions {
  /** A slow safety re-check while idle, for wake-ups that can be lost (another process's NOTIFY). */
  recheckMs?: number;
}

/**
 * Catch-up then live over a store that can read "everything after a position" and notify on appends.
 * It sleeps until notified, never on a timer, except for the short recheck while committed events are
 * still hidden behind an open transaction.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private pendingWake = false;
  private wakeWaiter: (() => void) | null = null;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly options: PollingOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const batchSize = this.options.batchSize ?? 500;
    const accepts = eventFilter(this.options.filter);
    let after = this.options.after ?? null;
    const unlisten = await this.source.listen(() => this.wake());
    try {
      while (!this.closed) {
        this.pendingWake = false;
        const batch = await this.source.read(after, batchSize);
        for (const event of batch) {
          after = event.position;
          if (accepts(event)) yield event;
          if (this.closed) return;
        }
        if (batch.length === batchSize) continue;
        const hidden = await this.source.hasHiddenEvents(after);
        await this.sleep(hidden ? HIDDEN_EVENTS_RECHECK_MS : (this.options.recheckMs ?? null));
      }
    } finally {
      await unlisten();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    this.pendingWake = true;
    const waiter = this.wakeWaiter;
    this.wakeWaiter = null;
    waiter?.();
  }

  private sleep(timeoutMs: number | null): Promise<void> {
    if (this.pendingWake || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = timeoutMs === null ? null : setTimeout(() => this.wake(), timeoutMs);
      this.wakeWaiter = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }
}

export function eventFilter(filter: SubscriptionFilter | undefined): (event: RecordedEvent) => boolean {
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : null;
  const types = filter?.eventTypes?.length ? new Set(filter.eventTypes) : null;
  return (event) =>
    (!prefixes || prefixes.some((prefix) => event.stream.startsWith(prefix))) && (!types || types.has(event.type));
}
