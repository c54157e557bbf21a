import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, RecordedEvent, StreamIntegrity } from './event-store.port.js';

export interface HashedFields {
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  previousHash: string | null;
}

/** SHA-256 (hex) over the RFC 8785 canonical JSON of the event's content and its predecessor's hash. */
export function eventHash(fields: HashedFields): string {
  const { stream, revision, type, data, metadata, previousHash } = fields;
  return eventHashOfCanonical(stream, revision, type, canonicalJson(data ?? null), canonicalJson(metadata), previousHash);
}

/** RFC 8785 (JCS) canonical JSON: sorted keys, no white space, ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new Error('Event content cannot be serialized as JSON');
  return canonical;
}

/**
 * The same hash from data and metadata already in canonical form (the store serializes each event once).
 * The envelope's keys are written in JCS order: data, metadata, previousHash, revision, stream, type.
 */
export function eventHashOfCanonical(
  stream: string,
  revision: number,
  type: string,
  canonicalData: string,
  canonicalMetadata: string,
  previousHash: string | null,
): string {
  const envelope = `{"data":${canonicalData},"metadata":${canonicalMetadata},"previousHash":${JSON.stringify(previousHash)},"revision":${revision},"stream":${JSON.stringify(stream)},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(envelope).digest('hex');
}

/**
 * Recomputes a stream's chain, oldest first, and names the first revision that does not hold:
 * a gap in revisions, a previousHash that is not the predecessor's hash, or content that no longer
 * matches its stored hash.
 */
export function verifyChain(stream: string, events: readonly RecordedEvent[]): StreamIntegrity {
  let previousHash: string | null = null;
  let checked = 0;
  const broken = (revision: number, problem: string): StreamIntegrity => ({
    stream,
    valid: false,
    eventsChecked: checked,
    headHash: null,
    brokenAtRevision: revision,
    problem,
  });
  for (const [index, event] of events.entries()) {
    if (event.revision !== index) return broken(index, `revision ${index} is missing (found ${event.revision})`);
    if (event.previousHash !== previousHash) {
      return broken(event.revision, `previousHash does not match the hash of revision ${index - 1}`);
    }
    const expected = eventHash({ ...event, previousHash });
    if (expected !== event.hash) {
      return broken(event.revision, 'content does not match its recorded hash (altered after it was written)');
    }
    previousHash = event.hash;
    checked += 1;
  }
  return { stream, valid: true, eventsChecked: checked, headHash: previousHash, brokenAtRevision: null, problem: null };
}
