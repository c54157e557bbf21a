import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../event-store.port.js';

export function testEvent(type: string, data: Record<string, unknown> = {}, id: string = randomUUID()): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      occurredAt: '2026-02-13T09:50:00.000Z',
      actor: { id: 'tester', role: 'ADMIN' },
      correlationId: id,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/** A stream-name prefix unique to one test, so tests can share a database and still count exactly. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}-`;
}
