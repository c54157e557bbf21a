/**
 * Business calendars ("5x8 in Shanghai", "09:00–17:00 New York") and exact business-minute arithmetic.
 * Semantics in one place:
 * - an instant is open when the local wall clock shows an open period on an open date (DST gaps are
 *   skipped, a repeated fall-back hour counts twice, "24:00" is the next local midnight);
 * - closed dates are the region's public days off from date-holidays (see region-holidays.ts for which
 *   entries count) plus `holidays`; `workingDays` open with Monday's periods and win over both;
 * - intervals are half-open [start, end) and minutes are counted in milliseconds, floored at the end.
 */
export {
  CalendarDefinitionError,
  CalendarNeverOpensError,
  type CalendarDefinition,
  type CalendarProblem,
  type WeeklyPeriod,
} from './calendar-definition.js';
export { validateCalendarDefinition } from './validation.js';
export { createCalendar, type BusinessCalendar, type OpenInterval } from './business-calendar.js';
export { applyAmendment, type CalendarAmendment } from './amendment.js';
export { publicHolidayDates } from './region-holidays.js';
