import { describe, it } from 'vitest';
import type { HealthCheckEvent } from '#contracts';
import { deciderSpec } from '../../platform-kit/commands/decider-spec.js';
import { healthCheckDecider, type ScheduleHealthCheck } from './health-check.decider.js';

const now = new Date('2026-11-02T01:00:00Z');
const actor = { id: 'tam-1', role: 'TAM' as const };
const schedule: ScheduleHealthCheck = {
  type: 'ScheduleHealthCheck',
  checkId: 'c1',
  accountId: 'a1',
  tamId: 'tam-1',
  kind: 'PERIODIC',
  dueAt: new Date('2026-11-03T02:00:00Z'),
  recurrence: null,
  seriesStartAt: null,
  agenda: ' Review ',
  reason: null,
  origin: {},
  automatic: false,
  actor,
  now,
};
const scheduled: HealthCheckEvent = {
  type: 'HealthCheckScheduled',
  data: { checkId: 'c1', accountId: 'a1', tamId: 'tam-1', kind: 'PERIODIC', dueAt: '2026-11-03T02:00:00.000Z', recurrence: null, seriesStartAt: null, agenda: 'Review', reason: null, origin: {}, scheduledBy: actor, scheduledAt: now.toISOString() },
};
const spec = deciderSpec(healthCheckDecider);

describe('a health check', () => {
  it('is scheduled once; a second schedule of the same id records nothing', () => {
    spec.given([]).when(schedule).then([scheduled]);
    spec.given([scheduled]).when(schedule).then([]);
  });

  it('refuses a person’s check due in the past, but not an automatic one', () => {
    spec.given([]).when({ ...schedule, dueAt: now }).thenRefuses('BAD_USER_INPUT', /future/);
    spec.given([]).when({ ...schedule, dueAt: now, automatic: true }).then([{ ...scheduled, data: { ...scheduled.data, dueAt: now.toISOString() } }]);
  });

  it('becomes MISSED only 24 hours after it was due, and only while still scheduled', () => {
    spec.given([scheduled]).when({ type: 'MarkHealthCheckMissed', now: new Date('2026-11-04T01:59:59Z') }).then([]);
    spec
      .given([scheduled])
      .when({ type: 'MarkHealthCheckMissed', now: new Date('2026-11-04T02:00:00Z') })
      .then([{ type: 'HealthCheckMissed', data: { checkId: 'c1', accountId: 'a1', tamId: 'tam-1', dueAt: '2026-11-03T02:00:00.000Z', missedAt: '2026-11-04T02:00:00.000Z' } }]);
    const completed: HealthCheckEvent = { type: 'HealthCheckCompleted', data: { checkId: 'c1', accountId: 'a1', summary: 's', findings: [], completedBy: actor, completedAt: now.toISOString() } };
    spec.given([scheduled, completed]).when({ type: 'MarkHealthCheckMissed', now: new Date('2026-12-01T00:00:00Z') }).then([]);
  });

  it('is completed by its TAM or an ADMIN, once, and never after it was missed', () => {
    const complete = { type: 'CompleteHealthCheck' as const, summary: 'ok', findings: [], mayComplete: true, actor, now };
    spec.given([]).when(complete).thenRefuses('NOT_FOUND');
    spec.given([scheduled]).when({ ...complete, mayComplete: false }).thenRefuses('FORBIDDEN');
    spec.given([scheduled]).when({ ...complete, summary: ' ' }).thenRefuses('BAD_USER_INPUT');
    const missed: HealthCheckEvent = { type: 'HealthCheckMissed', data: { checkId: 'c1', accountId: 'a1', tamId: 'tam-1', dueAt: scheduled.data.dueAt, missedAt: now.toISOString() } };
    spec.given([scheduled, missed]).when(complete).thenRefuses('BAD_USER_INPUT', /missed/);
  });

  it('moves to another TAM while scheduled; moving to the same TAM records nothing', () => {
    const reassign = { type: 'ReassignHealthCheck' as const, toTamId: 'tam-2', reason: 'Account handed over', actor, now };
    spec.given([scheduled]).when({ ...reassign, toTamId: 'tam-1' }).then([]);
    spec
      .given([scheduled])
      .when(reassign)
      .then([{ type: 'HealthCheckReassigned', data: { checkId: 'c1', accountId: 'a1', fromTamId: 'tam-1', toTamId: 'tam-2', reason: 'Account handed over', reassignedBy: actor, reassignedAt: now.toISOString() } }]);
  });
});
