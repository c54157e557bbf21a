import { badUserInput, conflict, notFound, type Actor, type StaffEvent } from '#contracts';
import type { Decider } from '#platform-kit';
import { unreachable } from './calendar.decider.js';
import { distinct, requireText } from './input-rules.js';

export interface RegisterStaff {
  type: 'RegisterStaff';
  staffId: string;
  name: string;
  role: string;
  regions: string[];
  skills: string[];
  calendarId: string | null;
  /** Looked up by the handler. */
  calendarExists: boolean;
  actor: Actor;
  now: Date;
}
export interface UpdateStaff {
  type: 'UpdateStaff';
  staffId: string;
  regions: string[];
  skills: string[];
  calendarId: string | null;
  calendarExists: boolean;
  actor: Actor;
  now: Date;
}
export interface DeactivateStaff {
  type: 'DeactivateStaff';
  staffId: string;
  reason: string;
  actor: Actor;
  now: Date;
}
export interface ReactivateStaff {
  type: 'ReactivateStaff';
  staffId: string;
  reason: string;
  actor: Actor;
  now: Date;
}
export type StaffCommand = RegisterStaff | UpdateStaff | DeactivateStaff | ReactivateStaff;

export interface StaffState {
  registered: boolean;
  active: boolean;
}

export const staffDecider: Decider<StaffCommand, StaffState, StaffEvent> = {
  initialState: { registered: false, active: false },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterStaff': {
        if (state.registered) throw conflict(`Staff member ${command.staffId} already exists`);
        if (command.role !== 'ENGINEER' && command.role !== 'TAM') {
          throw badUserInput('input.role must be ENGINEER or TAM', 'input.role');
        }
        if (command.calendarId && !command.calendarExists) throw badUserInput(`Calendar ${command.calendarId} does not exist`, 'input.calendarId');
        return [
          {
            type: 'StaffRegistered',
            data: {
              staffId: command.staffId,
              name: requireText(command.name, 'input.name'),
              role: command.role,
              regions: distinct(command.regions.map((r, i) => requireText(r, `input.regions[${i}]`, 50))),
              skills: distinct(command.skills.map((s, i) => requireText(s, `input.skills[${i}]`, 50))),
              calendarId: command.calendarId,
              registeredBy: command.actor,
              registeredAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'UpdateStaff': {
        if (!state.registered) throw notFound('Staff member');
        if (!state.active) throw badUserInput(`Staff member ${command.staffId} is deactivated`, 'id');
        if (command.calendarId && !command.calendarExists) throw badUserInput(`Calendar ${command.calendarId} does not exist`, 'input.calendarId');
        return [
          {
            type: 'StaffUpdated',
            data: {
              staffId: command.staffId,
              regions: distinct(command.regions.map((r, i) => requireText(r, `input.regions[${i}]`, 50))),
              skills: distinct(command.skills.map((s, i) => requireText(s, `input.skills[${i}]`, 50))),
              calendarId: command.calendarId,
              updatedBy: command.actor,
              updatedAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'DeactivateStaff': {
        if (!state.registered) throw notFound('Staff member');
        const reason = requireText(command.reason, 'reason', 2000);
        if (!state.active) return [];
        return [{ type: 'StaffDeactivated', data: { staffId: command.staffId, reason, deactivatedBy: command.actor, deactivatedAt: command.now.toISOString() } }];
      }
      case 'ReactivateStaff': {
        if (!state.registered) throw notFound('Staff member');
        const reason = requireText(command.reason, 'reason', 2000);
        if (state.active) return [];
        return [{ type: 'StaffReactivated', data: { staffId: command.staffId, reason, reactivatedBy: command.actor, reactivatedAt: command.now.toISOString() } }];
      }
      default:
        return unreachable(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'StaffRegistered':
        return { registered: true, active: true };
      case 'StaffUpdated':
        return state;
      case 'StaffDeactivated':
        return { ...state, active: false };
      case 'StaffReactivated':
        return { ...state, active: true };
      default:
        return unreachable(event);
    }
  },
};
