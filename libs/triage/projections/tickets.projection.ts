import { TICKET_EVENT_TYPES, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { applyTicketEvent, type TicketView } from '../domain/ticket-view.js';
import { toTicket } from '../application/tickets.queries.js';

/**
 * The support queue's read model: one row per ticket (with its stream revision as `version`) and its replies,
 * each event folded by the same pure `applyTicketEvent` that history-as-of uses. Every row carries
 * account_id, so a customer's every read filters by it.
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
  const [row] = event.type === 'TicketOpened' ? [] : await tx.query<Record<string, any>>('SELECT * FROM triage.tickets WHERE id = $1', [event.data.ticketId]);
  const current: TicketView | null = row ? { ...toTicket(row), replies: [] } : null;
  const view = applyTicketEvent(current, event, event.revision);
  if (!view) return;
  await tx.query(
    `INSERT INTO triage.tickets (id, account_id, version, channel, subject, description, status, claimed_severity, assessed_severity,
       severity, dispute, assignee_id, diagnostics, escalation_level, external_id, opened_at, resolved_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status, assessed_severity = EXCLUDED.assessed_severity,
       severity = EXCLUDED.severity, dispute = EXCLUDED.dispute, assignee_id = EXCLUDED.assignee_id, diagnostics = EXCLUDED.diagnostics,
       escalation_level = EXCLUDED.escalation_level, resolved_at = EXCLUDED.resolved_at, closed_at = EXCLUDED.closed_at`,
    [
      view.id, view.accountId, view.version, view.channel, view.subject, view.description, view.status, view.claimedSeverity,
      view.assessedSeverity, view.severity, view.dispute, view.assigneeId, view.diagnostics, view.escalationLevel, view.externalId,
      view.openedAt, view.resolvedAt, view.closedAt,
    ],
  );
  const reply = event.type === 'ReplyAdded' ? view.replies.at(-1) : undefined;
  if (reply) {
    await tx.query(
      `INSERT INTO triage.replies (ticket_id, seq, reply_id, account_id, author_id, author_role, body, visibility, external_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [view.id, event.revision, reply.id, view.accountId, reply.authorId, reply.authorRole, reply.body, reply.visibility, reply.externalId, reply.at],
    );
  }
}
