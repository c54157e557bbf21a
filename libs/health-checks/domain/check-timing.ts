import { DateTime } from 'luxon';
import { publicHolidayDates, type BusinessCalendar } from '#calendar';

// When proactive checks fall due. Dates are local "YYYY-MM-DD" strings: business days are the contract
// calendar's (a day with any open time), the hour of day is the account's (10:00 account time).

/** Searching further than this for a business day means the calendar never opens; a check is still due. */
const MAX_DAYS_SEARCHED = 400;
export const CHECK_TIME_OF_DAY = '10:00';

export function localDateOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** The instant of `date` at wall-clock `time` ("HH:MM") in `zone`; a time skipped by DST moves forward. */
export function atLocalTime(date: string, time: string, zone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
}

export function isBusinessDay(calendar: BusinessCalendar, date: string): boolean {
  return calendar.closedDays(date, date).length === 0;
}

function walk(calendar: BusinessCalendar, from: string, step: 1 | -1, count: number): string {
  let date = from;
  for (let found = 0, searched = 0; found < count && searched < MAX_DAYS_SEARCHED; searched++) {
    date = addDays(date, step);
    if (isBusinessDay(calendar, date)) found++;
  }
  return date;
}

/** `date` itself when it is a business day, else the business day before it. */
export function businessDayOnOrBefore(calendar: BusinessCalendar, date: string): string {
  return isBusinessDay(calendar, date) ? date : walk(calendar, date, -1, 1);
}

/** The n-th business day before `date` (n = 1: the business day before it). */
export function businessDaysBefore(calendar: BusinessCalendar, date: string, n: number): string {
  return walk(calendar, date, -1, n);
}

/** The n-th business day after `date`. */
export function businessDaysAfter(calendar: BusinessCalendar, date: string, n: number): string {
  return walk(calendar, date, 1, n);
}

/** n business days from `now`: the n-th business day after today, at now's wall-clock time in `zone`. */
export function businessDaysFromNow(calendar: BusinessCalendar, now: Date, zone: string, n: number): Date {
  const local = DateTime.fromJSDate(now, { zone });
  return atLocalTime(businessDaysAfter(calendar, local.toISODate()!, n), local.toFormat('HH:mm'), zone);
}

export interface HolidayPeriod {
  /** First and last closed local dates of the run. */
  from: string;
  to: string;
  /** The holidays inside it (listed dates and the region's public days off). */
  holidays: string[];
}

/**
 * Runs of consecutive closed days that contain at least one holiday — a plain weekend is not a holiday
 * period — whose first day lies in [from, to]. A run is followed past `to` so it is reported whole.
 */
export function holidayPeriods(calendar: BusinessCalendar, from: string, to: string): HolidayPeriod[] {
  const isHoliday = holidayTest(calendar, from, addDays(to, 60));
  const periods: HolidayPeriod[] = [];
  let date = from;
  // A run that started before `from` is not ours: skip to its end first.
  while (!isBusinessDay(calendar, addDays(date, -1)) && date <= to) date = addDays(date, 1);
  while (date <= to) {
    if (isBusinessDay(calendar, date)) {
      date = addDays(date, 1);
      continue;
    }
    const run: string[] = [];
    for (let day = date; !isBusinessDay(calendar, day) && run.length < MAX_DAYS_SEARCHED; day = addDays(day, 1)) run.push(day);
    const holidays = run.filter(isHoliday);
    if (holidays.length > 0) periods.push({ from: run[0]!, to: run.at(-1)!, holidays });
    date = addDays(run.at(-1)!, 1);
  }
  return periods;
}

function holidayTest(calendar: BusinessCalendar, from: string, to: string): (date: string) => boolean {
  const { holidays = [], holidayRegion, workingDays = [] } = calendar.definition;
  const dates = new Set(holidays);
  if (holidayRegion) {
    for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
      for (const date of publicHolidayDates(holidayRegion, year)) dates.add(date);
    }
  }
  for (const date of workingDays) dates.delete(date);
  return (date) => dates.has(date);
}

/** PRE_HOLIDAY: 10:00 account time, 5 business days before the period's first day. */
export function preHolidayDueAt(calendar: BusinessCalendar, period: HolidayPeriod, zone: string): Date {
  return atLocalTime(businessDaysBefore(calendar, period.from, 5), CHECK_TIME_OF_DAY, zone);
}

/** PRE_PEAK: 10:00 account time on the last business day at least 3 days before the peak starts. */
export function prePeakDueAt(calendar: BusinessCalendar, startsAt: Date, zone: string): Date {
  const latest = addDays(localDateOf(startsAt, calendar.definition.timeZone), -3);
  return atLocalTime(businessDayOnOrBefore(calendar, latest), CHECK_TIME_OF_DAY, zone);
}

/** A planned moment that has already passed becomes one business day from now. */
export function notInThePast(planned: Date, calendar: BusinessCalendar, now: Date, zone: string): Date {
  return planned > now ? planned : businessDaysFromNow(calendar, now, zone, 1);
}
