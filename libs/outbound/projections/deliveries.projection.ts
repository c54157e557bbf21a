import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from '#contracts';
import type { RecordedEvent, SqlExecutor } from '#event-store';
import type { Projection } from '#projections';
import { cancelTimer, scheduleTimer } from '#platform-kit';

export const OUTBOUND_DELIVERIES = 'outbound.deliveries';
export const DELIVERY_RETRY_TIMER = 'outbound.delivery-retry';
export const retryTimerId = (deliveryId: string) => `outbound-retry:${deliveryId}`;

/**
 * Every delivery's state, in the order they were requested (`seq`: a delivery waits until the earlier ones
 * of its webhook and ticket are done, so a receiver gets a ticket's events in order), its attempts, and the
 * retry timer of a failed one.
 */
export const deliveriesProjection: Projection = {
  name: OUTBOUND_DELIVERIES,
  eventTypes: DELIVERY_EVENT_TYPES,

  async setup(sql) {
    await sql.query('CREATE SCHEMA IF NOT EXISTS outbound');
    await sql.query(`CREATE TABLE IF NOT EXISTS outbound.deliveries (
      id text PRIMARY KEY, seq bigserial NOT NULL, webhook_id text NOT NULL, ticket_id text NOT NULL, account_id text NOT NULL,
      source_event_id text NOT NULL, source_event_type text NOT NULL, idempotency_key text NOT NULL, url text NOT NULL,
      status text NOT NULL, attempts integer NOT NULL DEFAULT 0, requested_at timestamptz NOT NULL,
      last_attempt_at timestamptz, next_attempt_at timestamptz, last_response_status integer, last_error text,
      finished_at timestamptz, attempt_log jsonb NOT NULL DEFAULT '[]')`);
    // What the delivery carries (WEBHOOK, EMAIL, PAGING); tables made before kinds existed get the column.
    await sql.query(`ALTER TABLE outbound.deliveries ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'WEBHOOK'`);
    await sql.query('CREATE INDEX IF NOT EXISTS deliveries_queue ON outbound.deliveries (webhook_id, ticket_id, seq)');
    await sql.query('CREATE INDEX IF NOT EXISTS deliveries_ticket ON outbound.deliveries (ticket_id, seq)');
    await sql.query(`CREATE INDEX IF NOT EXISTS deliveries_open ON outbound.deliveries (seq) WHERE status IN ('PENDING', 'ATTEMPTING')`);
  },

  async reset(tx) {
    await tx.query('DELETE FROM outbound.deliveries');
  },

  /**
   * Event by event, but a run of consecutive `DeliveryRequested` is one INSERT (seq in log order) and a run of
   * consecutive `DeliveryAttempted` of distinct deliveries one UPDATE: the dispatcher's passes append them in runs.
   */
  async apply(events: readonly RecordedEvent[], tx: SqlExecutor) {
    for (let i = 0; i < events.length; ) {
      const type = events[i]!.type;
      let end = i + 1;
      while (end < events.length && events[end]!.type === type) end += 1;
      const run = events.slice(i, end) as unknown as DeliveryEvent[];
      i = end;
      if (run.length > 1 && type === 'DeliveryRequested') {
        await insertRequested(tx, run.map((event) => (event as Extract<DeliveryEvent, { type: 'DeliveryRequested' }>).data));
        continue;
      }
      if (run.length > 1 && type === 'DeliveryAttempted') {
        const attempts = run.map((event) => (event as Extract<DeliveryEvent, { type: 'DeliveryAttempted' }>).data);
        if (new Set(attempts.map((a) => a.deliveryId)).size === attempts.length) {
          await tx.query(
            `UPDATE outbound.deliveries d SET status = 'ATTEMPTING', attempts = a.attempt, last_attempt_at = a.attempted_at, next_attempt_at = NULL,
               attempt_log = d.attempt_log || jsonb_build_array(jsonb_build_object('attempt', a.attempt, 'attemptedAt', a.attempted_text, 'outcome', NULL))
             FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[]) AS a(id, attempt, attempted_at, attempted_text)
             WHERE d.id = a.id AND d.attempts < a.attempt`,
            [attempts.map((a) => a.deliveryId), attempts.map((a) => a.attempt), attempts.map((a) => a.attemptedAt), attempts.map((a) => a.attemptedAt)],
          );
          continue;
        }
      }
      for (const event of run) await applyOne(tx, event);
    }
  },
};

async function insertRequested(tx: SqlExecutor, requests: readonly Extract<DeliveryEvent, { type: 'DeliveryRequested' }>['data'][]): Promise<void> {
  const column = <T>(pick: (d: (typeof requests)[number]) => T) => requests.map(pick);
  await tx.query(
    `INSERT INTO outbound.deliveries (id, webhook_id, ticket_id, account_id, source_event_id, source_event_type, idempotency_key, url, status, requested_at, kind)
     SELECT id, webhook_id, ticket_id, account_id, source_event_id, source_event_type, idempotency_key, url, 'PENDING', requested_at, kind
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
       WITH ORDINALITY AS r(id, webhook_id, ticket_id, account_id, source_event_id, source_event_type, idempotency_key, url, requested_at, kind, n)
     ORDER BY n ON CONFLICT (id) DO NOTHING`,
    [
      column((d) => d.deliveryId),
      column((d) => d.webhookId),
      column((d) => d.ticketId),
      column((d) => d.accountId),
      column((d) => d.sourceEventId),
      column((d) => d.sourceEventType),
      column((d) => d.idempotencyKey),
      column((d) => d.url),
      column((d) => d.requestedAt),
      column((d) => d.kind ?? 'WEBHOOK'),
    ],
  );
}

async function applyOne(tx: SqlExecutor, event: DeliveryEvent): Promise<void> {
  switch (event.type) {
    case 'DeliveryRequested': {
      const d = event.data;
      await tx.query(
        `INSERT INTO outbound.deliveries (id, webhook_id, ticket_id, account_id, source_event_id, source_event_type, idempotency_key, url, status, requested_at, kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $9, $10) ON CONFLICT (id) DO NOTHING`,
        [d.deliveryId, d.webhookId, d.ticketId, d.accountId, d.sourceEventId, d.sourceEventType, d.idempotencyKey, d.url, d.requestedAt, d.kind ?? 'WEBHOOK'],
      );
      break;
    }
    case 'DeliveryAttempted':
      await tx.query(
        `UPDATE outbound.deliveries SET status = 'ATTEMPTING', attempts = $2, last_attempt_at = $3, next_attempt_at = NULL,
         attempt_log = attempt_log || $4::jsonb WHERE id = $1 AND attempts < $2`,
        [event.data.deliveryId, event.data.attempt, event.data.attemptedAt, JSON.stringify([{ attempt: event.data.attempt, attemptedAt: event.data.attemptedAt, outcome: null }])],
      );
      break;
    case 'DeliverySucceeded':
      await recordOutcome(tx, event.data.deliveryId, event.data.attempt, { outcome: 'SUCCEEDED', responseStatus: event.data.responseStatus, error: null, durationMs: event.data.durationMs }, {
        sql: `status = 'SUCCEEDED', last_response_status = $4, last_error = NULL, finished_at = $5`,
        params: [event.data.responseStatus, event.data.succeededAt],
      });
      // A retry timer exists only after a failed attempt; attempts are numbered on across redeliveries, so a first one had none.
      if (event.data.attempt > 1) await cancelTimer(tx, retryTimerId(event.data.deliveryId));
      break;
    case 'DeliveryFailed': {
      const d = event.data;
      await recordOutcome(tx, d.deliveryId, d.attempt, { outcome: 'FAILED', responseStatus: d.responseStatus, error: d.error, durationMs: d.durationMs }, {
        sql: `status = 'RETRYING', last_response_status = $4, last_error = $5, next_attempt_at = $6`,
        params: [d.responseStatus, d.error, d.nextAttemptAt],
      });
      if (d.nextAttemptAt) {
        await scheduleTimer(tx, { id: retryTimerId(d.deliveryId), kind: DELIVERY_RETRY_TIMER, dueAt: new Date(d.nextAttemptAt), payload: { deliveryId: d.deliveryId } });
      }
      break;
    }
    case 'DeliveryAbandoned':
      await tx.query(`UPDATE outbound.deliveries SET status = 'ABANDONED', last_error = $2, next_attempt_at = NULL, finished_at = $3 WHERE id = $1`, [
        event.data.deliveryId,
        event.data.lastError,
        event.data.abandonedAt,
      ]);
      await cancelTimer(tx, retryTimerId(event.data.deliveryId));
      break;
    case 'DeliveryRedeliveryRequested':
      await tx.query(`UPDATE outbound.deliveries SET status = 'PENDING', next_attempt_at = NULL, finished_at = NULL WHERE id = $1`, [event.data.deliveryId]);
      break;
    case 'DeliveryBounced': {
      const d = event.data;
      const error = `bounced by ${d.recipient ?? 'the receiving side'}: ${d.status ?? 'no status'}${d.diagnostic ? ` (${d.diagnostic})` : ''}`;
      // A `delayed` report is news, not an outcome: only a `failed` one marks the delivery bounced.
      if (d.action === 'failed') {
        await tx.query(`UPDATE outbound.deliveries SET status = 'BOUNCED', last_error = $2, next_attempt_at = NULL, finished_at = coalesce(finished_at, $3) WHERE id = $1`, [d.deliveryId, error, d.bouncedAt]);
        await cancelTimer(tx, retryTimerId(d.deliveryId));
      } else {
        await tx.query(`UPDATE outbound.deliveries SET last_error = $2 WHERE id = $1`, [d.deliveryId, error]);
      }
      break;
    }
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The outcome goes onto its attempt's entry of the log, and the row's status columns (`set`, parameters from $4)
 * change in the same statement (idempotent: replaying it writes the same).
 */
async function recordOutcome(tx: SqlExecutor, deliveryId: string, attempt: number, outcome: Record<string, unknown>, set: { sql: string; params: unknown[] }): Promise<void> {
  await tx.query(
    `UPDATE outbound.deliveries SET attempt_log = (
       SELECT coalesce(jsonb_agg(CASE WHEN (entry->>'attempt')::int = $2 THEN entry || $3::jsonb ELSE entry END ORDER BY ordinality), '[]'::jsonb)
       FROM jsonb_array_elements(attempt_log) WITH ORDINALITY AS entries(entry, ordinality)), ${set.sql}
     WHERE id = $1`,
    [deliveryId, attempt, JSON.stringify(outcome), ...set.params],
  );
}
