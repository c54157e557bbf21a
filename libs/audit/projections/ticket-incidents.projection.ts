import type { TicketsLinkedToIncident } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Every platform incident a ticket was ever linked to — an unlink keeps the row, the incident's stream stays part
 * of the ticket's record — kept by audit from the log (`TicketsLinkedToIncident`), so verification and evidence
 * bundles find those streams without reading the incidents context's schema.
 */
export const ticketIncidentsProjection: Projection = {
  name: 'audit.ticket-incidents',
  eventTypes: ['TicketsLinkedToIncident'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS audit');
    await sql.query('CREATE TABLE IF NOT EXISTS audit.ticket_incidents (ticket_id text NOT NULL, incident_id text NOT NULL, PRIMARY KEY (ticket_id, incident_id))');
  },

  async reset(tx) {
    await tx.query('DELETE FROM audit.ticket_incidents');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const rows = events.flatMap((recorded) => {
      const d = (recorded as unknown as TicketsLinkedToIncident).data;
      return d.tickets.map((ticket) => ({ ticket_id: ticket.ticketId, incident_id: d.incidentId }));
    });
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO audit.ticket_incidents (ticket_id, incident_id)
       SELECT ticket_id, incident_id FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, incident_id text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows)],
    );
  },
};
