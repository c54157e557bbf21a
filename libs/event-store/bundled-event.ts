import type { RecordedEvent } from './event-store.port.js';
import { formatPosition } from './position.js';

/** A recorded event as an evidence bundle (ticket or statement) carries it: everything its hash covers, plus its place in the log. */
export interface BundledEvent {
  id: string;
  stream: string;
  revision: number;
  position: string;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recordedAt: string;
  hash: string;
  previousHash: string | null;
  /** Present when the content was withheld: the commitment to the removed data that the event's hash covers. */
  redaction?: { dataHash: string };
}

export const toBundledEvent = (event: RecordedEvent): BundledEvent => ({
  id: event.id,
  stream: event.stream,
  revision: event.revision,
  position: formatPosition(event.position),
  type: event.type,
  data: event.data,
  metadata: event.metadata,
  recordedAt: event.recordedAt,
  hash: event.hash,
  previousHash: event.previousHash,
});
