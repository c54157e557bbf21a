import { TICKET_EVENT_TYPES, type TicketEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { cancelTimer, scheduleTimer } from '#platform-kit';
import { applyTicketEvent, type ReplyView } from '../domain/ticket-view.js';
import { toTicket, type TicketRow } from '../application/tickets.queries.js';
import { autoCloseTimerId, TICKET_AUTO_CLOSE_TIMER } from '../domain/auto-close.js';

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
    // Added with attachments and search; a database from before gets them empty until `projections rebuild triage.tickets`.
    await sql.query(`ALTER TABLE triage.tickets ADD COLUMN IF NOT EXISTS resolution text, ADD COLUMN IF NOT EXISTS root_cause text,
      ADD COLUMN IF NOT EXISTS updated_at timestamptz, ADD COLUMN IF NOT EXISTS attachments jsonb NOT NULL DEFAULT '[]'`);
    // Added with follow-ups (issue 16); older rows read null (no follow-up existed before).
    await sql.query('ALTER TABLE triage.tickets ADD COLUMN IF NOT EXISTS follow_up_of text, ADD COLUMN IF NOT EXISTS requester jsonb, ADD COLUMN IF NOT EXISTS followers jsonb');
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_follow_up_of ON triage.tickets (follow_up_of) WHERE follow_up_of IS NOT NULL');
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_account ON triage.tickets (account_id, opened_at, id)');
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_opening ON triage.tickets (opened_at, id)');
    await sql.query('CREATE INDEX IF NOT EXISTS tickets_by_assignee ON triage.tickets (assignee_id) WHERE status NOT IN (\'RESOLVED\', \'CLOSED\')');
    await sql.query(`CREATE TABLE IF NOT EXISTS triage.replies (
      ticket_id text NOT NULL, seq int NOT NULL, reply_id text NOT NULL, account_id text NOT NULL,
      author_id text NOT NULL, author_role text NOT NULL, body text NOT NULL, visibility text NOT NULL,
      external_id text, at timestamptz NOT NULL, PRIMARY KEY (ticket_id, seq))`);
    await sql.query('ALTER TABLE triage.replies ADD COLUMN IF NOT EXISTS incident_update_id text');
    await sql.query('CREATE INDEX IF NOT EXISTS replies_by_external_id ON triage.replies (external_id) WHERE external_id IS NOT NULL');
  },

  async reset(tx) {
    await tx.query('DELETE FROM triage.replies');
    await tx.query('DELETE FROM triage.tickets');
  },

  // Per batch: every ticket's row is read in one query, each event folded in memory by the same pure
  // applyTicketEvent, then every changed row written by one multi-row upsert and every reply by one insert —
  // a handful of statements per batch instead of two or three per event.
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const ids = [...new Set(events.map((event) => (event.data as { ticketId: string }).ticketId))];
    const stored = new Map<string, TicketRow>();
    for (const row of await tx.query<Record<string, any>>('SELECT * FROM triage.tickets WHERE id = ANY($1)', [ids])) stored.set(row.id, toTicket(row));
    const changed = new Set<string>();
    const replies = new Map<string, ReplyRecord>();
    for (const recorded of events) {
      const event = recorded as unknown as TicketEvent & RecordedEvent;
      const ticketId = event.data.ticketId;
      const row = stored.get(ticketId);
      const view = applyTicketEvent(row ? { ...row, replies: [] } : null, event, event.revision);
      if (!view) continue;
      const { replies: viewReplies, ...next } = view;
      stored.set(ticketId, row ? upserted(row, next) : next);
      changed.add(ticketId);
      const reply = event.type === 'ReplyAdded' ? viewReplies.at(-1) : undefined;
      const key = `${view.id}\n${event.revision}`;
      // The first insert of a (ticket, seq) wins, as with ON CONFLICT DO NOTHING one event at a time.
      if (reply && !replies.has(key)) replies.set(key, { ticketId: view.id, seq: event.revision, accountId: view.accountId, reply });
    }
    await writeTickets(tx, [...changed].map((id) => stored.get(id)!));
    await writeReplies(tx, [...replies.values()]);
    await moveAutoCloseTimers(tx, events as unknown as readonly TicketEvent[]);
  },
};

/** A resolution sets its ticket's quiet-period timer (replacing an earlier one); a reopening or closing drops it. */
async function moveAutoCloseTimers(tx: SqlExecutor, events: readonly TicketEvent[]): Promise<void> {
  for (const event of events) {
    if (event.type === 'TicketResolved' && event.data.autoCloseAt) {
      const { ticketId, resolvedAt, autoCloseAt } = event.data;
      await scheduleTimer(tx, { id: autoCloseTimerId(ticketId), kind: TICKET_AUTO_CLOSE_TIMER, dueAt: new Date(autoCloseAt), payload: { ticketId, resolvedAt } });
    } else if (event.type === 'TicketReopened' || event.type === 'TicketClosed') {
      await cancelTimer(tx, autoCloseTimerId(event.data.ticketId));
    }
  }
}

interface ReplyRecord {
  ticketId: string;
  seq: number;
  accountId: string;
  reply: ReplyView;
}

/**
 * The row as the upsert leaves it: a new view over an existing row keeps the columns its ON CONFLICT does
 * not update (a repeated TicketOpened cannot rename, move or re-date a ticket).
 */
function upserted(existing: TicketRow, view: TicketRow): TicketRow {
  return {
    ...view,
    id: existing.id,
    accountId: existing.accountId,
    channel: existing.channel,
    subject: existing.subject,
    description: existing.description,
    claimedSeverity: existing.claimedSeverity,
    externalId: existing.externalId,
    openedAt: existing.openedAt,
    followUpOf: existing.followUpOf,
    requester: existing.requester,
    followers: existing.followers,
  };
}

// Rows travel as one JSON document unpacked by jsonb_to_recordset: one native JSON.stringify per batch instead of
// escaping every element of a dozen array parameters; a JSON null arrives as SQL NULL, as a null parameter did.

async function writeTickets(tx: SqlExecutor, rows: readonly TicketRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO triage.tickets (id, account_id, version, channel, subject, description, status, claimed_severity, assessed_severity,
       severity, dispute, assignee_id, diagnostics, escalation_level, external_id, opened_at, resolved_at, closed_at,
       resolution, root_cause, updated_at, attachments, follow_up_of, requester, followers)
     SELECT id, account_id, version, channel, subject, description, status, claimed_severity, assessed_severity,
       severity, dispute, assignee_id, diagnostics, escalation_level, external_id, opened_at, resolved_at, closed_at,
       resolution, root_cause, updated_at, attachments, follow_up_of, requester, followers
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, account_id text, version int, channel text, subject text, description text,
       status text, claimed_severity text, assessed_severity text, severity text, dispute jsonb, assignee_id text, diagnostics jsonb,
       escalation_level int, external_id text, opened_at timestamptz, resolved_at timestamptz, closed_at timestamptz,
       resolution text, root_cause text, updated_at timestamptz, attachments jsonb, follow_up_of text, requester jsonb, followers jsonb)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status, assessed_severity = EXCLUDED.assessed_severity,
       severity = EXCLUDED.severity, dispute = EXCLUDED.dispute, assignee_id = EXCLUDED.assignee_id, diagnostics = EXCLUDED.diagnostics,
       escalation_level = EXCLUDED.escalation_level, resolved_at = EXCLUDED.resolved_at, closed_at = EXCLUDED.closed_at,
       resolution = EXCLUDED.resolution, root_cause = EXCLUDED.root_cause, updated_at = EXCLUDED.updated_at, attachments = EXCLUDED.attachments`,
    [
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          account_id: r.accountId,
          version: r.version,
          channel: r.channel,
          subject: r.subject,
          description: r.description,
          status: r.status,
          claimed_severity: r.claimedSeverity,
          assessed_severity: r.assessedSeverity,
          severity: r.severity,
          dispute: r.dispute,
          assignee_id: r.assigneeId,
          diagnostics: r.diagnostics,
          escalation_level: r.escalationLevel,
          external_id: r.externalId,
          opened_at: r.openedAt,
          resolved_at: r.resolvedAt,
          closed_at: r.closedAt,
          resolution: r.resolution,
          root_cause: r.rootCause,
          updated_at: r.updatedAt,
          attachments: r.attachments,
          follow_up_of: r.followUpOf,
          requester: r.requester,
          followers: r.followers,
        })),
      ),
    ],
  );
}

async function writeReplies(tx: SqlExecutor, rows: readonly ReplyRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO triage.replies (ticket_id, seq, reply_id, account_id, author_id, author_role, body, visibility, external_id, at, incident_update_id)
     SELECT ticket_id, seq, reply_id, account_id, author_id, author_role, body, visibility, external_id, at, incident_update_id
     FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, seq int, reply_id text, account_id text, author_id text, author_role text,
       body text, visibility text, external_id text, at timestamptz, incident_update_id text)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        rows.map((r) => ({
          ticket_id: r.ticketId,
          seq: r.seq,
          reply_id: r.reply.id,
          account_id: r.accountId,
          author_id: r.reply.authorId,
          author_role: r.reply.authorRole,
          body: r.reply.body,
          visibility: r.reply.visibility,
          external_id: r.reply.externalId,
          at: r.reply.at,
          incident_update_id: r.reply.incidentUpdateId ?? null,
        })),
      ),
    ],
  );
}
