import { randomBytes, randomUUID } from 'node:crypto';
import type { NewEvent } from '#event-store';
import { testEvent } from '../../libs/event-store/testing/event-fixtures.js';
import type { BaselineRow } from './baseline.js';

/** A comment on a ticket: ~300 bytes of data + metadata, like the app's typical event. */
export function makeEvent(n: number): NewEvent {
  return testEvent('TicketCommentAdded', {
    ticketId: `T-${100000 + (n % 5000)}`,
    commentId: randomUUID(),
    authorId: `user-${n % 97}`,
    body: 'The SDK drops the audio track after a renegotiation when the remote side toggles simulcast layers.',
    visibility: n % 3 === 0 ? 'INTERNAL' : 'PUBLIC',
  });
}

/** The same rows for the baseline; the hash pair is precomputed (hashing is store-side work). */
export function baselineRows(stream: string, firstRevision: number, count: number, previous: string | null): BaselineRow[] {
  const rows: BaselineRow[] = [];
  let previousHash = previous;
  for (let i = 0; i < count; i++) {
    const hash = randomBytes(32).toString('hex');
    rows.push({ event: makeEvent(firstRevision + i), stream, revision: firstRevision + i, hash, previousHash });
    previousHash = hash;
  }
  return rows;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
