import { DateTime } from 'luxon';
import * as rrulePackage from 'rrule';
import { badUserInput } from '#contracts';

// rrule ships CommonJS to Node: its classes sit on the default export there, and as named exports under a bundler.
const rrule = ((rrulePackage as unknown as { default?: typeof rrulePackage }).default ?? rrulePackage) as typeof rrulePackage;
const { RRule } = rrule;

// The longest a month can be, February counted with its leap day: BYMONTHDAY beyond it never occurs.
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const asList = (value: number | number[] | null | undefined): number[] => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]);
const refuse = (part: string, problem: string) => badUserInput(`recurrence ${part} ${problem}`, 'recurrence');
/** Far above any real rule (the longest RFC 5545 example is under 100): rrule's parsing grows with the text. */
export const MAX_RECURRENCE_CHARS = 500;

/**
 * Checks an RFC 5545 RRULE (with or without the "RRULE:" prefix) and returns it normalised. A rule
 * finer than daily is refused: a check-in is a meeting, not a poll. DTSTART comes from the check's dueAt,
 * `seriesStart`. Every rule accepted here has occurrences: a rule that never matches would make rrule scan
 * to the year 9999 on each search, holding the event loop for seconds.
 */
export function parseRecurrence(text: string, seriesStart: Date): string {
  if (text.length > MAX_RECURRENCE_CHARS) throw badUserInput(`recurrence must be at most ${MAX_RECURRENCE_CHARS} characters`, 'recurrence');
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '' || /[\r\n]|DTSTART|RRULE:/i.test(body)) throw badUserInput('recurrence must be a single RRULE, e.g. "FREQ=MONTHLY;BYDAY=1TU"', 'recurrence');
  let options: Partial<rrulePackage.Options>;
  try {
    options = RRule.parseString(body);
  } catch (error) {
    throw badUserInput(`recurrence is not a valid RRULE: ${(error as Error).message}`, 'recurrence');
  }
  if (options.freq === undefined || options.freq === null) throw badUserInput('recurrence needs FREQ', 'recurrence');
  if (options.freq > RRule.DAILY) throw badUserInput('recurrence must be daily or less frequent', 'recurrence');
  for (const [part, value] of [['BYHOUR', options.byhour], ['BYMINUTE', options.byminute], ['BYSECOND', options.bysecond]] as const) {
    if (asList(value).length > 0) throw refuse(part, 'is not allowed: the time of day is the check’s dueAt, and several a day is finer than daily');
  }
  if (options.interval !== undefined && options.interval !== null && !(Number.isInteger(options.interval) && options.interval >= 1)) {
    throw refuse('INTERVAL', 'must be a whole number of 1 or more');
  }
  if (options.count !== undefined && options.count !== null && !(Number.isInteger(options.count) && options.count >= 1)) {
    throw refuse('COUNT', 'must be a whole number of 1 or more');
  }
  if (options.until && options.until.getTime() <= seriesStart.getTime()) throw refuse('UNTIL', 'must be after the first check’s dueAt');
  const months = asList(options.bymonth);
  const monthDays = asList(options.bymonthday).filter((day) => day > 0);
  if (monthDays.length > 0 && asList(options.bymonthday).every((day) => day > 0)) {
    const possibleIn = months.length > 0 ? months : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    if (!possibleIn.some((month) => monthDays.some((day) => day <= DAYS_IN_MONTH[month - 1]!))) {
      throw refuse('BYMONTHDAY', `never falls in ${months.length > 0 ? 'BYMONTH' : 'any month'}: the series would have no occurrence`);
    }
  }
  const setPositions = asList(options.bysetpos);
  if (setPositions.some((position) => position === 0 || Math.abs(position) > 366)) throw refuse('BYSETPOS', 'must be 1-366 or -366 to -1');
  try {
    return new RRule(options).toString().replace(/^RRULE:/, '');
  } catch (error) {
    throw badUserInput(`recurrence is not a valid RRULE: ${(error as Error).message}`, 'recurrence');
  }
}

/**
 * What rrule needs to find the next occurrence: rrule computes in UTC, so it is fed local wall-clock times
 * dressed as UTC ("floating"), and its answer is read back in the zone with `fromFloating`.
 */
export interface OccurrenceSearch {
  rule: string;
  floatingStart: number;
  floatingAfter: number;
}

export function occurrenceSearch(recurrence: string, seriesStart: Date, after: Date, zone: string): OccurrenceSearch {
  const asFloating = (instant: Date) => {
    const local = DateTime.fromJSDate(instant, { zone });
    return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  };
  return { rule: recurrence, floatingStart: asFloating(seriesStart), floatingAfter: asFloating(after) };
}

/** rrule's side of the search (run where it may take long: a rule that never matches scans to the year 9999). */
export function nextFloatingOccurrence(search: OccurrenceSearch): number | null {
  const rule = new RRule({ ...RRule.parseString(search.rule), dtstart: new Date(search.floatingStart) });
  return rule.after(new Date(search.floatingAfter), false)?.getTime() ?? null;
}

export function fromFloating(floating: number, zone: string): Date {
  const next = new Date(floating);
  return DateTime.fromObject(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: next.getUTCHours(), minute: next.getUTCMinutes(), second: next.getUTCSeconds() },
    { zone },
  ).toJSDate();
}

/**
 * The first occurrence after `after` of a series that started at `seriesStart`, in the account's zone:
 * "10:00 on the first Tuesday" stays 10:00 local across DST. null when the rule has ended (COUNT, UNTIL).
 * Unbounded: the platform searches through `nextOccurrenceWithin` (application), which bounds the time.
 */
export function nextOccurrence(recurrence: string, seriesStart: Date, after: Date, zone: string): Date | null {
  const next = nextFloatingOccurrence(occurrenceSearch(recurrence, seriesStart, after, zone));
  return next === null ? null : fromFloating(next, zone);
}
