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
