import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Severity, SlaMetric } from '#contracts';
import { MoneyType } from '#accounts';
import { ActorType, AuditEventType, NodeInterface, DateTimeScalar, SeverityEnum, SlaMetricEnum } from '#platform-kit';

export const ClaimStatusEnum = { PENDING: 'PENDING', APPROVED: 'APPROVED', REJECTED: 'REJECTED' } as const;
registerEnumType(ClaimStatusEnum, { name: 'ClaimStatus' });
export const ClaimDecisionEnum = { APPROVE: 'APPROVE', REJECT: 'REJECT' } as const;
registerEnumType(ClaimDecisionEnum, { name: 'ClaimDecision' });

@InputType('FileBreachClaimInput')
export class FileBreachClaimInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => SlaMetricEnum) metric!: SlaMetric;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) cycle!: number;
  @Field(() => String) statement!: string;
}

@ObjectType('BreachVerdict')
export class BreachVerdictType {
  @Field(() => Boolean) breached!: boolean;
  @Field(() => SeverityEnum) severityApplied!: Severity;
  @Field(() => Int) contractVersion!: number;
  @Field(() => Int) calendarVersion!: number;
  @Field(() => DateTimeScalar, { nullable: true }) dueAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) stoppedAt!: Date | null;
  @Field(() => Int, { description: 'in the clock’s own minutes (business minutes under BUSINESS_HOURS)' }) minutesLate!: number;
  evidenceIds!: string[];
  ticketId!: string;
}

@ObjectType('BreachClaim', { implements: () => [NodeInterface] })
export class BreachClaimType {
  @Field(() => ID) id!: string;
  ticketId!: string;
  @Field(() => SlaMetricEnum) metric!: SlaMetric;
  @Field(() => Int) cycle!: number;
  @Field(() => String) statement!: string;
  @Field(() => ActorType) filedBy!: ActorType;
  @Field(() => DateTimeScalar) filedAt!: Date;
  @Field(() => BreachVerdictType, { description: 'computed from the record when filed' }) verdict!: BreachVerdictType;
  @Field(() => MoneyType, { description: 'by the contract’s credit rules and monthly cap; zero when not breached' }) proposedCredit!: MoneyType;
  @Field(() => ClaimStatusEnum) status!: string;
  @Field(() => ActorType, { nullable: true }) decidedBy!: ActorType | null;
  @Field(() => String, { nullable: true }) decisionReason!: string | null;
  @Field(() => MoneyType, { nullable: true, description: 'issued credit once APPROVED' }) credit!: MoneyType | null;
}

export { AuditEventType };
