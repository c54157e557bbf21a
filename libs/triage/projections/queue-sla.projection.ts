import { TICKET_EVENT_TYPES, type SlaEvent, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
// SLA's pure engine (no module, no state): the queue computes its own SLA columns from the log, as audit does.
import { eventInstant, slaStatus, type SlaPolicy } from '../../sla/domain/sla-engine.js';

/**
 * The queue's copy of each ticket's SLA position (breached, next due instant), for the `SLA_DUE` order and the
 * `breached` / `dueBefore` filters. Triage keeps it from the log — the ticket's facts, the policy SLA pinned
 * (`SlaPolicyPinned`) and the warnings and breaches SLA recorded — so the queue's SQL never reads SLA's schema.
 * Computed by SLA's pure engine as of the log's latest instant for the ticket, exactly as `sla.tickets` does.
 */
export const queueSlaProjection: Projection = {
  name: 'triage.queue-sla',
  eventTypes: [...TICKET_EVENT_TYPES.filter((type) => type !== 'AttachmentAdded'), 'SlaPolicyPinned', 'SlaWarningReached', 'SlaClockBreached'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS triage');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.queue_sla (
      ticket_id text PRIMARY KEY, policy jsonb, facts jsonb NOT NULL DEFAULT '[]', latest_at timestamptz,
      breached boolean NOT NULL DEFAULT false, next_due_at timestamptz)`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM triage.queue_sla');
  },

  // One read and one multi-row upsert per batch, as sla.tickets.
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const byTicket = new Map<string, (TicketEvent | SlaEvent)[]>();
    for (const recorded of events) {
      const event = recorded as unknown as TicketEvent | SlaEvent;
      const list = byTicket.get(event.data.ticketId) ?? [];
      list.push(event);
      byTicket.set(event.data.ticketId, list);
    }
    const rows = await tx.query<{ ticket_id: string; policy: SlaPolicy | null; facts: TicketEvent[]; latest_at: Date | string | null }>(
      'SELECT ticket_id, policy, facts, latest_at FROM triage.queue_sla WHERE ticket_id = ANY($1)',
      [[...byTicket.keys()]],
    );
    const stored = new Map(rows.map((row) => [row.ticket_id, row]));
    const written = [...byTicket].map(([ticketId, ticketEvents]) => {
      const row = stored.get(ticketId);
      let policy = row?.policy ?? null;
      const facts = [...(row?.facts ?? [])];
      let latest = row?.latest_at ? new Date(row.latest_at).getTime() : -Infinity;
      for (const event of ticketEvents) {
        if (event.type === 'SlaPolicyPinned') {
          const d = event.data;
          policy = { contractVersion: d.contractVersion, contract: d.contract, calendarVersion: d.calendarVersion, calendar: d.calendar };
          latest = Math.max(latest, Date.parse(d.pinnedAt));
        } else if (event.type === 'SlaWarningReached') latest = Math.max(latest, Date.parse(event.data.warnedAt));
        else if (event.type === 'SlaClockBreached') latest = Math.max(latest, Date.parse(event.data.breachedAt));
        else {
          facts.push(withoutText(event));
          latest = Math.max(latest, Date.parse(eventInstant(event)));
        }
      }
      const status = policy && facts.some((fact) => fact.type === 'TicketOpened') ? slaStatus(facts, policy, new Date(latest)) : null;
      return {
        ticket_id: ticketId,
        policy,
        facts,
        latest_at: Number.isFinite(latest) ? new Date(latest).toISOString() : null,
        breached: status?.breached ?? false,
        next_due_at: status?.nextDueAt ?? null,
      };
    });
    if (written.length === 0) return;
    await tx.query(
      `INSERT INTO triage.queue_sla (ticket_id, policy, facts, latest_at, breached, next_due_at)
       SELECT ticket_id, policy, facts, latest_at, breached, next_due_at
       FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, policy jsonb, facts jsonb, latest_at timestamptz, breached boolean, next_due_at timestamptz)
       ON CONFLICT (ticket_id) DO UPDATE SET policy = EXCLUDED.policy, facts = EXCLUDED.facts, latest_at = EXCLUDED.latest_at,
         breached = EXCLUDED.breached, next_due_at = EXCLUDED.next_due_at`,
      [JSON.stringify(written)],
    );
  },
};

/** The clocks need who, when and which way — not bodies or descriptions. */
function withoutText(event: TicketEvent): TicketEvent {
  if (event.type === 'ReplyAdded') return { type: event.type, data: { ...event.data, body: '' } };
  if (event.type === 'TicketOpened') return { type: event.type, data: { ...event.data, subject: '', description: '' } };
  if (event.type === 'TicketResolved') return { type: event.type, data: { ...event.data, resolution: '', rootCause: null } };
  return { type: event.type, data: event.data } as TicketEvent;
}
