import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, PageInfoType } from '#platform-kit';
import type { DeliveryStatus } from '../application/outbound.queries.js';

export const DeliveryStatusEnum = { PENDING: 'PENDING', ATTEMPTING: 'ATTEMPTING', RETRYING: 'RETRYING', SUCCEEDED: 'SUCCEEDED', ABANDONED: 'ABANDONED', BOUNCED: 'BOUNCED' } as const;
registerEnumType(DeliveryStatusEnum, {
  name: 'DeliveryStatus',
  description: 'Where a delivery stands',
  valuesMap: {
    PENDING: { description: 'requested, not attempted yet (or waiting for an earlier delivery of its ticket to the same webhook)' },
    ATTEMPTING: { description: 'an attempt is under way (or was cut off; it is made again)' },
    RETRYING: { description: 'the last attempt failed; the next is due at nextAttemptAt' },
    SUCCEEDED: { description: 'the receiver answered 2xx' },
    ABANDONED: { description: 'the retries ran out (24 hours) or the webhook was disabled; lastError says why' },
    BOUNCED: { description: 'an e-mail the SMTP server accepted came back as a failed delivery status notification; lastError has the status and diagnostic' },
  },
});

export const DeliveryKindEnum = { WEBHOOK: 'WEBHOOK', EMAIL: 'EMAIL', PAGING: 'PAGING' } as const;
registerEnumType(DeliveryKindEnum, {
  name: 'DeliveryKind',
  description: 'What a delivery carries',
  valuesMap: {
    WEBHOOK: { description: 'a signed JSON POST to a registered webhook' },
    EMAIL: { description: 'an e-mail reply to the requester (SMTP)' },
    PAGING: { description: 'an on-call page (PagerDuty Events v2 shape)' },
  },
});

export const DeliveryAttemptOutcomeEnum = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' } as const;
registerEnumType(DeliveryAttemptOutcomeEnum, { name: 'DeliveryAttemptOutcome', valuesMap: { SUCCEEDED: { description: 'the receiver answered 2xx' }, FAILED: { description: 'no 2xx answer (no answer, or another status)' } }, description: 'How one attempt ended' });

@InputType('RegisterWebhookInput', { description: 'A receiver of ticket events, POSTed as signed JSON' })
export class RegisterWebhookInput {
  @Field(() => String, { description: 'https URL (plain http only to localhost, when LEDGERDESK_WEBHOOK_ALLOW_LOCALHOST=true); at most 2000 characters' })
  url!: string;
  @Field(() => [String], { description: 'event types to receive, e.g. ["TicketOpened", "ReplyAdded"]; an unknown one is refused with the list of valid ones' })
  eventTypes!: string[];
  @Field(() => ID, { nullable: true, description: "only this account's tickets, internal notes never; leave out for every ticket" })
  accountId?: string | null;
}

@ObjectType('Webhook', { description: 'A registered receiver of ticket events; its signing secret is shown only at registration' })
export class WebhookType {
  @Field(() => ID, { description: 'the webhook id' }) id!: string;
  @Field(() => String, { description: 'where events are POSTed' }) url!: string;
  @Field(() => [String], { description: 'the event types it receives' }) eventTypes!: string[];
  @Field(() => ID, { nullable: true, description: 'the account it is scoped to; null: every ticket' }) accountId!: string | null;
  @Field(() => String, { description: 'SHA-256 (hex) of its signing secret: tells which secret a receiver holds' }) secretFingerprint!: string;
  @Field(() => ID, { description: 'who registered it' }) registeredBy!: string;
  @Field(() => DateTimeScalar, { description: 'when it was registered' }) registeredAt!: Date;
  @Field(() => Boolean, { description: 'false once disabled' }) active!: boolean;
  @Field(() => DateTimeScalar, { description: 'when it was disabled; null while active', nullable: true }) disabledAt!: Date | null;
  @Field(() => String, { description: 'why it was disabled; null while active', nullable: true }) disabledReason!: string | null;
}

@ObjectType('RegisteredWebhook', { description: 'A new webhook: `secret` is shown this once and never again' })
export class RegisteredWebhookType {
  @Field(() => String, { description: 'the signing secret (`whsec_…`): HMAC-SHA256 key of the Ledgerdesk-Signature header' }) secret!: string;
  @Field(() => WebhookType, { description: 'the webhook as `webhooks` lists it' }) webhook!: WebhookType;
}

@ObjectType('DeliveryAttempt', { description: 'One attempt at a delivery, as recorded' })
export class DeliveryAttemptType {
  @Field(() => Int, { description: 'its number: 1 for the first attempt' }) attempt!: number;
  @Field(() => DateTimeScalar, { description: 'when it started' }) attemptedAt!: Date;
  @Field(() => DeliveryAttemptOutcomeEnum, { nullable: true, description: 'null while under way (or cut off by a crash)' }) outcome!: 'SUCCEEDED' | 'FAILED' | null;
  @Field(() => Int, { nullable: true, description: "the receiver's HTTP status; null when it did not answer" }) responseStatus!: number | null;
  @Field(() => String, { description: 'why it failed; null unless FAILED', nullable: true }) error!: string | null;
  @Field(() => Int, { description: 'how long it took, in milliseconds; null while under way', nullable: true }) durationMs!: number | null;
}

@ObjectType('Delivery', { description: 'One ticket event sent to one webhook: its stream `delivery-<id>` is the audit record' })
export class DeliveryType {
  @Field(() => ID, { description: 'the delivery id' }) id!: string;
  @Field(() => DeliveryKindEnum, { description: 'what it carries: a webhook POST, an e-mail reply or a page' }) kind!: 'WEBHOOK' | 'EMAIL' | 'PAGING';
  @Field(() => ID, { description: 'the webhook it goes to; for EMAIL and PAGING the queue, `email` or `paging`' }) webhookId!: string;
  @Field(() => ID, { description: 'the ticket the event is about' }) ticketId!: string;
  @Field(() => ID, { description: 'the log event delivered (the Ledgerdesk-Event-Id header)' }) eventId!: string;
  @Field(() => String, { description: 'the event type, e.g. TicketOpened' }) eventType!: string;
  @Field(() => String, { description: 'the Idempotency-Key header: the same on every attempt, derived from the event and the webhook' }) idempotencyKey!: string;
  @Field(() => String, { description: 'the URL it is sent to' }) url!: string;
  @Field(() => DeliveryStatusEnum, { description: 'where it stands' }) status!: DeliveryStatus;
  @Field(() => Int, { description: 'attempts made so far' }) attempts!: number;
  @Field(() => DateTimeScalar, { description: 'when the delivery was requested' }) requestedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when the latest attempt started; null before the first', nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'when the next attempt is due; null when none is scheduled', nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Int, { description: 'the receiver’s HTTP status on the latest attempt; null when it did not answer or before the first', nullable: true }) lastResponseStatus!: number | null;
  @Field(() => String, { description: 'the latest failure; null if none', nullable: true }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it succeeded or was abandoned' }) finishedAt!: Date | null;
  @Field(() => [DeliveryAttemptType], { description: 'oldest first' }) attemptLog!: DeliveryAttemptType[];
}

@ObjectType('DeliveryEdge', { description: 'One delivery in a page' })
export class DeliveryEdgeType {
  @Field(() => String, { description: 'pass as `after` for the next page' }) cursor!: string;
  @Field(() => DeliveryType, { description: 'the delivery' }) node!: DeliveryType;
}

@ObjectType('DeliveryConnection', { description: 'Deliveries in the order they were requested' })
export class DeliveryConnectionType {
  @Field(() => [DeliveryEdgeType], { description: 'this page' }) edges!: DeliveryEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there is a next page' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many deliveries the webhook has' }) totalCount!: number;
}

export const OnCallProviderEnum = { PAGERDUTY_EVENTS_V2: 'PAGERDUTY_EVENTS_V2', GENERIC_WEBHOOK: 'GENERIC_WEBHOOK' } as const;
registerEnumType(OnCallProviderEnum, {
  name: 'OnCallProvider',
  description: 'Who receives pages',
  valuesMap: {
    PAGERDUTY_EVENTS_V2: { description: 'PagerDuty Events API v2 (https://events.pagerduty.com/v2/enqueue)' },
    GENERIC_WEBHOOK: { description: 'any endpoint taking the same Events v2 JSON body' },
  },
});
export const OnCallTriggerEnum = { TICKET_OPENED: 'TICKET_OPENED', UNASSIGNED: 'UNASSIGNED', SLA_WARNING: 'SLA_WARNING', SLA_BREACH: 'SLA_BREACH' } as const;
registerEnumType(OnCallTriggerEnum, {
  name: 'OnCallTrigger',
  description: 'What pages the on-call',
  valuesMap: {
    TICKET_OPENED: { description: 'a ticket opened with claimed severity P0' },
    UNASSIGNED: { description: 'a P0/P1 routing could give nobody' },
    SLA_WARNING: { description: 'an SLA clock of a P0/P1 reached the contract’s warning percentage (same dedup_key as its breach page: ticket, metric, cycle); resolved when the clock stops' },
    SLA_BREACH: { description: 'an SLA clock of a P0/P1 breached' },
  },
});

@InputType('ConfigureOnCallInput', { description: 'Where on-call pages go and what sends them' })
export class ConfigureOnCallInput {
  @Field(() => OnCallProviderEnum, { description: 'the receiver kind' }) provider!: 'PAGERDUTY_EVENTS_V2' | 'GENERIC_WEBHOOK';
  @Field(() => String, { description: 'endpoint pages are POSTed to (webhook URL rules: https, plain http only to localhost in development)' }) url!: string;
  @Field(() => String, { description: 'routing_key sent with every page (8-128 letters, digits, - or _); kept sealed, never shown again' }) routingKey!: string;
  @Field(() => [String], { description: 'severities that page: P0 and/or P1' }) severities!: string[];
  @Field(() => [OnCallTriggerEnum], { description: 'what pages; at least one' }) triggers!: string[];
}

@ObjectType('OnCallConfig', { description: 'The on-call configuration in force (the routing key is not shown)' })
export class OnCallConfigType {
  @Field(() => OnCallProviderEnum, { description: 'the receiver kind' }) provider!: string;
  @Field(() => String, { description: 'where pages are POSTed' }) url!: string;
  @Field(() => [String], { description: 'severities that page' }) severities!: string[];
  @Field(() => [OnCallTriggerEnum], { description: 'what pages' }) triggers!: string[];
  @Field(() => ID, { description: 'who configured it' }) configuredBy!: string;
  @Field(() => DateTimeScalar, { description: 'when' }) configuredAt!: Date;
}
