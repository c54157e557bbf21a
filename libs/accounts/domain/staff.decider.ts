import { badUserInput, conflict, type Actor, type StaffEvent } from '#contracts';
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
export type StaffCommand = RegisterStaff;

export interface StaffState {
  registered: boolean;
}

export const staffDecider: Decider<StaffCommand, StaffState, StaffEvent> = {
  initialState: { registered: false },

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
      default:
        return unreachable(command.type);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'StaffRegistered':
        return { registered: true };
      default:
        return unreachable(event.type);
    }
  },
};
