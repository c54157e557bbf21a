import type { TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/** Where a ticket stands for `AccountHealth.openTickets`: OPEN (opened or reopened), RESOLVED, or CLOSED (final). */
type Standing = 'OPEN' | 'RESOLVED' | 'CLOSED';

/**
 * SLA's own copy of which tickets are open, per account, from triage's ticket events (issue 11: the context keeps
 * the copy it needs instead of reading triage's read model). Open means not RESOLVED or CLOSED, as triage counts it.
 */
export const slaOpenTicketsProjection: Projection = {
  name: 'sla.open-tickets',
  eventTypes: ['TicketOpened', 'TicketResolved', 'TicketReopened', 'TicketClosed'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query('CREATE TABLE IF NOT EXISTS sla.ticket_standing (ticket_id text PRIMARY KEY, account_id text NOT NULL, standing text NOT NULL)');
    await sql.query(`CREATE INDEX IF NOT EXISTS ticket_standing_open ON sla.ticket_standing (account_id) WHERE standing = 'OPEN'`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.ticket_standing');
  },

  // One insert for the batch's openings and one update for the rest: a few statements per batch.
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const opened = new Map<string, { accountId: string; standing: Standing }>();
    const changed = new Map<string, Standing>();
    for (const recorded of events) {
      const event = recorded as unknown as TicketEvent;
      const ticketId = event.data.ticketId;
      if (event.type === 'TicketOpened') {
        if (!opened.has(ticketId)) opened.set(ticketId, { accountId: event.data.accountId, standing: 'OPEN' });
        continue;
      }
      const before = opened.get(ticketId)?.standing ?? changed.get(ticketId);
      if (before === 'CLOSED') continue;
      const standing: Standing = event.type === 'TicketClosed' ? 'CLOSED' : event.type === 'TicketResolved' ? 'RESOLVED' : 'OPEN';
      const open = opened.get(ticketId);
      if (open) open.standing = standing;
      else changed.set(ticketId, standing);
    }
    if (opened.size) {
      const ids = [...opened.keys()];
      await tx.query(
        `INSERT INTO sla.ticket_standing (ticket_id, account_id, standing)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (ticket_id) DO NOTHING`,
        [ids, ids.map((id) => opened.get(id)!.accountId), ids.map((id) => opened.get(id)!.standing)],
      );
    }
    if (changed.size) {
      await tx.query(
        `UPDATE sla.ticket_standing t SET standing = c.standing
         FROM unnest($1::text[], $2::text[]) AS c(ticket_id, standing)
         WHERE t.ticket_id = c.ticket_id AND t.standing <> 'CLOSED'`,
        [[...changed.keys()], [...changed.values()]],
      );
    }
  },
};
