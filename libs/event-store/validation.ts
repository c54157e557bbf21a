import { EventTooLarge, InvalidAppend } from './errors.js';
import { MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND, type NewEvent } from './event-store.port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks shared by every adapter, so all of them refuse the same appends with the same errors. */
export function validateAppend(stream: string, events: readonly NewEvent[]): void {
  if (!stream || stream.length > 200) throw new InvalidAppend('Stream name must be 1-200 characters');
  if (events.length === 0) throw new InvalidAppend('An append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppend(`At most ${MAX_EVENTS_PER_APPEND} events per append`);
  }
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppend(`Event id ${event.id} is not a UUID`);
    if (seen.has(event.id.toLowerCase())) throw new InvalidAppend(`Event id ${event.id} appears twice in one append`);
    seen.add(event.id.toLowerCase());
    if (!event.type || event.type.length > 200) throw new InvalidAppend('Event type must be 1-200 characters');
    const bytes = Buffer.byteLength(JSON.stringify(event.data ?? null)) + Buffer.byteLength(JSON.stringify(event.metadata));
    if (bytes > MAX_EVENT_BYTES) throw new EventTooLarge(event.id, bytes, MAX_EVENT_BYTES);
  }
}
