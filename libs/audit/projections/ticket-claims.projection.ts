import type { BreachClaimFiled } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Which claim streams belong to a ticket, kept by audit from the log (`BreachClaimFiled`), so verification and
 * evidence bundles find them without reading the SLA context's schema.
 */
export const ticketClaimsProjection: Projection = {
  name: 'audit.ticket-claims',
  eventTypes: ['BreachClaimFiled'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS audit');
    await sql.query('CREATE TABLE IF NOT EXISTS audit.ticket_claims (claim_id text PRIMARY KEY, ticket_id text NOT NULL, filed_at timestamptz NOT NULL)');
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_claims_by_ticket ON audit.ticket_claims (ticket_id, filed_at)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM audit.ticket_claims');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const rows = events.map((recorded) => {
      const d = (recorded as unknown as BreachClaimFiled).data;
      return { claim_id: d.claimId, ticket_id: d.ticketId, filed_at: d.filedAt };
    });
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO audit.ticket_claims (claim_id, ticket_id, filed_at)
       SELECT claim_id, ticket_id, filed_at FROM jsonb_to_recordset($1::jsonb) AS r(claim_id text, ticket_id text, filed_at timestamptz)
       ON CONFLICT (claim_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  },
};
