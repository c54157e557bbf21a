import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Channel, Severity, SlaMetric } from '#contracts';
import { ActorType, ChannelEnum, DateScalar, DateTimeScalar, SeverityEnum, SlaMetricEnum, MoneyType } from '#platform-kit';
import { REPORT_DIMENSIONS } from '../application/sla-report.queries.js';

export const SlaReportDimensionEnum = Object.fromEntries(REPORT_DIMENSIONS.map((d) => [d, d])) as { [K in (typeof REPORT_DIMENSIONS)[number]]: K };
registerEnumType(SlaReportDimensionEnum, { name: 'SlaReportDimension', valuesMap: { ACCOUNT: { description: 'by account' }, MONTH: { description: 'by calendar month' }, SEVERITY: { description: 'by severity' }, METRIC: { description: 'by SLA metric' }, CHANNEL: { description: 'by channel' }, ASSIGNEE: { description: 'by assigned engineer' } }, description: 'what the rows of an SLA report are grouped by' });

@InputType('SlaReportFilter', { description: 'which clocks and tickets an SLA report counts' })
export class SlaReportFilterInput {
  @Field(() => [ID], { nullable: true, description: 'the accounts (all when omitted; a customer gets only their own)' })
  accountIds!: string[] | null;
  @Field(() => DateScalar, { description: 'first day counted, in each account’s zone (a clock counts on the day of its dueAt)' })
  from!: string;
  @Field(() => DateScalar, { description: 'last day counted (inclusive); at most 24 months after from' })
  to!: string;
  @Field(() => [SeverityEnum], { nullable: true, description: 'only these severities in effect' })
  severities!: Severity[] | null;
  @Field(() => [ChannelEnum], { nullable: true, description: 'only tickets from these channels' })
  channels!: Channel[] | null;
  @Field(() => [SlaMetricEnum], { nullable: true, description: 'only these clocks (resolution figures ignore it)' })
  metrics!: SlaMetric[] | null;
}

@ObjectType('MinuteStats', { description: 'mean and nearest-rank percentiles of minutes, over stopped clocks' })
export class MinuteStatsType {
  @Field(() => Float, { nullable: true, description: 'arithmetic mean; null without stopped clocks' }) mean!: number | null;
  @Field(() => Float, { nullable: true, description: 'median (nearest rank)' }) p50!: number | null;
  @Field(() => Float, { nullable: true, description: '90th percentile (nearest rank)' }) p90!: number | null;
}

@ObjectType('SlaReportRow', { description: 'SLA figures of one group; a grouping key not asked for is null' })
export class SlaReportRowType {
  @Field(() => ID, { nullable: true, description: 'the account, when grouped by ACCOUNT' }) accountId!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM in the account’s zone, when grouped by MONTH' }) month!: string | null;
  @Field(() => SeverityEnum, { nullable: true, description: 'severity in effect, when grouped by SEVERITY' }) severity!: Severity | null;
  @Field(() => SlaMetricEnum, { nullable: true, description: 'the clock’s metric, when grouped by METRIC' }) metric!: SlaMetric | null;
  @Field(() => ChannelEnum, { nullable: true, description: 'the ticket’s channel, when grouped by CHANNEL' }) channel!: Channel | null;
  @Field(() => ID, { nullable: true, description: 'the ticket’s assignee, when grouped by ASSIGNEE (null also for unassigned)' }) assigneeId!: string | null;
  @Field(() => Int, { description: 'clocks stopped at or before their due time' }) met!: number;
  @Field(() => Int, { description: 'clocks stopped after due, still breached, or cancelled after due' }) missed!: number;
  @Field(() => Float, { nullable: true, description: 'met / (met + missed) in percent; null when neither' }) attainmentPercent!: number | null;
  @Field(() => MinuteStatsType, { description: 'the targets of the stopped clocks, in the clocks’ own minutes' }) promisedMinutes!: MinuteStatsType;
  @Field(() => MinuteStatsType, { description: 'the counted minutes of the stopped clocks' }) actualMinutes!: MinuteStatsType;
  @Field(() => Int, { description: 'tickets first resolved in the range (month of the first resolution)' }) resolvedTickets!: number;
  @Field(() => Float, { nullable: true, description: 'mean wall-clock minutes from received to first resolution' }) meanMinutesToResolve!: number | null;
  @Field(() => Float, { nullable: true, description: 'median (nearest rank) of the same' }) medianMinutesToResolve!: number | null;
  @Field(() => Float, { nullable: true, description: 'share of the resolved tickets reopened afterwards, in percent' }) reopenRatePercent!: number | null;
  @Field(() => Float, { nullable: true, description: 'share resolved after one public staff reply and never reopened, in percent' })
  firstContactResolutionPercent!: number | null;
}

export const SlaStatementStatusEnum = { DRAFT: 'DRAFT', ISSUED: 'ISSUED' } as const;
registerEnumType(SlaStatementStatusEnum, {
  name: 'SlaStatementStatus', valuesMap: { DRAFT: { description: 'not issued: figures as the log stands now' }, ISSUED: { description: 'issued: the figures recorded at issue, as revised since' } },
  description: 'DRAFT: figures as the log stands now, not yet issued; ISSUED: the figures recorded at issue, as revised since',
});

@ObjectType('SlaStatementBreach', { description: 'a clock of the month that missed its target, with its claim if one was filed' })
export class SlaStatementBreachType {
  @Field(() => ID, { description: 'the ticket' }) ticketId!: string;
  @Field(() => SlaMetricEnum, { description: 'which clock' }) metric!: SlaMetric;
  @Field(() => Int, { description: 'the clock’s cycle (NEXT_UPDATE counts several)' }) cycle!: number;
  @Field(() => SeverityEnum, { description: 'severity in effect (after any upheld dispute)' }) severity!: Severity;
  @Field(() => String, { description: 'MISSED, BREACHED (still running past due) or CANCELLED (closed after due)' }) state!: string;
  @Field(() => DateTimeScalar, { description: 'when it was due' }) dueAt!: Date;
  @Field(() => Int, { description: 'minutes past the target, in the clock’s own minutes' }) minutesLate!: number;
  @Field(() => ID, { nullable: true, description: 'the breach claim filed for it, if any' }) claimId!: string | null;
  @Field(() => String, { nullable: true, description: 'PENDING, APPROVED or REJECTED; null when not claimed' }) claimStatus!: string | null;
  @Field(() => MoneyType, { nullable: true, description: 'the credit the claim proposed' }) proposedCredit!: MoneyType | null;
  @Field(() => MoneyType, { nullable: true, description: 'the credit approved' }) credit!: MoneyType | null;
}

@ObjectType('SlaStatementChange', { description: 'one figure of a statement that a revision changed' })
export class SlaStatementChangeType {
  @Field(() => String, { description: 'where: totals.met, bySeverity[P0].missed, breaches[<ticket>/<metric>/<cycle>].claimStatus, approvedCredits.amount…' }) path!: string;
  @Field(() => String, { description: 'the value before, as JSON (null: absent)' }) before!: string;
  @Field(() => String, { description: 'the value after, as JSON (null: absent)' }) after!: string;
}

@ObjectType('SlaStatementRevision', { description: 'a change of an issued statement’s figures, recorded as SlaStatementRevised' })
export class SlaStatementRevisionType {
  @Field(() => Int, { description: '1 for the first revision after issue' }) revision!: number;
  @Field(() => DateTimeScalar, { description: 'when it was recorded' }) revisedAt!: Date;
  @Field(() => ID, { description: 'the recorded event after which the figures were recomputed' }) causeEventId!: string;
  @Field(() => String, { description: 'that event’s type (e.g. SeverityDisputeResolved, BreachClaimDecided)' }) causeEventType!: string;
  @Field(() => [SlaStatementChangeType], { description: 'what changed' }) changes!: SlaStatementChangeType[];
}

@ObjectType('SlaStatement', { description: 'an account’s SLA statement for one calendar month in its zone' })
export class SlaStatementType {
  @Field(() => ID, { description: 'the account' }) accountId!: string;
  @Field(() => String, { description: 'YYYY-MM in the account’s zone' }) month!: string;
  @Field(() => SlaStatementStatusEnum, { description: 'DRAFT while not issued' }) status!: string;
  @Field(() => Boolean, { description: 'true while the month has not ended in the account’s zone' }) monthOpen!: boolean;
  @Field(() => SlaReportRowType, { description: 'the month’s figures, as slaReport gives them for the account' }) figures!: SlaReportRowType;
  @Field(() => [SlaReportRowType], { description: 'the month’s figures per severity' }) bySeverity!: SlaReportRowType[];
  @Field(() => [SlaStatementBreachType], { description: 'every missed clock of the month, in due order' }) breaches!: SlaStatementBreachType[];
  @Field(() => MoneyType, { description: 'sum of the credits the month’s claims proposed, in the contract’s currency' }) proposedCredits!: MoneyType;
  @Field(() => MoneyType, { description: 'sum of the credits approved for the month’s breaches' }) approvedCredits!: MoneyType;
  @Field(() => MoneyType, { description: 'the monthly credit cap of the contract in force at month end' }) creditCap!: MoneyType;
  @Field(() => [Int], { description: 'contract versions in force during the month' }) contractVersions!: number[];
  @Field(() => DateTimeScalar, { nullable: true, description: 'when it was issued; null while DRAFT' }) issuedAt!: Date | null;
  @Field(() => ActorType, { nullable: true, description: 'who issued it' }) issuedBy!: ActorType | null;
  @Field(() => [SlaStatementRevisionType], { description: 'changes recorded after issue (SlaStatementRevised), oldest first' }) revisions!: SlaStatementRevisionType[];
}
