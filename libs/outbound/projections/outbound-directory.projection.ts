import type { TicketOpened, WebhookEvent } from '#contracts';
import { formatPosition, type RecordedEvent, type SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

export const OUTBOUND_DIRECTORY = 'outbound.directory';

/**
 * What the outbox needs to decide who gets an event: the webhooks (with the log positions of their
 * registration and disabling, and the spans it was disabled before being enabled again, so an event goes to the
 * hooks that were active at its place in the log), and
 * each ticket's account (only TicketOpened carries it).
 */
export const outboundDirectoryProjection: Projection = {
  name: OUTBOUND_DIRECTORY,
  eventTypes: ['WebhookRegistered', 'WebhookDisabled', 'WebhookAutoDisabled', 'WebhookEnabled', 'WebhookSecretRotated', 'TicketOpened'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS outbound');
    await sql.query(`CREATE TABLE IF NOT EXISTS outbound.webhooks (
      id text PRIMARY KEY, url text NOT NULL, event_types text[] NOT NULL, account_id text,
      secret_ciphertext text NOT NULL, secret_fingerprint text NOT NULL,
      registered_by text NOT NULL, registered_at timestamptz NOT NULL, registered_position text NOT NULL,
      disabled_at timestamptz, disabled_reason text, disabled_position text)`);
    // [disabled position, enabled position) of each time it was disabled and enabled again.
    await sql.query(`ALTER TABLE outbound.webhooks ADD COLUMN IF NOT EXISTS inactive_spans jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await sql.query('CREATE INDEX IF NOT EXISTS webhooks_registered ON outbound.webhooks (registered_at, id)');
    await sql.query('CREATE TABLE IF NOT EXISTS outbound.tickets (ticket_id text PRIMARY KEY, account_id text NOT NULL)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM outbound.webhooks');
    await tx.query('DELETE FROM outbound.tickets');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (const recorded of events) {
      const event = recorded as unknown as WebhookEvent | TicketOpened;
      const position = formatPosition(recorded.position);
      if (event.type === 'TicketOpened') {
        await tx.query('INSERT INTO outbound.tickets (ticket_id, account_id) VALUES ($1, $2) ON CONFLICT (ticket_id) DO NOTHING', [event.data.ticketId, event.data.accountId]);
      } else if (event.type === 'WebhookRegistered') {
        const d = event.data;
        await tx.query(
          `INSERT INTO outbound.webhooks (id, url, event_types, account_id, secret_ciphertext, secret_fingerprint, registered_by, registered_at, registered_position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
          [d.webhookId, d.url, d.eventTypes, d.accountId, d.secretCiphertext, d.secretFingerprint, d.registeredBy.id, d.registeredAt, position],
        );
      } else if (event.type === 'WebhookSecretRotated') {
        await tx.query('UPDATE outbound.webhooks SET secret_ciphertext = $2, secret_fingerprint = $3 WHERE id = $1', [event.data.webhookId, event.data.secretCiphertext, event.data.secretFingerprint]);
      } else if (event.type === 'WebhookEnabled') {
        await tx.query(
          `UPDATE outbound.webhooks SET inactive_spans = inactive_spans || jsonb_build_array(jsonb_build_object('from', disabled_position, 'to', $2::text)),
             disabled_at = NULL, disabled_reason = NULL, disabled_position = NULL
           WHERE id = $1 AND disabled_position IS NOT NULL`,
          [event.data.webhookId, position],
        );
      } else {
        await tx.query('UPDATE outbound.webhooks SET disabled_at = $2, disabled_reason = $3, disabled_position = $4 WHERE id = $1 AND disabled_at IS NULL', [
          event.data.webhookId,
          event.data.disabledAt,
          event.data.reason,
          position,
        ]);
      }
    }
  },
};
