import { CalendarDefinitionError, type CalendarDefinition, type CalendarProblem } from './calendar-definition.js';
import { parseIsoDate } from './civil-date.js';

/** A dated change to a calendar's exception lists, e.g. next year's announced holidays and make-up days. */
export interface CalendarAmendment {
  addHolidays?: string[];
  removeHolidays?: string[];
  addWorkingDays?: string[];
  removeWorkingDays?: string[];
}

/**
 * The definition after an amendment: exception lists become (existing ∪ added) − removed, sorted and deduped.
 * Lists are kept independent: a date may be both a holiday and a working day, and the working day wins.
 * Throws CalendarDefinitionError on malformed dates (fields like "addHolidays[0]").
 */
export function applyAmendment(def: CalendarDefinition, amendment: CalendarAmendment): CalendarDefinition {
  const fields = ['addHolidays', 'removeHolidays', 'addWorkingDays', 'removeWorkingDays'] as const;
  const problems = fields.flatMap((field): CalendarProblem[] =>
    (amendment[field] ?? []).flatMap((date, i) =>
      parseIsoDate(date) === null ? [{ field: `${field}[${i}]`, message: `must be a real "YYYY-MM-DD" date, got ${JSON.stringify(date)}` }] : [],
    ),
  );
  if (problems.length > 0) throw new CalendarDefinitionError(problems);
  return {
    ...def,
    holidays: amendDates(def.holidays, amendment.addHolidays, amendment.removeHolidays),
    workingDays: amendDates(def.workingDays, amendment.addWorkingDays, amendment.removeWorkingDays),
  };
}

function amendDates(existing: readonly string[] = [], added: readonly string[] = [], removed: readonly string[] = []): string[] {
  const gone = new Set(removed);
  // "YYYY-MM-DD" strings sort chronologically.
  return [...new Set([...existing, ...added])].filter((date) => !gone.has(date)).sort();
}
