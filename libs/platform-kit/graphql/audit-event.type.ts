import { Directive, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { formatPosition, type RecordedEvent } from '#event-store';
import { DateTimeScalar, JsonScalar } from './scalars.js';
import { RoleEnum } from '../time/time.resolver.js';

/** Who did something, as events record it. */
/**
 * An entity keyed by the whole of what an event records of its actor (`id role`), so that the accounts subgraph,
 * which knows staff names, can add `displayName` (ActorNamesResolver) to an actor any subgraph returns.
 */
@ObjectType('Actor', { description: 'Who did something: a staff member, a customer, an admin or an integration' })
@Directive('@key(fields: "id role")')
export class ActorType {
  @Field(() => ID, { description: 'the principal’s id (the token subject)' }) id!: string;
  @Field(() => RoleEnum, { description: 'the role they acted with' }) role!: string;
  /** A GraphQL field only where the accounts context runs (ActorNamesResolver). */
  displayName?: string | null;
}

/** One recorded event as auditors see it: content, actor, reason and its place in the hash chain. */
@ObjectType('AuditEvent', { description: 'One recorded event as auditors see it: content, actor, reason and its place in the hash chain' })
@Directive('@shareable')
export class AuditEventType {
  @Field(() => ID, { description: 'the event id' }) id!: string;
  @Field(() => String, { description: 'the event type, e.g. TicketOpened' }) type!: string;
  @Field(() => String, { description: 'the stream it belongs to, e.g. the ticket’s' }) stream!: string;
  @Field(() => Int, { description: 'its position in its stream (0 for the first)' }) revision!: number;
  @Field(() => String, { description: 'position in the global log' }) position!: string;
  @Field(() => DateTimeScalar, { description: 'when it happened, on the platform clock' }) occurredAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when it was written to the log' }) recordedAt!: Date;
  @Field(() => ActorType, { description: 'who recorded it' }) actor!: ActorType;
  @Field(() => String, { description: 'the reason given with the command, if any', nullable: true }) reason!: string | null;
  @Field(() => JsonScalar, { description: 'the event’s content as JSON' }) data!: unknown;
  @Field(() => String, { description: 'SHA-256 over the canonical event and previousHash' }) hash!: string;
  @Field(() => String, { description: 'the hash of the event before it in the chain; null for the first', nullable: true }) previousHash!: string | null;
}

export function toAuditEvent(event: RecordedEvent): AuditEventType {
  return {
    id: event.id,
    type: event.type,
    stream: event.stream,
    revision: event.revision,
    position: formatPosition(event.position),
    occurredAt: new Date(event.metadata.occurredAt),
    recordedAt: new Date(event.recordedAt),
    actor: event.metadata.actor,
    reason: event.metadata.reason ?? null,
    data: event.data,
    hash: event.hash,
    previousHash: event.previousHash,
  };
}
