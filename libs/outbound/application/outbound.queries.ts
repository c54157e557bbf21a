import { Inject, Injectable } from '@nestjs/common';
import type { SqlClient } from '#event-store';
import { READ_DB } from '#platform-kit';

export interface WebhookRow {
  id: string;
  url: string;
  eventTypes: string[];
  accountId: string | null;
  secretCiphertext: string;
  secretFingerprint: string;
  registeredBy: string;
  registeredAt: Date;
  registeredPosition: string;
  disabledAt: Date | null;
  disabledReason: string | null;
  disabledPosition: string | null;
  /** Each earlier time it was disabled and enabled again: [from, to) log positions. */
  inactiveSpans: { from: string; to: string }[];
}

export type DeliveryStatus = 'PENDING' | 'ATTEMPTING' | 'RETRYING' | 'SUCCEEDED' | 'ABANDONED' | 'BOUNCED';

export interface DeliveryAttemptEntry {
  attempt: number;
  attemptedAt: string;
  outcome: 'SUCCEEDED' | 'FAILED' | null;
  responseStatus?: number | null;
  error?: string | null;
  durationMs?: number;
}

export interface DeliveryRow {
  id: string;
  kind: 'WEBHOOK' | 'EMAIL' | 'PAGING';
  webhookId: string;
  ticketId: string;
  accountId: string;
  sourceEventId: string;
  sourceEventType: string;
  idempotencyKey: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  requestedAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  finishedAt: Date | null;
  attemptLog: DeliveryAttemptEntry[];
}

@Injectable()
export class OutboundQueries {
  constructor(@Inject(READ_DB) private readonly db: SqlClient) {}

  async webhooks(): Promise<WebhookRow[]> {
    return (await this.db.query<Record<string, any>>('SELECT * FROM outbound.webhooks ORDER BY registered_at, id')).map(toWebhook);
  }

  async webhook(id: string): Promise<WebhookRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM outbound.webhooks WHERE id = $1', [id]);
    return row ? toWebhook(row) : null;
  }

  /** Hooks subscribed to this type for this account (or every account), disabled ones included: the caller judges by position. */
  async subscribers(eventType: string, accountId: string): Promise<WebhookRow[]> {
    const rows = await this.db.query<Record<string, any>>(
      'SELECT * FROM outbound.webhooks WHERE $1 = ANY(event_types) AND (account_id IS NULL OR account_id = $2) ORDER BY registered_at, id',
      [eventType, accountId],
    );
    return rows.map(toWebhook);
  }

  /** Hooks subscribed to any of these event types, as `subscribers` orders them (the caller filters by account). */
  async subscribersOfAny(eventTypes: readonly string[]): Promise<WebhookRow[]> {
    const rows = await this.db.query<Record<string, any>>('SELECT * FROM outbound.webhooks WHERE event_types && $1::text[] ORDER BY registered_at, id', [eventTypes]);
    return rows.map(toWebhook);
  }

  /** Each known ticket's account (one statement for a batch of events). */
  async ticketAccounts(ticketIds: readonly string[]): Promise<Map<string, string>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.db.query<{ ticket_id: string; account_id: string }>('SELECT ticket_id, account_id FROM outbound.tickets WHERE ticket_id = ANY($1::text[])', [ticketIds]);
    return new Map(rows.map((row) => [row.ticket_id, row.account_id]));
  }

  /** The on-call configuration in force as the `outbound.on-call` read model has it (null: none recorded). */
  async onCall(): Promise<{ provider: string; url: string; severities: string[]; triggers: string[]; configuredAt: Date } | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM outbound.on_call WHERE slot = $1', ['current']);
    return row ? { provider: row.provider, url: row.url, severities: row.severities, triggers: row.triggers, configuredAt: new Date(row.configured_at) } : null;
  }

  async ticketAccount(ticketId: string): Promise<string | null> {
    const [row] = await this.db.query<{ account_id: string }>('SELECT account_id FROM outbound.tickets WHERE ticket_id = $1', [ticketId]);
    return row?.account_id ?? null;
  }

  async delivery(id: string): Promise<DeliveryRow | null> {
    const [row] = await this.db.query<Record<string, any>>('SELECT * FROM outbound.deliveries WHERE id = $1', [id]);
    return row ? toDelivery(row) : null;
  }

  async deliveriesOfTicket(ticketId: string): Promise<DeliveryRow[]> {
    return (await this.db.query<Record<string, any>>('SELECT * FROM outbound.deliveries WHERE ticket_id = $1 ORDER BY seq', [ticketId])).map(toDelivery);
  }

  async deliveriesOfWebhook(webhookId: string, first: number, afterSeq: string | null): Promise<{ rows: (DeliveryRow & { seq: string })[]; hasNextPage: boolean; totalCount: number }> {
    const rows = await this.db.query<Record<string, any>>(
      'SELECT *, seq::text AS seq_text FROM outbound.deliveries WHERE webhook_id = $1 AND ($2::bigint IS NULL OR seq > $2::bigint) ORDER BY seq LIMIT $3',
      [webhookId, afterSeq, first + 1],
    );
    const [count] = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM outbound.deliveries WHERE webhook_id = $1', [webhookId]);
    return { rows: rows.slice(0, first).map((row) => ({ ...toDelivery(row), seq: row.seq_text })), hasNextPage: rows.length > first, totalCount: Number(count?.n ?? 0) };
  }

  /**
   * Deliveries whose turn it is and that no attempt has been made for: the first not finished of their webhook
   * and ticket, never tried (or, `inFlight`, tried without an outcome recorded: a crash cut it off).
   */
  async ready(limit: number, inFlight: boolean): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT d.id FROM outbound.deliveries d
       WHERE (d.status = 'PENDING' OR ($2 AND d.status = 'ATTEMPTING'))
         AND NOT EXISTS (SELECT 1 FROM outbound.deliveries e WHERE e.webhook_id = d.webhook_id AND e.ticket_id = d.ticket_id AND e.seq < d.seq
                         AND e.status NOT IN ('SUCCEEDED', 'ABANDONED', 'BOUNCED'))
       ORDER BY d.seq LIMIT $1`,
      [limit, inFlight],
    );
    return rows.map((row) => row.id);
  }

  /** Did a delivery to this hook succeed between these instants (platform clock, both included)? */
  async succeededBetween(webhookId: string, from: Date, to: Date): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM outbound.deliveries WHERE webhook_id = $1 AND status = 'SUCCEEDED' AND finished_at >= $2 AND finished_at <= $3 LIMIT 1`,
      [webhookId, from.toISOString(), to.toISOString()],
    );
    return rows.length > 0;
  }

  /** True while an earlier delivery of the same webhook and ticket is not finished: this one waits for it. */
  async waitsForEarlier(deliveryId: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT e.id FROM outbound.deliveries d JOIN outbound.deliveries e ON e.webhook_id = d.webhook_id AND e.ticket_id = d.ticket_id AND e.seq < d.seq
       WHERE d.id = $1 AND e.status NOT IN ('SUCCEEDED', 'ABANDONED', 'BOUNCED') LIMIT 1`,
      [deliveryId],
    );
    return rows.length > 0;
  }
}

const date = (value: unknown) => (value ? new Date(value as string) : null);

function toWebhook(row: Record<string, any>): WebhookRow {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    accountId: row.account_id,
    secretCiphertext: row.secret_ciphertext,
    secretFingerprint: row.secret_fingerprint,
    registeredBy: row.registered_by,
    registeredAt: new Date(row.registered_at),
    registeredPosition: row.registered_position,
    disabledAt: date(row.disabled_at),
    disabledReason: row.disabled_reason,
    disabledPosition: row.disabled_position,
    inactiveSpans: (typeof row.inactive_spans === 'string' ? JSON.parse(row.inactive_spans) : row.inactive_spans) ?? [],
  };
}

function toDelivery(row: Record<string, any>): DeliveryRow {
  return {
    id: row.id,
    kind: row.kind ?? 'WEBHOOK',
    webhookId: row.webhook_id,
    ticketId: row.ticket_id,
    accountId: row.account_id,
    sourceEventId: row.source_event_id,
    sourceEventType: row.source_event_type,
    idempotencyKey: row.idempotency_key,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    requestedAt: new Date(row.requested_at),
    lastAttemptAt: date(row.last_attempt_at),
    nextAttemptAt: date(row.next_attempt_at),
    lastResponseStatus: row.last_response_status,
    lastError: row.last_error,
    finishedAt: date(row.finished_at),
    attemptLog: typeof row.attempt_log === 'string' ? JSON.parse(row.attempt_log) : row.attempt_log,
  };
}
