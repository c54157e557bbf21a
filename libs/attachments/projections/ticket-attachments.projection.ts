import type { AttachmentAdded, TicketOpened } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Which ticket (and so which account) each attachment belongs to, and whether it is internal: what a download is
 * authorised against and what keeps an upload from being swept. The uploads themselves (`attachments.uploads`)
 * are no read model: they are what `POST /attachments` stored before anything was recorded, so a rebuild leaves them.
 */
export const ticketAttachmentsProjection: Projection = {
  name: 'attachments.ticket_attachments',
  eventTypes: ['TicketOpened', 'AttachmentAdded'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS attachments');
    await sql.query(`CREATE TABLE IF NOT EXISTS attachments.uploads (
      id text PRIMARY KEY, sha256 text NOT NULL, size bigint NOT NULL, file_name text NOT NULL, content_type text NOT NULL,
      uploaded_by text NOT NULL, account_id text, uploaded_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS uploads_by_sha256 ON attachments.uploads (sha256)');
    await sql.query('CREATE TABLE IF NOT EXISTS attachments.ticket_accounts (ticket_id text PRIMARY KEY, account_id text NOT NULL)');
    await sql.query(`CREATE TABLE IF NOT EXISTS attachments.ticket_attachments (
      id text PRIMARY KEY, ticket_id text NOT NULL, account_id text NOT NULL, sha256 text NOT NULL, size bigint NOT NULL,
      file_name text NOT NULL, content_type text NOT NULL, visibility text NOT NULL)`);
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_attachments_by_sha256 ON attachments.ticket_attachments (sha256)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM attachments.ticket_attachments');
    await tx.query('DELETE FROM attachments.ticket_accounts');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const event of events) {
      if (event.type === 'TicketOpened') {
        const d = event.data as TicketOpened['data'];
        await tx.query('INSERT INTO attachments.ticket_accounts (ticket_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [d.ticketId, d.accountId]);
      } else {
        const d = event.data as AttachmentAdded['data'];
        // The first ticket to record an upload keeps it.
        await tx.query(
          `INSERT INTO attachments.ticket_attachments (id, ticket_id, account_id, sha256, size, file_name, content_type, visibility)
           SELECT $1, $2, a.account_id, $3, $4, $5, $6, $7 FROM attachments.ticket_accounts a WHERE a.ticket_id = $2
           ON CONFLICT DO NOTHING`,
          [d.id, d.ticketId, d.sha256, d.size, d.fileName, d.contentType, d.visibility],
        );
      }
    }
  },
};
