import type { DeliveryRequested, WebhookRegistered } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Which delivery streams belong to a ticket (ordered by request time, then id: no serial, so a rebuild gives the same rows), and which account each webhook is scoped to — kept
 * by audit from the log (`DeliveryRequested`, `WebhookRegistered`), so verification and evidence bundles find a
 * ticket's deliveries without reading the outbound context's schema.
 */
export const ticketDeliveriesProjection: Projection = {
  name: 'audit.ticket-deliveries',
  eventTypes: ['DeliveryRequested', 'WebhookRegistered'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS audit');
    await sql.query(
      'CREATE TABLE IF NOT EXISTS audit.ticket_deliveries (delivery_id text PRIMARY KEY, ticket_id text NOT NULL, webhook_id text NOT NULL, requested_at timestamptz NOT NULL)',
    );
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_deliveries_by_ticket ON audit.ticket_deliveries (ticket_id, requested_at, delivery_id)');
    await sql.query('CREATE TABLE IF NOT EXISTS audit.webhook_accounts (webhook_id text PRIMARY KEY, account_id text)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM audit.ticket_deliveries');
    await tx.query('DELETE FROM audit.webhook_accounts');
  },

  /** The two tables are independent: a batch's deliveries go in one statement. */
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    const requested: DeliveryRequested['data'][] = [];
    for (const recorded of events) {
      if (recorded.type === 'WebhookRegistered') {
        const d = (recorded as unknown as WebhookRegistered).data;
        await tx.query('INSERT INTO audit.webhook_accounts (webhook_id, account_id) VALUES ($1, $2) ON CONFLICT (webhook_id) DO NOTHING', [d.webhookId, d.accountId]);
      } else {
        requested.push((recorded as unknown as DeliveryRequested).data);
      }
    }
    if (requested.length === 0) return;
    await tx.query(
      `INSERT INTO audit.ticket_deliveries (delivery_id, ticket_id, webhook_id, requested_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT (delivery_id) DO NOTHING`,
      [requested.map((d) => d.deliveryId), requested.map((d) => d.ticketId), requested.map((d) => d.webhookId), requested.map((d) => d.requestedAt)],
    );
  },
};
