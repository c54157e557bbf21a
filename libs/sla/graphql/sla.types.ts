import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Coverage, Severity, SlaMetric } from '#contracts';
import { CoverageEnum, DateTimeScalar, SeverityEnum, SlaMetricEnum } from '#platform-kit';

export const SlaClockStateEnum = { RUNNING: 'RUNNING', PAUSED: 'PAUSED', BREACHED: 'BREACHED', MET: 'MET', MISSED: 'MISSED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(SlaClockStateEnum, {
  name: 'SlaClockState', valuesMap: { RUNNING: { description: 'counting, before due' }, PAUSED: { description: 'paused while waiting on the customer' }, BREACHED: { description: 'due passed while still running' }, MET: { description: 'stopped at or before due' }, MISSED: { description: 'stopped after due' }, CANCELLED: { description: 'no longer applies (e.g. the ticket was closed)' } },
  description: 'RUNNING: not stopped, before due. PAUSED: waiting on the customer. BREACHED: due passed, not stopped yet. MET/MISSED: stopped at-or-before/after due. CANCELLED: no longer applies.',
});

@ObjectType('SlaClock', { description: 'One SLA clock of a ticket: a metric (and cycle) counting toward its target' })
export class SlaClockType {
  @Field(() => SlaMetricEnum, { description: 'which clock' }) metric!: SlaMetric;
  @Field(() => Int, { description: 'NEXT_UPDATE counts cycles from 1; other metrics have cycle 1' }) cycle!: number;
  @Field(() => SlaClockStateEnum, { description: 'where the clock stands' }) state!: string;
  @Field(() => CoverageEnum, { description: 'whether it counts wall-clock or business minutes' }) coverage!: Coverage;
  @Field(() => Int, { description: 'the target, in the clock’s own minutes' }) targetMinutes!: number;
  @Field(() => DateTimeScalar, { description: 'when the clock started' }) startedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'null while paused' }) dueAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'when the warning fired (warningAtPercent of the target); null: not yet', nullable: true }) warnedAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'when it breached (reached dueAt still running); null: not breached', nullable: true }) breachedAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'when it stopped; null while running or paused', nullable: true }) stoppedAt!: Date | null;
  @Field(() => Int, { description: 'counted minutes so far (business minutes under BUSINESS_HOURS), pauses excluded' }) elapsedMinutes!: number;
  @Field(() => Int, { description: 'minutes spent paused while waiting on the customer' }) pausedMinutes!: number;
}

@ObjectType('SlaStatus', { description: 'A ticket’s SLA: its pinned policy versions and its clocks' })
export class SlaStatusType {
  @Field(() => SeverityEnum, { description: 'severity these clocks use' }) severity!: Severity;
  @Field(() => Int, { description: 'the contract version pinned when the ticket was received (0 while pending)' }) contractVersion!: number;
  @Field(() => Int, { description: 'the calendar version pinned when the ticket was received (0 while pending)' }) calendarVersion!: number;
  @Field(() => [SlaClockType], { description: 'every clock, cycles included' }) clocks!: SlaClockType[];
  @Field(() => Boolean, { description: 'whether any clock has breached (has a breachedAt)' }) breached!: boolean;
  @Field(() => DateTimeScalar, { description: 'the soonest dueAt among running clocks; null: none running', nullable: true }) nextDueAt!: Date | null;
  @Field(() => Boolean, {
    description: 'true while the ticket’s SLA policy is not pinned yet (the SLA reactor pins it shortly after the opening): then no clocks, versions 0, not breached',
  })
  pending!: boolean;
}
