import type { DeliveryRequested, WebhookRegistered } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';

/**
 * Which delivery streams belong to a ticket, in request order, and which account each webhook is scoped to — kept
 * by audit from the log (`DeliveryRequested`, `WebhookRegistered`), so verification and evidence bundles find a
 * ticket's deliveries without reading the outbound context's schema.
 */
export const ticketDeliveriesProjection: Projection = {
  name: 'audit.ticket-deliveries',
  eventTypes: ['DeliveryRequested', 'WebhookRegistered'],

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS audit');
    await sql.query(
      'CREATE TABLE IF NOT EXISTS audit.ticket_deliveries (delivery_id text PRIMARY KEY, seq bigserial NOT NULL, ticket_id text NOT NULL, webhook_id text NOT NULL)',
    );
    await sql.query('CREATE INDEX IF NOT EXISTS ticket_deliveries_by_ticket ON audit.ticket_deliveries (ticket_id, seq)');
    await sql.query('CREATE TABLE IF NOT EXISTS audit.webhook_accounts (webhook_id text PRIMARY KEY, account_id text)');
  },

  async reset(tx) {
    await tx.query('DELETE FROM audit.ticket_deliveries');
    await tx.query('DELETE FROM audit.webhook_accounts');
  },

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    // One statement per event keeps `seq` in log order (a batch insert from a recordset would not promise it).
    for (const recorded of events) {
      if (recorded.type === 'WebhookRegistered') {
        const d = (recorded as unknown as WebhookRegistered).data;
        await tx.query('INSERT INTO audit.webhook_accounts (webhook_id, account_id) VALUES ($1, $2) ON CONFLICT (webhook_id) DO NOTHING', [d.webhookId, d.accountId]);
      } else {
        const d = (recorded as unknown as DeliveryRequested).data;
        await tx.query('INSERT INTO audit.ticket_deliveries (delivery_id, ticket_id, webhook_id) VALUES ($1, $2, $3) ON CONFLICT (delivery_id) DO NOTHING', [
          d.deliveryId,
          d.ticketId,
          d.webhookId,
        ]);
      }
    }
  },
};
