import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { formatPosition, type RecordedEvent } from '#event-store';
import { DateTimeScalar, JsonScalar } from './scalars.js';
import { RoleEnum } from '../time/time.resolver.js';

/** Who did something, as events record it. */
@ObjectType('Actor', { description: 'Who did something: a staff member, a customer, an admin or an integration' })
export class ActorType {
  @Field(() => ID) id!: string;
  @Field(() => RoleEnum) role!: string;
  @Field(() => String, {
    nullable: true,
    description: 'the staff member’s name for registered staff (engineers, TAMs); null for others, whose tokens carry no name',
  })
  displayName?: string | null;
}

/** One recorded event as auditors see it: content, actor, reason and its place in the hash chain. */
@ObjectType('AuditEvent')
export class AuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => String) type!: string;
  @Field(() => String) stream!: string;
  @Field(() => Int) revision!: number;
  @Field(() => String, { description: 'position in the global log' }) position!: string;
  @Field(() => DateTimeScalar) occurredAt!: Date;
  @Field(() => DateTimeScalar) recordedAt!: Date;
  @Field(() => ActorType) actor!: ActorType;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => JsonScalar) data!: unknown;
  @Field(() => String, { description: 'SHA-256 over the canonical event and previousHash' }) hash!: string;
  @Field(() => String, { nullable: true }) previousHash!: string | null;
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
