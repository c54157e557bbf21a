import type { CalendarProblem } from './calendar-definition.js';
import { parseIsoDate } from './civil-date.js';
import { isKnownHolidayRegion } from './region-holidays.js';
import { isKnownTimeZone } from './zone-offsets.js';
import { parseClockTime } from './weekly-hours.js';

/**
 * Every problem in a definition (empty list = valid). Takes `unknown` because definitions arrive as JSON
 * from admins and stored events; field paths name the offending entry, e.g. "weeklyHours[2].end".
 */
export function validateCalendarDefinition(def: unknown): CalendarProblem[] {
  if (typeof def !== 'object' || def === null) return [{ field: '', message: 'must be an object' }];
  const { timeZone, weeklyHours, holidayRegion, holidays, workingDays } = def as Record<string, unknown>;
  const problems: CalendarProblem[] = [];
  if (!isKnownTimeZone(timeZone)) {
    problems.push({ field: 'timeZone', message: `unknown IANA time zone ${JSON.stringify(timeZone)}` });
  }
  problems.push(...weeklyHoursProblems(weeklyHours));
  if (holidayRegion !== undefined && holidayRegion !== null && !isKnownHolidayRegion(holidayRegion)) {
    problems.push({
      field: 'holidayRegion',
      message: `unknown holiday region ${JSON.stringify(holidayRegion)} (expected a date-holidays code like "CN" or "US-CA")`,
    });
  }
  problems.push(...dateListProblems('holidays', holidays), ...dateListProblems('workingDays', workingDays));
  return problems;
}

function weeklyHoursProblems(weeklyHours: unknown): CalendarProblem[] {
  if (!Array.isArray(weeklyHours)) return [{ field: 'weeklyHours', message: 'must be an array' }];
  return weeklyHours.flatMap((period: unknown, i): CalendarProblem[] => {
    const field = `weeklyHours[${i}]`;
    if (typeof period !== 'object' || period === null) return [{ field, message: 'must be an object' }];
    const { weekday, start, end } = period as Record<string, unknown>;
    const problems: CalendarProblem[] = [];
    if (!Number.isInteger(weekday) || (weekday as number) < 1 || (weekday as number) > 7) {
      problems.push({ field: `${field}.weekday`, message: 'must be an integer 1 (Monday) to 7 (Sunday)' });
    }
    const startMinute = parseClockTime(start, false);
    const endMinute = parseClockTime(end, true);
    if (startMinute === null) problems.push({ field: `${field}.start`, message: `must be "HH:MM" from 00:00 to 23:59, got ${JSON.stringify(start)}` });
    if (endMinute === null) problems.push({ field: `${field}.end`, message: `must be "HH:MM" from 00:01 to 24:00, got ${JSON.stringify(end)}` });
    else if (startMinute !== null && endMinute <= startMinute) {
      problems.push({ field: `${field}.end`, message: `must be after start (${String(start)})` });
    }
    return problems;
  });
}

function dateListProblems(name: string, dates: unknown): CalendarProblem[] {
  if (dates === undefined || dates === null) return [];
  if (!Array.isArray(dates)) return [{ field: name, message: 'must be an array of "YYYY-MM-DD" dates' }];
  return dates.flatMap((date: unknown, i) =>
    parseIsoDate(date) === null ? [{ field: `${name}[${i}]`, message: `must be a real "YYYY-MM-DD" date, got ${JSON.stringify(date)}` }] : [],
  );
}
