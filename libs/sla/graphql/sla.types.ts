import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Coverage, Severity, SlaMetric } from '#contracts';
import { CoverageEnum, DateTimeScalar, SeverityEnum, SlaMetricEnum } from '#platform-kit';

export const SlaClockStateEnum = { RUNNING: 'RUNNING', PAUSED: 'PAUSED', BREACHED: 'BREACHED', MET: 'MET', MISSED: 'MISSED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(SlaClockStateEnum, {
  name: 'SlaClockState',
  description: 'RUNNING: not stopped, before due. PAUSED: waiting on the customer. BREACHED: due passed, not stopped yet. MET/MISSED: stopped at-or-before/after due. CANCELLED: no longer applies.',
});

@ObjectType('SlaClock')
export class SlaClockType {
  @Field(() => SlaMetricEnum) metric!: SlaMetric;
  @Field(() => Int, { description: 'NEXT_UPDATE counts cycles from 1; other metrics have cycle 1' }) cycle!: number;
  @Field(() => SlaClockStateEnum) state!: string;
  @Field(() => CoverageEnum) coverage!: Coverage;
  @Field(() => Int) targetMinutes!: number;
  @Field(() => DateTimeScalar) startedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'null while paused' }) dueAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) warnedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) breachedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) stoppedAt!: Date | null;
  @Field(() => Int, { description: 'counted minutes so far (business minutes under BUSINESS_HOURS), pauses excluded' }) elapsedMinutes!: number;
  @Field(() => Int) pausedMinutes!: number;
}

@ObjectType('SlaStatus')
export class SlaStatusType {
  @Field(() => SeverityEnum, { description: 'severity these clocks use' }) severity!: Severity;
  @Field(() => Int) contractVersion!: number;
  @Field(() => Int) calendarVersion!: number;
  @Field(() => [SlaClockType]) clocks!: SlaClockType[];
  @Field(() => Boolean) breached!: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) nextDueAt!: Date | null;
  @Field(() => Boolean, {
    description: 'true while the ticket’s SLA policy is not pinned yet (the SLA reactor pins it shortly after the opening): then no clocks, versions 0, not breached',
  })
  pending!: boolean;
}
