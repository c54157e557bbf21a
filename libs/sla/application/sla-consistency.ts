import { slaStream, ticketStream, type SlaPolicyPinned, type TicketEvent } from '#contracts';
import { canonicalJson, type EventStore, type SqlExecutor } from '#event-store';
import { eventInstant, slaStatus } from '../domain/sla-engine.js';
import { policyOf } from '../projections/ticket-sla.projection.js';

export interface SlaMismatch {
  ticketId: string;
  problem: string;
}

/**
 * Does the SLA read model say what the log says? For every ticket it recomputes the status from the ticket
 * and SLA streams with the pure engine, as of the same last fact, and compares it with the stored one.
 * Runs in tests after random workloads, and as `ledgerdesk sla check` against a live database.
 */
export async function checkSlaConsistency(store: EventStore, readDb: SqlExecutor): Promise<{ checked: number; mismatches: SlaMismatch[] }> {
  const rows = await readDb.query<{ ticket_id: string; status: unknown; breached: boolean; next_due_at: Date | string | null }>(
    'SELECT ticket_id, status, breached, next_due_at FROM sla.ticket_sla ORDER BY ticket_id',
  );
  const mismatches: SlaMismatch[] = [];
  for (const row of rows) {
    const events = (await store.readStream(ticketStream(row.ticket_id))) as unknown as TicketEvent[];
    const pinned = (await store.readStream(slaStream(row.ticket_id))).find((e) => e.type === 'SlaPolicyPinned') as unknown as SlaPolicyPinned | undefined;
    if (!pinned || !events.some((e) => e.type === 'TicketOpened')) {
      if (row.status !== null) mismatches.push({ ticketId: row.ticket_id, problem: 'a status is stored but the log has no pinned policy or opening' });
      continue;
    }
    const slaFacts = (await store.readStream(slaStream(row.ticket_id))).map((e) => {
      const data = e.data as { pinnedAt?: string; warnedAt?: string; breachedAt?: string };
      return Date.parse(data.pinnedAt ?? data.warnedAt ?? data.breachedAt ?? '1970-01-01T00:00:00Z');
    });
    const latest = new Date(Math.max(...slaFacts, ...events.map((e) => Date.parse(eventInstant(e)))));
    const expected = JSON.parse(JSON.stringify(slaStatus(events, policyOf(pinned), latest)));
    // jsonb keeps keys in its own order: compare canonical forms.
    if (canonicalJson(expected) !== canonicalJson(row.status)) {
      mismatches.push({ ticketId: row.ticket_id, problem: `stored status differs from the log's: stored ${canonicalJson(row.status)}, log ${canonicalJson(expected)}` });
      continue;
    }
    const storedDue = row.next_due_at ? new Date(row.next_due_at).toISOString() : null;
    if (row.breached !== expected.breached || storedDue !== (expected.nextDueAt ?? null)) {
      mismatches.push({ ticketId: row.ticket_id, problem: 'the queue columns (breached, next_due_at) differ from the status' });
    }
  }
  return { checked: rows.length, mismatches };
}
