import { TICKET_EVENT_TYPES, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { emptyDiagnostics, mergeDiagnostics, statusAfterReply, type TicketStatus } from '../domain/ticket.state.js';

/**
 * The support queue's read model: one row per ticket (with its stream revision as `version`) and its replies.
 * Every row carries account_id, so a customer's every read filters by it.
 */
export const ticketsProjection: Projection = {
  name: 'triage.tickets',
  eventTypes: TICKET_EVENT_TYPES,

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS triage');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.tickets (
      id text PRIMARY KEY, account_id text NOT NULL, version int NOT NULL, channel text NOT NULL,
      subject text NOT NULL, description text NOT NULL, status text NOT NULL,
      claimed_severity text NOT NULL, assessed_severity text, severity text NOT NULL,
      dispute jsonb, assignee_id text, diagnostics jsonb NOT NULL, escalation_level int NOT NULL DEFAULT 0,
      external_id text, opened_at timestamptz NOT NULL, resolved_at timestamptz, closed_at timestamptz)`);
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_account ON triage.tickets (account_id, opened_at, id)');
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_opening ON triage.tickets (opened_at, id)');
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_assignee ON triage.tickets (assignee_id) WHERE status NOT IN (\'RESOLVED\', \'CLOSED\')');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.replies (
      ticket_id text NOT NULL, seq int NOT NULL, reply_id text NOT NULL, account_id text NOT NULL,
      author_id text NOT NULL, author_role text NOT NULL, body text NOT NULL, visibility text NOT NULL,
      external_id text, at timestamptz NOT NULL, PRIMARY KEY (ticket_id, seq))`);
    await sql.query('CREATE INDEX IF NOT EXISTS replies_by_external_id ON triage.replies (external_id) WHERE external_id IS NOT NULL');
  },

  async reset(tx) {
    await tx.query('DELETE FROM triage.replies');
    await tx.query('DELETE FROM triage.tickets');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const event of events) await applyOne(event as unknown as TicketEvent & RecordedEvent, tx);
  },
};

async function applyOne(event: TicketEvent & RecordedEvent, tx: SqlExecutor): Promise<void> {
  const version = event.revision;
  const touch = (set: string, params: unknown[]) =>
    tx.query(`UPDATE triage.tickets SET version = $2${set ? `, ${set}` : ''} WHERE id = $1`, [event.data.ticketId, version, ...params]);
  switch (event.type) {
    case 'TicketOpened': {
      const d = event.data;
      await tx.query(
        `INSERT INTO triage.tickets (id, account_id, version, channel, subject, description, status, claimed_severity, severity,
           diagnostics, external_id, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
        [d.ticketId, d.accountId, version, d.channel, d.subject, d.description, d.claimedSeverity, { ...emptyDiagnostics(), ...d.diagnostics }, d.externalId, d.receivedAt],
      );
      return;
    }
    case 'DiagnosticsAdded': {
      const [row] = await tx.query<{ diagnostics: any }>('SELECT diagnostics FROM triage.tickets WHERE id = $1', [event.data.ticketId]);
      await touch('diagnostics = $3', [mergeDiagnostics(row?.diagnostics ?? null, event.data.diagnostics)]);
      return;
    }
    case 'TicketAssigned':
      await touch('assignee_id = $3', [event.data.assigneeId]);
      return;
    case 'SeverityAssessed':
      // The assessment applies unless an upheld dispute has put the claim back in effect.
      await touch(`assessed_severity = $3, severity = CASE WHEN dispute->>'status' = 'UPHELD' THEN claimed_severity ELSE $3 END`, [event.data.severity]);
      return;
    case 'SeverityDisputed': {
      const d = event.data;
      await touch('dispute = $3', [{ status: 'OPEN', raisedBy: d.disputedBy, raisedAt: d.disputedAt, reason: d.reason }]);
      return;
    }
    case 'SeverityDisputeResolved': {
      const d = event.data;
      await touch(
        `dispute = dispute || $3::jsonb, severity = CASE WHEN $4 = 'UPHELD' THEN claimed_severity ELSE coalesce(assessed_severity, claimed_severity) END`,
        [{ status: d.outcome, decidedBy: d.decidedBy, decidedAt: d.decidedAt, decisionReason: d.reason }, d.outcome],
      );
      return;
    }
    case 'ReplyAdded': {
      const d = event.data;
      const [row] = await tx.query<{ status: TicketStatus; account_id: string }>('SELECT status, account_id FROM triage.tickets WHERE id = $1', [d.ticketId]);
      if (!row) return;
      await touch('status = $3', [statusAfterReply(row.status, d)]);
      await tx.query(
        `INSERT INTO triage.replies (ticket_id, seq, reply_id, account_id, author_id, author_role, body, visibility, external_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [d.ticketId, version, d.replyId, row.account_id, d.author.id, d.author.role, d.body, d.visibility, d.externalId, d.addedAt],
      );
      return;
    }
    case 'TicketEscalated':
      await touch('escalation_level = $3', [event.data.level]);
      return;
    case 'TicketResolved':
      await touch(`status = 'RESOLVED', resolved_at = $3`, [event.data.resolvedAt]);
      return;
    case 'TicketReopened':
      await touch(`status = 'IN_PROGRESS', resolved_at = NULL`, []);
      return;
    case 'TicketClosed':
      await touch(`status = 'CLOSED', closed_at = $3`, [event.data.closedAt]);
      return;
  }
}
