import { applyAmendment, validateCalendarDefinition, type CalendarAmendment, type CalendarDefinition } from '#calendar';
import { badUserInput, conflict, notFound, type Actor, type CalendarEvent } from '#contracts';
import type { Decider } from '#platform-kit';
import { requireText } from './input-rules.js';

export interface DefineCalendar {
  type: 'DefineCalendar';
  calendarId: string;
  name: string;
  definition: CalendarDefinition;
  actor: Actor;
  now: Date;
}
export interface AmendCalendar {
  type: 'AmendCalendar';
  calendarId: string;
  amendment: CalendarAmendment;
  actor: Actor;
  now: Date;
}
export type CalendarCommand = DefineCalendar | AmendCalendar;

export interface CalendarState {
  version: number;
  definition: CalendarDefinition | null;
}

export const calendarDecider: Decider<CalendarCommand, CalendarState, CalendarEvent> = {
  initialState: { version: 0, definition: null },

  decide(command, state) {
    switch (command.type) {
      case 'DefineCalendar': {
        if (state.definition) throw conflict(`Calendar ${command.calendarId} already exists`);
        const name = requireText(command.name, 'input.name');
        const definition = checked(command.definition);
        return [
          {
            type: 'CalendarDefined',
            data: { calendarId: command.calendarId, name, definition, definedBy: command.actor, definedAt: command.now.toISOString() },
          },
        ];
      }
      case 'AmendCalendar': {
        if (!state.definition) throw notFound('Calendar');
        const { addHolidays = [], removeHolidays = [], addWorkingDays = [], removeWorkingDays = [] } = command.amendment;
        if (addHolidays.length + removeHolidays.length + addWorkingDays.length + removeWorkingDays.length === 0) {
          throw badUserInput('An amendment must add or remove at least one date', 'input');
        }
        let definition: CalendarDefinition;
        try {
          definition = applyAmendment(state.definition, command.amendment);
        } catch (error) {
          throw badUserInput((error as Error).message, 'input');
        }
        return [
          {
            type: 'CalendarAmended',
            data: {
              calendarId: command.calendarId,
              version: state.version + 1,
              addHolidays,
              removeHolidays,
              addWorkingDays,
              removeWorkingDays,
              definition: checked(definition),
              amendedBy: command.actor,
              amendedAt: command.now.toISOString(),
            },
          },
        ];
      }
      default:
        return unreachable(command);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'CalendarDefined':
        return { version: 1, definition: event.data.definition };
      case 'CalendarAmended':
        return { version: event.data.version, definition: event.data.definition };
      default:
        return unreachable(event);
    }
  },
};

function checked(definition: CalendarDefinition): CalendarDefinition {
  const [problem] = validateCalendarDefinition(definition);
  if (problem) throw badUserInput(`${problem.field}: ${problem.message}`, `input.${problem.field}`);
  return {
    timeZone: definition.timeZone,
    weeklyHours: definition.weeklyHours.map(({ weekday, start, end }) => ({ weekday, start, end })),
    holidayRegion: definition.holidayRegion ?? null,
    holidays: [...new Set(definition.holidays ?? [])].sort(),
    workingDays: [...new Set(definition.workingDays ?? [])].sort(),
  };
}

export function unreachable(value: never): never {
  throw new Error(`Unhandled: ${JSON.stringify(value)}`);
}
