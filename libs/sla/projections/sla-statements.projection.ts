import type { SlaStatementEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/** Issued monthly statements: the figures as last recorded (issue or latest revision) and every revision. */
export const slaStatementsProjection: Projection = {
  name: 'sla.statements',
  eventTypes: ['SlaStatementIssued', 'SlaStatementRevised'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS sla');
    await sql.query(`CREATE TABLE IF NOT EXISTS sla.statements (
      account_id text NOT NULL, month text NOT NULL, issued_at timestamptz NOT NULL, issued_by jsonb NOT NULL,
      figures jsonb NOT NULL, revisions jsonb NOT NULL DEFAULT '[]', PRIMARY KEY (account_id, month))`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM sla.statements');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as SlaStatementEvent;
      const d = event.data;
      if (event.type === 'SlaStatementIssued') {
        await tx.query('INSERT INTO sla.statements (account_id, month, issued_at, issued_by, figures) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          d.accountId, d.month, event.data.issuedAt, event.data.issuedBy, d.figures,
        ]);
      } else {
        const { figures, accountId: _a, month: _m, ...revision } = event.data;
        await tx.query(
          `UPDATE sla.statements SET figures = $3, revisions = revisions || jsonb_build_array($4::jsonb)
           WHERE account_id = $1 AND month = $2 AND NOT revisions @> jsonb_build_array(jsonb_build_object('revision', $5::int))`,
          [d.accountId, d.month, figures, JSON.stringify(revision), revision.revision],
        );
      }
    }
  },
};
