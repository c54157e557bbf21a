import type { ClaimEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/** Breach claims with their verdicts, and the credits approved per account and month (for the cap). */
export const claimsProjection: Projection = {
  name: 'sla.claims',
  eventTypes: ['BreachClaimFiled', 'BreachClaimDecided'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.claims (
      id text PRIMARY KEY, ticket_id text NOT NULL, account_id text NOT NULL, metric text NOT NULL, cycle int NOT NULL,
      statement text NOT NULL, filed_by jsonb NOT NULL, filed_at timestamptz NOT NULL, verdict jsonb NOT NULL,
      proposed_credit jsonb NOT NULL, credit_month text, status text NOT NULL, decided_by jsonb, decided_at timestamptz,
      decision_reason text, credit jsonb, credit_amount numeric NOT NULL DEFAULT 0)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS claims_credits ON sla.claims (account_id, credit_month) WHERE status = 'APPROVED'`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.claims');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as ClaimEvent;
      if (event.type === 'BreachClaimFiled') {
        const d = event.data;
        await tx.query(
          `INSERT INTO sla.claims (id, ticket_id, account_id, metric, cycle, statement, filed_by, filed_at, verdict, proposed_credit, credit_month, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'PENDING') ON CONFLICT DO NOTHING`,
          [d.claimId, d.ticketId, d.accountId, d.metric, d.cycle, d.statement, d.filedBy, d.filedAt, d.verdict, d.proposedCredit, d.creditMonth],
        );
      } else {
        const d = event.data;
        await tx.query(
          `UPDATE sla.claims SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5, credit = $6, credit_amount = $7 WHERE id = $1`,
          [d.claimId, d.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED', d.decidedBy, d.decidedAt, d.reason, d.credit, d.credit?.amount ?? 0],
        );
      }
    }
  },
};
