import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Severity, SlaMetric } from '#contracts';
import { ActorType, AuditEventType, NodeInterface, DateTimeScalar, PageInfoType, SeverityEnum, SlaMetricEnum, MoneyType } from '#platform-kit';

export const ClaimStatusEnum = { PENDING: 'PENDING', APPROVED: 'APPROVED', REJECTED: 'REJECTED' } as const;
registerEnumType(ClaimStatusEnum, { name: 'ClaimStatus', description: 'Where a breach claim stands', valuesMap: { PENDING: { description: 'filed, not decided' }, APPROVED: { description: 'approved: the credit is issued' }, REJECTED: { description: 'rejected' } } });
export const ClaimDecisionEnum = { APPROVE: 'APPROVE', REJECT: 'REJECT' } as const;
registerEnumType(ClaimDecisionEnum, { name: 'ClaimDecision', description: 'An admin’s decision on a breach claim', valuesMap: { APPROVE: { description: 'approve and issue the proposed credit' }, REJECT: { description: 'reject' } } });

@InputType('FileBreachClaimInput', { description: 'A claim that one SLA clock was breached, asking for the contract’s service credit' })
export class FileBreachClaimInput {
  @Field(() => ID, { description: 'the ticket' }) ticketId!: string;
  @Field(() => SlaMetricEnum, { description: 'the clock’s metric' }) metric!: SlaMetric;
  @Field(() => Int, { description: 'the clock’s cycle (NEXT_UPDATE counts from 1; other metrics: 1)', nullable: true, defaultValue: 1 }) cycle!: number;
  @Field(() => String, { description: 'the claimant’s statement' }) statement!: string;
}

@ObjectType('BreachVerdict', { description: 'The platform’s verdict on one clock, recomputed from the record under the severity in effect' })
export class BreachVerdictType {
  @Field(() => Boolean, { description: 'whether the clock missed its target' }) breached!: boolean;
  @Field(() => SeverityEnum, { description: 'the severity the verdict was computed under' }) severityApplied!: Severity;
  @Field(() => Int, { description: 'the contract version pinned to the ticket' }) contractVersion!: number;
  @Field(() => Int, { description: 'the calendar version pinned to the ticket' }) calendarVersion!: number;
  @Field(() => DateTimeScalar, { description: 'when the target was due; null if it never came due', nullable: true }) dueAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'when the clock stopped; null if it had not stopped', nullable: true }) stoppedAt!: Date | null;
  @Field(() => Int, { description: 'in the clock’s own minutes (business minutes under BUSINESS_HOURS)' }) minutesLate!: number;
  evidenceIds!: string[];
  ticketId!: string;
}

@ObjectType('BreachClaim', { description: 'A filed claim for a service credit over one breached SLA clock; a customer sees only their account’s', implements: () => [NodeInterface] })
export class BreachClaimType {
  @Field(() => ID, { description: 'the claim id' }) id!: string;
  ticketId!: string;
  @Field(() => SlaMetricEnum, { description: 'the claimed clock’s metric' }) metric!: SlaMetric;
  @Field(() => Int, { description: 'the claimed clock’s cycle' }) cycle!: number;
  @Field(() => String, { description: 'the claimant’s statement' }) statement!: string;
  @Field(() => ActorType, { description: 'who filed it' }) filedBy!: ActorType;
  @Field(() => DateTimeScalar, { description: 'when it was filed' }) filedAt!: Date;
  @Field(() => BreachVerdictType, { description: 'computed from the record when filed' }) verdict!: BreachVerdictType;
  @Field(() => MoneyType, { description: 'by the contract’s credit rules and monthly cap; zero when not breached' }) proposedCredit!: MoneyType;
  @Field(() => ClaimStatusEnum, { description: 'PENDING until an admin decides' }) status!: string;
  @Field(() => ActorType, { description: 'who decided it; null while PENDING', nullable: true }) decidedBy!: ActorType | null;
  @Field(() => String, { description: 'the reason given with the decision; null while PENDING', nullable: true }) decisionReason!: string | null;
  @Field(() => MoneyType, { nullable: true, description: 'issued credit once APPROVED' }) credit!: MoneyType | null;
}

@ObjectType('BreachClaimEdge', { description: 'One breach claim in a page' })
export class BreachClaimEdgeType {
  @Field(() => String, { description: 'pass as `after` to page on from here' }) cursor!: string;
  @Field(() => BreachClaimType, { description: 'the claim' }) node!: BreachClaimType;
}

@ObjectType('BreachClaimConnection', { description: 'Breach claims, newest filed first' })
export class BreachClaimConnectionType {
  @Field(() => [BreachClaimEdgeType], { description: 'this page' }) edges!: BreachClaimEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there are more pages, and their cursors' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many match the filters' }) totalCount!: number;
}

export { AuditEventType };
