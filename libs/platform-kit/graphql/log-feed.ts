import { badUserInput } from '#contracts';
import { formatPosition, parsePosition, type EventStore, type Position, type RecordedEvent, type Subscription } from '#event-store';

/**
 * A GraphQL subscription fed straight from the log (slaAlerts, incidentUpdates): each subscriber gets its own
 * subscription on the store, filtered to the event types it shows — from after its resume cursor (what it
 * missed first, then live) or from the head when it gives none. Every process sees every process's appends
 * (PostgreSQL NOTIFY, KurrentDB's own subscriptions), so a message reaches a subscriber whichever process
 * recorded the event; each event is delivered once per subscription, in log order. `toMessage` turns an
 * event into the message (null: not for this subscriber, skipped). Closed with the subscriber, and all at
 * shutdown (`closeAll`).
 */
export class LogFeed {
  private readonly open = new Set<Subscription>();

  constructor(private readonly store: () => EventStore) {}

  /** Messages of events after `after` (exclusive), or from now when null. */
  async follow<T>(after: Position | null, eventTypes: readonly string[], toMessage: (event: RecordedEvent) => Promise<T | null> | T | null): Promise<AsyncIterableIterator<T>> {
    const store = this.store();
    const from = after ?? (await store.headPosition());
    const subscription = store.subscribe({ after: from, filter: { eventTypes: [...eventTypes] } });
    this.open.add(subscription);
    const source = subscription[Symbol.asyncIterator]();
    const close = async (): Promise<IteratorResult<T>> => {
      this.open.delete(subscription);
      // Closing wakes a pending read (it ends); return() then runs the subscription's own clean-up.
      await subscription.close();
      await source.return?.(undefined);
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        for (;;) {
          const result = await source.next();
          if (result.done) return { done: true, value: undefined };
          const message = await toMessage(result.value);
          if (message !== null) return { done: false, value: message };
        }
      },
      return: close,
      async throw(error: unknown): Promise<IteratorResult<T>> {
        await close();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((subscription) => subscription.close()));
    this.open.clear();
  }
}

/** A message's resume cursor: its event's log position under the feed's prefix, opaque to clients. */
export function logCursor(prefix: string, position: Position): string {
  return Buffer.from(`${prefix}${formatPosition(position)}`).toString('base64url');
}

/** The position a cursor of `prefix` names; BAD_USER_INPUT (`message`, on `field`) for anything else. */
export function parseLogCursor(prefix: string, cursor: string, field: string, message: string): Position {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (text.startsWith(prefix)) {
    try {
      return parsePosition(text.slice(prefix.length));
    } catch {
      // refused below
    }
  }
  throw badUserInput(message, field);
}
