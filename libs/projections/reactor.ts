import type { RecordedEvent } from '#event-store';

/**
 * A reaction of one context to events of the log (often another context's): each event it handles becomes
 * commands of its own context. Delivery is at least once, so `react` must be idempotent — its appends use
 * event ids derived from the event it reacts to, and a repeat is answered `alreadyRecorded`.
 */
export interface Reactor {
  /** Checkpoint key (`<context>.<reaction>`); also how ADMIN names it to retry a parked event. */
  readonly name: string;
  /** Event types it reacts to; every other event only moves its checkpoint. */
  readonly eventTypes: readonly string[];
  react(event: RecordedEvent): Promise<void>;
  /**
   * Optional: the same effects for several events at once (in log order), with fewer statements — shared
   * lookups read once per batch. Must do exactly what `react` does for each event; when it fails, the runner
   * falls back to `react` event by event (with its retries and parking), which is safe because both are idempotent.
   */
  reactBatch?(events: readonly RecordedEvent[]): Promise<void>;
}
