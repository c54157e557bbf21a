import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { HealthCheckKind, Severity } from '#contracts';
import { DateTimeScalar, NodeInterface, PageInfoType, SeverityEnum } from '#platform-kit';
import type { HealthCheckStatus } from '../application/health-checks.queries.js';

export const HealthCheckKindEnum = { PERIODIC: 'PERIODIC', PRE_HOLIDAY: 'PRE_HOLIDAY', PRE_PEAK: 'PRE_PEAK', SDK_UPGRADE: 'SDK_UPGRADE' } as const;
registerEnumType(HealthCheckKindEnum, { name: 'HealthCheckKind' });
export const HealthCheckStatusEnum = { SCHEDULED: 'SCHEDULED', COMPLETED: 'COMPLETED', MISSED: 'MISSED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(HealthCheckStatusEnum, { name: 'HealthCheckStatus' });

@InputType('ScheduleHealthCheckInput')
export class ScheduleHealthCheckInput {
  @Field(() => ID) accountId!: string;
  @Field(() => HealthCheckKindEnum) kind!: HealthCheckKind;
  @Field(() => DateTimeScalar) dueAt!: Date;
  @Field(() => String, { nullable: true, description: 'RFC 5545 RRULE, e.g. "FREQ=MONTHLY;BYDAY=1TU"; the next one is scheduled when one completes' })
  recurrence?: string | null;
  @Field(() => String) agenda!: string;
}

@InputType('DeclareTrafficPeakInput')
export class DeclareTrafficPeakInput {
  @Field(() => ID) accountId!: string;
  @Field(() => String) name!: string;
  @Field(() => DateTimeScalar) startsAt!: Date;
  @Field(() => DateTimeScalar) endsAt!: Date;
  @Field(() => Int, { nullable: true }) expectedPeakUsers?: number | null;
}

@InputType('PublishSdkAdvisoryInput')
export class PublishSdkAdvisoryInput {
  @Field(() => String) sdkName!: string;
  @Field(() => String, { description: 'semver range, e.g. ">=4.0.0 <4.2.3"' }) affectedVersions!: string;
  @Field(() => String, { nullable: true }) fixedIn?: string | null;
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => String) summary!: string;
}

@InputType('FindingInput')
export class FindingInput {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => String) summary!: string;
  @Field(() => String) recommendation!: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) openTicket?: boolean | null;
}

@InputType('CompleteHealthCheckInput')
export class CompleteHealthCheckInput {
  @Field(() => String) summary!: string;
  @Field(() => [FindingInput]) findings!: FindingInput[];
}

@InputType('HealthCheckFilter')
export class HealthCheckFilter {
  @Field(() => ID, { nullable: true }) accountId?: string | null;
  @Field(() => ID, { nullable: true }) tamId?: string | null;
  @Field(() => [HealthCheckKindEnum], { nullable: true }) kind?: HealthCheckKind[] | null;
  @Field(() => [HealthCheckStatusEnum], { nullable: true }) status?: HealthCheckStatus[] | null;
  @Field(() => DateTimeScalar, { nullable: true }) dueBefore?: Date | null;
}

@ObjectType('Finding')
export class FindingType {
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => String) summary!: string;
  @Field(() => String) recommendation!: string;
  ticketId!: string | null;
}

@ObjectType('HealthCheck', { implements: () => [NodeInterface] })
export class HealthCheckType {
  @Field(() => ID) id!: string;
  accountId!: string;
  tamId!: string | null;
  @Field(() => HealthCheckKindEnum) kind!: HealthCheckKind;
  @Field(() => HealthCheckStatusEnum) status!: HealthCheckStatus;
  @Field(() => DateTimeScalar) dueAt!: Date;
  @Field(() => String, { nullable: true }) recurrence!: string | null;
  @Field(() => String) agenda!: string;
  @Field(() => String, { nullable: true, description: 'why it was scheduled (the holiday, the peak, the advisory)' }) reason!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) completedAt!: Date | null;
  @Field(() => String, { nullable: true }) summary!: string | null;
  @Field(() => [FindingType]) findings!: FindingType[];
}

@ObjectType('HealthCheckEdge')
export class HealthCheckEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => HealthCheckType) node!: HealthCheckType;
}

@ObjectType('HealthCheckConnection')
export class HealthCheckConnectionType {
  @Field(() => [HealthCheckEdgeType]) edges!: HealthCheckEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('TrafficPeak')
export class TrafficPeakType {
  @Field(() => ID) id!: string;
  accountId!: string;
  @Field(() => String) name!: string;
  @Field(() => DateTimeScalar) startsAt!: Date;
  @Field(() => DateTimeScalar) endsAt!: Date;
  @Field(() => Int, { nullable: true }) expectedPeakUsers!: number | null;
  healthCheckId!: string | null;
}

@ObjectType('SdkAdvisory')
export class SdkAdvisoryType {
  @Field(() => ID) id!: string;
  @Field(() => String) sdkName!: string;
  @Field(() => String) affectedVersions!: string;
  @Field(() => String, { nullable: true }) fixedIn!: string | null;
  @Field(() => SeverityEnum) severity!: Severity;
  @Field(() => String) summary!: string;
}

@ObjectType('AgendaFeedToken', { description: 'A secret for a TAM’s calendar feed URL (calendar apps cannot send headers)' })
export class AgendaFeedTokenType {
  @Field(() => ID) id!: string;
  @Field(() => ID) tamId!: string;
  @Field(() => DateTimeScalar) issuedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'only in issueAgendaFeedToken’s answer; never stored, never shown again' }) token!: string | null;
  @Field(() => String, { nullable: true, description: 'path of the feed with the token, only when just issued' }) url!: string | null;
}
