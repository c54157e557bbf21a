import type { Actor } from '#event-store';

// Outbound: webhooks (`webhook-<id>`) and the deliveries made to them (`delivery-<id>`), written by the outbound
// context. A delivery's stream is the audit record of what was sent, when, and what the receiver answered.
// schemaVersion 1.

export interface WebhookRegistered {
  type: 'WebhookRegistered';
  data: {
    webhookId: string;
    url: string;
    eventTypes: string[];
    /** Only this account's tickets (and never internal notes); null: every ticket. */
    accountId: string | null;
    /**
     * The signing secret, AES-256-GCM encrypted under the platform's webhook key: HMAC signing needs the secret
     * itself, so a hash cannot do; a copy of the log without the key does not reveal it.
     */
    secretCiphertext: string;
    /** SHA-256 (hex) of the secret, to tell which one a receiver holds without showing it. */
    secretFingerprint: string;
    registeredBy: Actor;
    registeredAt: string;
  };
}
export interface WebhookDisabled {
  type: 'WebhookDisabled';
  data: { webhookId: string; reason: string; disabledBy: Actor; disabledAt: string };
}
/** A new signing secret (shown once to the admin who rotated it): attempts made after this event sign with it. */
export interface WebhookSecretRotated {
  type: 'WebhookSecretRotated';
  data: { webhookId: string; secretCiphertext: string; secretFingerprint: string; rotatedBy: Actor; rotatedAt: string };
}
/**
 * The platform disabled a hook that kept failing: a delivery to it was abandoned after its 24 h of retries, and no
 * delivery to the hook succeeded in that time (recorded by the `outbound.auto-disable` reactor, event id from the
 * abandonment). Like WebhookDisabled, no new deliveries go to it; an ADMIN sees it in `webhooks` with the reason.
 */
export interface WebhookAutoDisabled {
  type: 'WebhookAutoDisabled';
  data: {
    webhookId: string;
    /** `failing since <first attempt>: <last error>` — what `webhooks` shows as disabledReason. */
    reason: string;
    /** The abandoned delivery's last error. */
    lastError: string;
    /** The abandoned delivery, and when its first attempt of the run that failed was made. */
    deliveryId: string;
    failingSince: string;
    disabledAt: string;
  };
}
/**
 * A disabled hook (by hand or by the platform) delivers again: events recorded after this one go to it; those
 * recorded while it was disabled never do (they were not requested for it).
 */
export interface WebhookEnabled {
  type: 'WebhookEnabled';
  data: { webhookId: string; enabledBy: Actor; enabledAt: string };
}
export type WebhookEvent = WebhookRegistered | WebhookDisabled | WebhookSecretRotated | WebhookAutoDisabled | WebhookEnabled;

/** What a receiver gets: the body of the POST (JSON). */
export interface WebhookPayload {
  /** The log event's id (also the `Ledgerdesk-Event-Id` header). */
  id: string;
  type: string;
  occurredAt: string;
  ticketId: string;
  accountId: string;
  data: unknown;
}

/** An e-mail reply as it is sent (plain text): the body of an EMAIL delivery. */
export interface EmailMessage {
  /** Chosen by the platform, derived from the delivery id: the same on every attempt (`<delivery-id@from-domain>`). */
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** The customer's message this answers (threading); null when the thread has none. */
  inReplyTo: string | null;
  references: string[];
  /** The staff reply it carries. */
  replyId: string;
}

/** A page in the PagerDuty Events v2 shape, as recorded (the routing key is added when it is sent, never logged). */
export interface PagingEvent {
  /** `resolve` closes the page of the same dedup_key (the ticket was taken, answered or resolved); it carries no payload. */
  event_action: 'trigger' | 'resolve';
  /** Ticket + reason (+ metric and cycle for a breach): a repeat of the same page is deduplicated by the receiver. */
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: 'TICKET_OPENED' | 'SLA_WARNING' | 'SLA_BREACH' | 'UNASSIGNED';
    custom_details: Record<string, unknown>;
  };
}

/** What a delivery carries: a webhook's signed POST (the default, and every delivery before kinds existed), an e-mail, a page. */
export type DeliveryKind = 'WEBHOOK' | 'EMAIL' | 'PAGING';

export interface DeliveryRequested {
  type: 'DeliveryRequested';
  data: {
    deliveryId: string;
    /** Absent on webhook deliveries recorded before e-mail and paging existed: WEBHOOK. */
    kind?: DeliveryKind;
    /** The hook (WEBHOOK); for EMAIL and PAGING the queue's name, `email` or `paging` (one ticket's go in order). */
    webhookId: string;
    /** Derived from the source event id and the webhook: the same for every attempt, so receivers can drop repeats. */
    idempotencyKey: string;
    /** The target: the hook's URL, `mailto:<recipients>`, or the paging endpoint. */
    url: string;
    ticketId: string;
    accountId: string;
    sourceEventId: string;
    sourceEventType: string;
    payload: WebhookPayload | EmailMessage | PagingEvent;
    requestedAt: string;
  };
}
export interface DeliveryAttempted {
  type: 'DeliveryAttempted';
  /** Recorded before the request leaves: a crash during it shows as an attempt without an outcome. */
  data: { deliveryId: string; attempt: number; attemptedAt: string };
}
export interface DeliverySucceeded {
  type: 'DeliverySucceeded';
  data: { deliveryId: string; attempt: number; responseStatus: number; responseBody: string; durationMs: number; succeededAt: string };
}
export interface DeliveryFailed {
  type: 'DeliveryFailed';
  data: {
    deliveryId: string;
    attempt: number;
    /** The receiver's HTTP status; null when no answer came (refused, unreachable, timed out). */
    responseStatus: number | null;
    responseBody: string | null;
    error: string;
    durationMs: number;
    failedAt: string;
    /** When the next attempt is due; null when this was the last one (a DeliveryAbandoned follows). */
    nextAttemptAt: string | null;
  };
}
export interface DeliveryAbandoned {
  type: 'DeliveryAbandoned';
  data: { deliveryId: string; attempts: number; lastError: string; abandonedAt: string };
}
/**
 * An admin asked for a finished (succeeded or abandoned) delivery to be sent again: the next attempt is made with
 * the same payload and idempotency key, and a new 24 h retry window starts with it.
 */
export interface DeliveryRedeliveryRequested {
  type: 'DeliveryRedeliveryRequested';
  data: { deliveryId: string; requestedBy: Actor; requestedAt: string };
}
/**
 * A delivery status notification (RFC 3464, multipart/report; report-type=delivery-status) came back through the
 * inbound mail channel for an e-mail delivery: the receiving side accepted the mail and then failed it. Recorded by
 * the `outbound.bounces` reactor from the channel's `BounceReported` (earlier ones by the channel itself). One event
 * per reported recipient; ids from delivery, the report's own Message-ID and the recipient make a repeat a no-op.
 */
export interface DeliveryBounced {
  type: 'DeliveryBounced';
  data: {
    deliveryId: string;
    /** The report's Final-Recipient (or Original-Recipient), lowercase; null when the report names none. */
    recipient: string | null;
    /** The report's Action: `failed` or `delayed` (RFC 3464 §2.3.3). */
    action: string;
    /** The enhanced status code, e.g. `5.1.1` (permanent when it starts with 5). */
    status: string | null;
    /** The Diagnostic-Code, e.g. `smtp; 550 5.1.1 user unknown` (at most 1 KiB). */
    diagnostic: string | null;
    /** The Message-ID of the report itself. */
    reportMessageId: string;
    bouncedAt: string;
  };
}
export type DeliveryEvent = DeliveryRequested | DeliveryAttempted | DeliverySucceeded | DeliveryFailed | DeliveryAbandoned | DeliveryRedeliveryRequested | DeliveryBounced;

export const DELIVERY_EVENT_TYPES: readonly DeliveryEvent['type'][] = [
  'DeliveryRequested',
  'DeliveryAttempted',
  'DeliverySucceeded',
  'DeliveryFailed',
  'DeliveryAbandoned',
  'DeliveryRedeliveryRequested',
  'DeliveryBounced',
];

/**
 * What pages the on-call: TICKET_OPENED (a P0 opened), UNASSIGNED (a P0/P1 nobody can take), SLA_WARNING (a P0/P1
 * clock reached its warning percentage), SLA_BREACH (a P0/P1 clock breached).
 */
export type OnCallTrigger = 'TICKET_OPENED' | 'UNASSIGNED' | 'SLA_WARNING' | 'SLA_BREACH';
export const ON_CALL_TRIGGERS: readonly OnCallTrigger[] = ['TICKET_OPENED', 'UNASSIGNED', 'SLA_WARNING', 'SLA_BREACH'];
export type OnCallProvider = 'PAGERDUTY_EVENTS_V2' | 'GENERIC_WEBHOOK';
/**
 * The on-call configuration (stream `oncall`), replacing LEDGERDESK_PAGING_URL / _ROUTING_KEY from its place in the
 * log on. The routing key is sealed like a webhook secret (AES-256-GCM under the platform's webhook key).
 */
export interface OnCallConfigured {
  type: 'OnCallConfigured';
  data: {
    provider: OnCallProvider;
    url: string;
    routingKeyCiphertext: string;
    /** Only tickets of these severities page (P0/P1: the only ones any trigger pages). */
    severities: ('P0' | 'P1')[];
    triggers: OnCallTrigger[];
    configuredBy: Actor;
    configuredAt: string;
  };
}

export const outboundStreams = {
  onCall: () => 'oncall',
  webhook: (webhookId: string) => `webhook-${webhookId}`,
  delivery: (deliveryId: string) => `delivery-${deliveryId}`,
} as const;
