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

/**
 * SHA-256 (hex) over the RFC 8785 canonical JSON of an envelope holding the event's place, type, metadata, its
 * predecessor's hash and a commitment to its data (the SHA-256 of the data's canonical JSON). Committing to the
 * data through its digest lets an export withhold an internal note's content and still prove the chain: the
 * withheld event carries its data hash instead of its data.
 */
export function eventHash(fields: HashedFields): string {
  const { stream, revision, type, data, metadata, previousHash } = fields;
  return eventHashOfCanonical(stream, revision, type, canonicalJson(data ?? null), canonicalJson(metadata), previousHash);
}

/** The commitment to an event's data that its hash covers: SHA-256 (hex) of the data's canonical JSON. */
export function dataCommitment(data: unknown): string {
  return sha256Hex(canonicalJson(data ?? null));
}

/** RFC 8785 (JCS) canonical JSON: sorted keys, no white space, ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new Error('Event content cannot be serialized as JSON');
  return canonical;
}

/** The same hash from data and metadata already in canonical form (the store serializes each event once). */
export function eventHashOfCanonical(
  stream: string,
  revision: number,
  type: string,
  canonicalData: string,
  canonicalMetadata: string,
  previousHash: string | null,
): string {
  return eventHashOfCommitment(stream, revision, type, sha256Hex(canonicalData), canonicalMetadata, previousHash);
}

/**
 * The hash from the data's commitment alone (how a verifier checks an event whose content was withheld).
 * The envelope's keys are written in JCS order: dataHash, metadata, previousHash, revision, stream, type.
 */
export function eventHashOfCommitment(
  stream: string,
  revision: number,
  type: string,
  dataHash: string,
  canonicalMetadata: string,
  previousHash: string | null,
): string {
  const envelope = `{"dataHash":${JSON.stringify(dataHash)},"metadata":${canonicalMetadata},"previousHash":${JSON.stringify(previousHash)},"revision":${revision},"stream":${JSON.stringify(stream)},"type":${JSON.stringify(type)}}`;
  return sha256Hex(envelope);
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

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
