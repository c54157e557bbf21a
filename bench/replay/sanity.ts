import { slaStream, ticketStream, type SlaPolicyPinned, type TicketEvent } from '#contracts';
import { canonicalJson, type EventStore, type SqlExecutor } from '#event-store';
import { policyOf, slaStatus } from '#sla';
import { foldTicketView } from '#triage';
import { eventInstant } from '../../libs/sla/domain/sla-engine.js';
import { toTicket } from '../../libs/triage/application/tickets.queries.js';
import { random } from '../sla/histories.js';

/**
 * Recomputes `count` random tickets from their streams with the pure folds — the ticket view (triage row and
 * its replies) and the SLA engine as of the ticket's latest fact (sla row) — and names every difference.
 */
export async function sampleCheck(store: EventStore, sql: SqlExecutor, ticketIds: readonly string[], count: number): Promise<{ checked: number; mismatches: string[] }> {
  const next = random(99);
  const chosen = new Set<string>([ticketIds[0]!]);
  while (chosen.size < Math.min(count, ticketIds.length)) chosen.add(ticketIds[Math.floor(next() * ticketIds.length)]!);
  const mismatches: string[] = [];
  for (const ticketId of chosen) {
    const events = await store.readStream(ticketStream(ticketId));
    const sla = await store.readStream(slaStream(ticketId));
    const view = foldTicketView(events);
    const [row] = await sql.query<Record<string, any>>('SELECT * FROM triage.tickets WHERE id = $1', [ticketId]);
    if (!view || !row) {
      mismatches.push(`${ticketId}: ${view ? 'no triage row' : 'no ticket in the log'}`);
      continue;
    }
    const { replies, ...expectedRow } = view;
    if (canonicalJson(JSON.parse(JSON.stringify(toTicket(row)))) !== canonicalJson(JSON.parse(JSON.stringify(expectedRow)))) {
      mismatches.push(`${ticketId}: triage row ${JSON.stringify(toTicket(row))} ≠ fold ${JSON.stringify(expectedRow)}`);
    }
    const [stored] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM triage.replies WHERE ticket_id = $1', [ticketId]);
    if (stored!.n !== replies.length) mismatches.push(`${ticketId}: ${stored!.n} replies stored, ${replies.length} in the log`);

    const pinned = sla.find((e) => e.type === 'SlaPolicyPinned') as unknown as SlaPolicyPinned | undefined;
    const [slaRow] = await sql.query<{ status: unknown; breached: boolean }>('SELECT status, breached FROM sla.ticket_sla WHERE ticket_id = $1', [ticketId]);
    if (!pinned || !slaRow) {
      mismatches.push(`${ticketId}: ${pinned ? 'no SLA row' : 'no pinned policy'}`);
      continue;
    }
    const facts = events as unknown as TicketEvent[];
    const instants = [
      ...facts.map((e) => Date.parse(eventInstant(e))),
      ...sla.map((e) => {
        const data = e.data as { pinnedAt?: string; warnedAt?: string; breachedAt?: string };
        return Date.parse(data.pinnedAt ?? data.warnedAt ?? data.breachedAt!);
      }),
    ];
    const expected = JSON.parse(JSON.stringify(slaStatus(facts, policyOf(pinned), new Date(Math.max(...instants)))));
    if (canonicalJson(expected) !== canonicalJson(slaRow.status)) mismatches.push(`${ticketId}: SLA status differs from the engine's`);
  }
  return { checked: chosen.size, mismatches };
}
