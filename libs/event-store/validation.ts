import { EventTooLarge, InvalidAppend } from './errors.js';
import { MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND, MAX_STREAMS_PER_APPEND, type NewEvent, type StreamAppend } from './event-store.port.js';
import { canonicalJson } from './hash-chain.js';
import { assertStorableText } from './text-safety.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PreparedEvent {
  event: NewEvent;
  /** Canonical JSON of data and metadata: hashed and stored as they are, serialized once. */
  data: string;
  metadata: string;
}

/** Checks shared by every adapter, so all of them refuse the same appends with the same errors. */
export function validateAppend(stream: string, events: readonly NewEvent[]): PreparedEvent[] {
  if (!stream || stream.length > 200) throw new InvalidAppend('Stream name must be 1-200 characters');
  if (events.length === 0) throw new InvalidAppend('An append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppend(`At most ${MAX_EVENTS_PER_APPEND} events per append`);
  }
  const seen = new Set<string>();
  const prepared: PreparedEvent[] = [];
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppend(`Event id ${event.id} is not a UUID`);
    if (seen.has(event.id.toLowerCase())) throw new InvalidAppend(`Event id ${event.id} appears twice in one append`);
    seen.add(event.id.toLowerCase());
    if (!event.type || event.type.length > 200) throw new InvalidAppend('Event type must be 1-200 characters');
    assertStorableText(event.data, 'data');
    assertStorableText(event.metadata, 'metadata');
    const data = canonicalJson(event.data ?? null);
    const metadata = canonicalJson(event.metadata);
    // Characters, not bytes, first: the cheap bound rules out most events without measuring bytes.
    if (data.length + metadata.length > MAX_EVENT_BYTES / 4) {
      const bytes = Buffer.byteLength(data) + Buffer.byteLength(metadata);
      if (bytes > MAX_EVENT_BYTES) throw new EventTooLarge(event.id, bytes, MAX_EVENT_BYTES);
    }
    prepared.push({ event, data, metadata });
  }
  return prepared;
}

/** `appendMany`'s checks: distinct streams, at most MAX_STREAMS_PER_APPEND, each append valid (before anything is written). */
export function validateAppendMany(appends: readonly StreamAppend[]): PreparedEvent[][] {
  if (appends.length > MAX_STREAMS_PER_APPEND) throw new InvalidAppend(`At most ${MAX_STREAMS_PER_APPEND} streams per appendMany`);
  const streams = new Set<string>();
  return appends.map(({ stream, events }) => {
    if (streams.has(stream)) throw new InvalidAppend(`Stream ${stream} appears twice in one appendMany`);
    streams.add(stream);
    return validateAppend(stream, events);
  });
}
