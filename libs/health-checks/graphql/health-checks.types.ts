import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { HealthCheckKind, Severity } from '#contracts';
import { DateTimeScalar, NodeInterface, PageInfoType, SeverityEnum } from '#platform-kit';
import type { HealthCheckStatus } from '../application/health-checks.queries.js';

export const HealthCheckKindEnum = { PERIODIC: 'PERIODIC', PRE_HOLIDAY: 'PRE_HOLIDAY', PRE_PEAK: 'PRE_PEAK', SDK_UPGRADE: 'SDK_UPGRADE' } as const;
registerEnumType(HealthCheckKindEnum, { name: 'HealthCheckKind', description: 'Why a health check is held', valuesMap: { PERIODIC: { description: 'a regular (often recurring) check-in' }, PRE_HOLIDAY: { description: 'before a holiday' }, PRE_PEAK: { description: 'before a declared traffic peak' }, SDK_UPGRADE: { description: 'an account’s tickets report an SDK version an advisory covers' } } });
export const HealthCheckStatusEnum = { SCHEDULED: 'SCHEDULED', COMPLETED: 'COMPLETED', MISSED: 'MISSED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(HealthCheckStatusEnum, { name: 'HealthCheckStatus', description: 'Where a health check stands', valuesMap: { SCHEDULED: { description: 'due, not done' }, COMPLETED: { description: 'done, with a summary and findings' }, MISSED: { description: 'not completed in time after it was due' }, CANCELLED: { description: 'cancelled' } } });

@InputType('ScheduleHealthCheckInput', { description: 'A proactive check-in for an account' })
export class ScheduleHealthCheckInput {
  @Field(() => ID, { description: 'the account' }) accountId!: string;
  @Field(() => HealthCheckKindEnum, { description: 'what kind of check' }) kind!: HealthCheckKind;
  @Field(() => DateTimeScalar, { description: 'when it is due' }) dueAt!: Date;
  @Field(() => String, { nullable: true, description: 'RFC 5545 RRULE, e.g. "FREQ=MONTHLY;BYDAY=1TU"; the next one is scheduled when one completes' })
  recurrence?: string | null;
  @Field(() => String, { description: 'what the check-in covers' }) agenda!: string;
}

@InputType('DeclareTrafficPeakInput', { description: 'An expected traffic peak of an account (a launch, a sale)' })
export class DeclareTrafficPeakInput {
  @Field(() => ID, { description: 'the account' }) accountId!: string;
  @Field(() => String, { description: 'what the peak is, e.g. "Singles’ Day sale"' }) name!: string;
  @Field(() => DateTimeScalar, { description: 'when it starts' }) startsAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when it ends' }) endsAt!: Date;
  @Field(() => Int, { description: 'expected concurrent users at the peak; null: not given', nullable: true }) expectedPeakUsers?: number | null;
}

@InputType('PublishSdkAdvisoryInput', { description: 'An advisory about affected versions of an SDK' })
export class PublishSdkAdvisoryInput {
  @Field(() => String, { description: 'the SDK, as tickets’ diagnostics name it' }) sdkName!: string;
  @Field(() => String, { description: 'semver range, e.g. ">=4.0.0 <4.2.3"' }) affectedVersions!: string;
  @Field(() => String, { description: 'the first fixed version; null: no fix yet', nullable: true }) fixedIn?: string | null;
  @Field(() => SeverityEnum, { description: 'how serious the advisory is' }) severity!: Severity;
  @Field(() => String, { description: 'what is wrong' }) summary!: string;
}

@InputType('FindingInput', { description: 'One finding of a completed health check' })
export class FindingInput {
  @Field(() => SeverityEnum, { description: 'how serious it is' }) severity!: Severity;
  @Field(() => String, { description: 'what was found' }) summary!: string;
  @Field(() => String, { description: 'what the customer should do' }) recommendation!: string;
  @Field(() => Boolean, { description: 'open a HEALTH_CHECK ticket for it', nullable: true, defaultValue: false }) openTicket?: boolean | null;
}

@InputType('CompleteHealthCheckInput', { description: 'The outcome of a health check' })
export class CompleteHealthCheckInput {
  @Field(() => String, { description: 'the check’s summary' }) summary!: string;
  @Field(() => [FindingInput], { description: 'its findings (may be empty)' }) findings!: FindingInput[];
}

@InputType('HealthCheckFilter', { description: 'Which health checks to list; fields combine with AND, lists match any of their values' })
export class HealthCheckFilter {
  @Field(() => ID, { description: 'only this account’s', nullable: true }) accountId?: string | null;
  @Field(() => ID, { description: 'only this TAM’s', nullable: true }) tamId?: string | null;
  @Field(() => [HealthCheckKindEnum], { description: 'only these kinds', nullable: true }) kind?: HealthCheckKind[] | null;
  @Field(() => [HealthCheckStatusEnum], { description: 'only these statuses', nullable: true }) status?: HealthCheckStatus[] | null;
  @Field(() => DateTimeScalar, { description: 'only those due before this instant', nullable: true }) dueBefore?: Date | null;
}

@ObjectType('Finding', { description: 'One finding of a completed health check' })
export class FindingType {
  @Field(() => SeverityEnum, { description: 'how serious it is' }) severity!: Severity;
  @Field(() => String, { description: 'what was found' }) summary!: string;
  @Field(() => String, { description: 'what the customer should do' }) recommendation!: string;
  ticketId!: string | null;
}

@ObjectType('HealthCheck', { description: 'A proactive check-in of an account by its TAM; customers see their own account’s only', implements: () => [NodeInterface] })
export class HealthCheckType {
  @Field(() => ID, { description: 'the check id' }) id!: string;
  accountId!: string;
  tamId!: string | null;
  @Field(() => HealthCheckKindEnum, { description: 'what kind of check' }) kind!: HealthCheckKind;
  @Field(() => HealthCheckStatusEnum, { description: 'where it stands' }) status!: HealthCheckStatus;
  @Field(() => DateTimeScalar, { description: 'when it is due' }) dueAt!: Date;
  @Field(() => String, { description: 'RFC 5545 RRULE of a recurring check; null: one-off', nullable: true }) recurrence!: string | null;
  @Field(() => String, { description: 'what the check-in covers' }) agenda!: string;
  @Field(() => String, { nullable: true, description: 'why it was scheduled (the holiday, the peak, the advisory)' }) reason!: string | null;
  @Field(() => DateTimeScalar, { description: 'when it was completed; null unless COMPLETED', nullable: true }) completedAt!: Date | null;
  @Field(() => String, { description: 'the outcome’s summary; null unless COMPLETED', nullable: true }) summary!: string | null;
  @Field(() => [FindingType], { description: 'the outcome’s findings; empty unless COMPLETED' }) findings!: FindingType[];
}

@ObjectType('HealthCheckEdge', { description: 'One health check in a page' })
export class HealthCheckEdgeType {
  @Field(() => String, { description: 'pass as `after` (or `before`) to page on from here' }) cursor!: string;
  @Field(() => HealthCheckType, { description: 'the check' }) node!: HealthCheckType;
}

@ObjectType('HealthCheckConnection', { description: 'A page of health checks' })
export class HealthCheckConnectionType {
  @Field(() => [HealthCheckEdgeType], { description: 'this page' }) edges!: HealthCheckEdgeType[];
  @Field(() => PageInfoType, { description: 'whether there are more pages, and their cursors' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'how many checks match the filter' }) totalCount!: number;
}

@ObjectType('TrafficPeak', { description: 'An expected traffic peak of an account' })
export class TrafficPeakType {
  @Field(() => ID, { description: 'the peak id' }) id!: string;
  accountId!: string;
  @Field(() => String, { description: 'what the peak is' }) name!: string;
  @Field(() => DateTimeScalar, { description: 'when it starts' }) startsAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when it ends' }) endsAt!: Date;
  @Field(() => Int, { description: 'expected concurrent users at the peak; null: not given', nullable: true }) expectedPeakUsers!: number | null;
  healthCheckId!: string | null;
}

@ObjectType('SdkAdvisory', { description: 'An advisory about affected versions of an SDK (staff only)' })
export class SdkAdvisoryType {
  @Field(() => ID, { description: 'the advisory id' }) id!: string;
  @Field(() => String, { description: 'the SDK' }) sdkName!: string;
  @Field(() => String, { description: 'semver range of affected versions' }) affectedVersions!: string;
  @Field(() => String, { description: 'the first fixed version; null: no fix yet', nullable: true }) fixedIn!: string | null;
  @Field(() => SeverityEnum, { description: 'how serious it is' }) severity!: Severity;
  @Field(() => String, { description: 'what is wrong' }) summary!: string;
}

@ObjectType('AgendaFeedToken', { description: 'A secret for a TAM’s calendar feed URL (calendar apps cannot send headers)' })
export class AgendaFeedTokenType {
  @Field(() => ID, { description: 'the token id (not the secret)' }) id!: string;
  @Field(() => ID, { description: 'the TAM whose agenda it serves' }) tamId!: string;
  @Field(() => DateTimeScalar, { description: 'when it was issued' }) issuedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'when it was revoked; null while it works', nullable: true }) revokedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'only in issueAgendaFeedToken’s answer; never stored, never shown again' }) token!: string | null;
  @Field(() => String, { nullable: true, description: 'path of the feed with the token, only when just issued' }) url!: string | null;
}
