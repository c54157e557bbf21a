import type { TicketsLinkedToIncident, TicketUnlinkedFromIncident } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Triage's own copy of which tickets are linked to which platform incident (the `incident` filter of `tickets`
 * and `searchTickets`), built from the incidents context's events, never from its tables. Idempotent: a link
 * already there or an unlink of nothing changes nothing.
 */
export const incidentLinksProjection: Projection = {
  name: 'triage.incident_links',
  eventTypes: ['TicketsLinkedToIncident', 'TicketUnlinkedFromIncident'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS triage');
    await sql.query('CREATE TABLE IF NOT EXISTS triage.incident_links (incident_id text NOT NULL, ticket_id text NOT NULL, PRIMARY KEY (incident_id, ticket_id))');
  },

  async reset(tx) {
    await tx.query('DELETE FROM triage.incident_links');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const event of events) {
      if (event.type === 'TicketsLinkedToIncident') {
        const data = event.data as TicketsLinkedToIncident['data'];
        await tx.query(
          'INSERT INTO triage.incident_links (incident_id, ticket_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
          [data.incidentId, data.tickets.map((t) => t.ticketId)],
        );
      } else if (event.type === 'TicketUnlinkedFromIncident') {
        const data = event.data as TicketUnlinkedFromIncident['data'];
        await tx.query('DELETE FROM triage.incident_links WHERE incident_id = $1 AND ticket_id = $2', [data.incidentId, data.ticketId]);
      }
    }
  },
};
