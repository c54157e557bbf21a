import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, PageInfoType } from '#platform-kit';
import type { DeliveryStatus } from '../application/outbound.queries.js';

export const DeliveryStatusEnum = { PENDING: 'PENDING', ATTEMPTING: 'ATTEMPTING', RETRYING: 'RETRYING', SUCCEEDED: 'SUCCEEDED', ABANDONED: 'ABANDONED' } as const;
registerEnumType(DeliveryStatusEnum, {
  name: 'DeliveryStatus',
  description: 'Where a delivery stands',
  valuesMap: {
    PENDING: { description: 'requested, not attempted yet (or waiting for an earlier delivery of its ticket to the same webhook)' },
    ATTEMPTING: { description: 'an attempt is under way (or was cut off; it is made again)' },
    RETRYING: { description: 'the last attempt failed; the next is due at nextAttemptAt' },
    SUCCEEDED: { description: 'the receiver answered 2xx' },
    ABANDONED: { description: 'the retries ran out (24 hours) or the webhook was disabled; lastError says why' },
  },
});

export const DeliveryAttemptOutcomeEnum = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' } as const;
registerEnumType(DeliveryAttemptOutcomeEnum, { name: 'DeliveryAttemptOutcome', description: 'How one attempt ended' });

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
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => [String], { description: 'the event types it receives' }) eventTypes!: string[];
  @Field(() => ID, { nullable: true, description: 'the account it is scoped to; null: every ticket' }) accountId!: string | null;
  @Field(() => String, { description: 'SHA-256 (hex) of its signing secret: tells which secret a receiver holds' }) secretFingerprint!: string;
  @Field(() => ID, { description: 'who registered it' }) registeredBy!: string;
  @Field(() => DateTimeScalar) registeredAt!: Date;
  @Field(() => Boolean, { description: 'false once disabled' }) active!: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) disabledAt!: Date | null;
  @Field(() => String, { nullable: true }) disabledReason!: string | null;
}

@ObjectType('RegisteredWebhook', { description: 'A new webhook: `secret` is shown this once and never again' })
export class RegisteredWebhookType {
  @Field(() => String, { description: 'the signing secret (`whsec_…`): HMAC-SHA256 key of the Ledgerdesk-Signature header' }) secret!: string;
  @Field(() => WebhookType) webhook!: WebhookType;
}

@ObjectType('DeliveryAttempt', { description: 'One attempt at a delivery, as recorded' })
export class DeliveryAttemptType {
  @Field(() => Int) attempt!: number;
  @Field(() => DateTimeScalar) attemptedAt!: Date;
  @Field(() => DeliveryAttemptOutcomeEnum, { nullable: true, description: 'null while under way (or cut off by a crash)' }) outcome!: 'SUCCEEDED' | 'FAILED' | null;
  @Field(() => Int, { nullable: true, description: "the receiver's HTTP status; null when it did not answer" }) responseStatus!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int, { nullable: true }) durationMs!: number | null;
}

@ObjectType('Delivery', { description: 'One ticket event sent to one webhook: its stream `delivery-<id>` is the audit record' })
export class DeliveryType {
  @Field(() => ID) id!: string;
  @Field(() => ID) webhookId!: string;
  @Field(() => ID) ticketId!: string;
  @Field(() => ID, { description: 'the log event delivered (the Ledgerdesk-Event-Id header)' }) eventId!: string;
  @Field(() => String) eventType!: string;
  @Field(() => String, { description: 'the Idempotency-Key header: the same on every attempt, derived from the event and the webhook' }) idempotencyKey!: string;
  @Field(() => String) url!: string;
  @Field(() => DeliveryStatusEnum) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => DateTimeScalar) requestedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true }) lastResponseStatus!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it succeeded or was abandoned' }) finishedAt!: Date | null;
  @Field(() => [DeliveryAttemptType], { description: 'oldest first' }) attemptLog!: DeliveryAttemptType[];
}

@ObjectType('DeliveryEdge')
export class DeliveryEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => DeliveryType) node!: DeliveryType;
}

@ObjectType('DeliveryConnection', { description: 'Deliveries in the order they were requested' })
export class DeliveryConnectionType {
  @Field(() => [DeliveryEdgeType]) edges!: DeliveryEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) totalCount!: number;
}
