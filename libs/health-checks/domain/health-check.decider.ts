import {
  badUserInput,
  forbidden,
  notFound,
  type Actor,
  type FindingRecord,
  type HealthCheckEvent,
  type HealthCheckKind,
  type HealthCheckOrigin,
  type Severity,
} from '#contracts';
import type { Decider } from '#platform-kit';

/** A check goes unrecorded for this long after it was due before it counts as MISSED. */
export const MISSED_AFTER_MS = 24 * 3_600_000;
const MAX_TEXT = 10_000;
const MAX_FINDINGS = 100;

export interface ScheduleHealthCheck {
  type: 'ScheduleHealthCheck';
  checkId: string;
  accountId: string;
  tamId: string | null;
  kind: HealthCheckKind;
  dueAt: Date;
  recurrence: string | null;
  seriesStartAt: Date | null;
  agenda: string;
  reason: string | null;
  origin: HealthCheckOrigin;
  /** Automatic checks come from the system and may be due at once; a person's must lie ahead. */
  automatic: boolean;
  actor: Actor;
  now: Date;
}
export interface ReassignHealthCheck {
  type: 'ReassignHealthCheck';
  toTamId: string;
  reason: string;
  actor: Actor;
  now: Date;
}
export interface CompleteHealthCheck {
  type: 'CompleteHealthCheck';
  summary: string;
  findings: (Omit<FindingRecord, 'ticketId'> & { ticketId: string | null })[];
  /** The check's TAM or an ADMIN (decided by the handler from the token). */
  mayComplete: boolean;
  actor: Actor;
  now: Date;
}
export interface MarkHealthCheckMissed {
  type: 'MarkHealthCheckMissed';
  now: Date;
}
export interface CancelHealthCheck {
  type: 'CancelHealthCheck';
  reason: string;
  endSeries: boolean;
  /** The check's TAM or an ADMIN. */
  mayCancel: boolean;
  actor: Actor;
  now: Date;
}
export type HealthCheckCommand = ScheduleHealthCheck | ReassignHealthCheck | CompleteHealthCheck | MarkHealthCheckMissed | CancelHealthCheck;

export interface HealthCheckState {
  scheduled: boolean;
  checkId: string;
  accountId: string;
  tamId: string | null;
  status: 'SCHEDULED' | 'COMPLETED' | 'MISSED' | 'CANCELLED';
  dueAt: string;
}

function text(value: string, field: string, max = MAX_TEXT): string {
  const trimmed = value.trim();
  if (!trimmed) throw badUserInput(`${field.split('.').at(-1)} must not be blank`, field);
  if (trimmed.length > max) throw badUserInput(`${field.split('.').at(-1)} must be at most ${max} characters`, field);
  return trimmed;
}

/** One proactive check-in: scheduled once (by id), then completed by its TAM or missed a day after it was due. */
export const healthCheckDecider: Decider<HealthCheckCommand, HealthCheckState, HealthCheckEvent> = {
  initialState: { scheduled: false, checkId: '', accountId: '', tamId: null, status: 'SCHEDULED', dueAt: '' },

  decide(command, state) {
    switch (command.type) {
      case 'ScheduleHealthCheck': {
        // Automatic checks have ids derived from their cause: scheduling one again is a no-op, never a twin.
        if (state.scheduled) return [];
        const agenda = text(command.agenda, 'input.agenda');
        if (!command.automatic && command.dueAt <= command.now) throw badUserInput('dueAt must be in the future', 'input.dueAt');
        return [
          {
            type: 'HealthCheckScheduled',
            data: {
              checkId: command.checkId,
              accountId: command.accountId,
              tamId: command.tamId,
              kind: command.kind,
              dueAt: command.dueAt.toISOString(),
              recurrence: command.recurrence,
              seriesStartAt: command.seriesStartAt?.toISOString() ?? null,
              agenda,
              reason: command.reason,
              origin: command.origin,
              scheduledBy: command.actor,
              scheduledAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'ReassignHealthCheck': {
        if (!state.scheduled) throw notFound('Health check');
        if (state.status !== 'SCHEDULED' || state.tamId === command.toTamId) return [];
        return [
          {
            type: 'HealthCheckReassigned',
            data: {
              checkId: state.checkId,
              accountId: state.accountId,
              fromTamId: state.tamId,
              toTamId: command.toTamId,
              reason: command.reason,
              reassignedBy: command.actor,
              reassignedAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'CompleteHealthCheck': {
        if (!state.scheduled) throw notFound('Health check');
        if (!command.mayComplete) throw forbidden('Only the check’s TAM or an ADMIN can complete it');
        if (state.status === 'COMPLETED') throw badUserInput('The check is already completed', 'id');
        if (state.status === 'MISSED') throw badUserInput('The check was missed; schedule a new one', 'id');
        const summary = text(command.summary, 'input.summary');
        if (command.findings.length > MAX_FINDINGS) throw badUserInput(`at most ${MAX_FINDINGS} findings`, 'input.findings');
        const findings = command.findings.map((finding, index) => ({
          severity: finding.severity as Severity,
          summary: text(finding.summary, `input.findings[${index}].summary`, 300),
          recommendation: text(finding.recommendation, `input.findings[${index}].recommendation`),
          ticketId: finding.ticketId,
        }));
        return [
          {
            type: 'HealthCheckCompleted',
            data: { checkId: state.checkId, accountId: state.accountId, summary, findings, completedBy: command.actor, completedAt: command.now.toISOString() },
          },
        ];
      }
      case 'MarkHealthCheckMissed': {
        if (!state.scheduled || state.status !== 'SCHEDULED') return [];
        if (command.now.getTime() < new Date(state.dueAt).getTime() + MISSED_AFTER_MS) return [];
        return [
          {
            type: 'HealthCheckMissed',
            data: { checkId: state.checkId, accountId: state.accountId, tamId: state.tamId, dueAt: state.dueAt, missedAt: command.now.toISOString() },
          },
        ];
      }
      case 'CancelHealthCheck': {
        if (!state.scheduled) throw notFound('Health check');
        if (!command.mayCancel) throw forbidden('Only the check’s TAM or an ADMIN can cancel it');
        if (state.status !== 'SCHEDULED') throw badUserInput(`The check is ${state.status.toLowerCase()}; only a scheduled one can be cancelled`, 'id');
        const reason = text(command.reason, 'reason', 2_000);
        return [
          {
            type: 'HealthCheckCancelled',
            data: { checkId: state.checkId, accountId: state.accountId, reason, endsSeries: command.endSeries, cancelledBy: command.actor, cancelledAt: command.now.toISOString() },
          },
        ];
      }
      default: {
        const unknown: never = command;
        throw new Error(`Unhandled health-check command ${JSON.stringify(unknown)}`);
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'HealthCheckScheduled':
        return { scheduled: true, checkId: event.data.checkId, accountId: event.data.accountId, tamId: event.data.tamId, status: 'SCHEDULED', dueAt: event.data.dueAt };
      case 'HealthCheckReassigned':
        return { ...state, tamId: event.data.toTamId };
      case 'HealthCheckCompleted':
        return { ...state, status: 'COMPLETED' };
      case 'HealthCheckMissed':
        return { ...state, status: 'MISSED' };
      case 'HealthCheckCancelled':
        return { ...state, status: 'CANCELLED' };
      default: {
        const unknown: never = event;
        throw new Error(`Unhandled health-check event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
