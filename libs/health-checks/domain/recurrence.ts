import { DateTime } from 'luxon';
import * as rrulePackage from 'rrule';
import { badUserInput } from '#contracts';

// rrule ships CommonJS to Node: its classes sit on the default export there, and as named exports under a bundler.
const rrule = ((rrulePackage as unknown as { default?: typeof rrulePackage }).default ?? rrulePackage) as typeof rrulePackage;
const { RRule } = rrule;

/**
 * Checks an RFC 5545 RRULE (with or without the "RRULE:" prefix) and returns it normalised. A rule
 * finer than daily is refused: a check-in is a meeting, not a poll. DTSTART comes from the check's dueAt.
 */
export function parseRecurrence(text: string): string {
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
  try {
    return new RRule(options).toString().replace(/^RRULE:/, '');
  } catch (error) {
    throw badUserInput(`recurrence is not a valid RRULE: ${(error as Error).message}`, 'recurrence');
  }
}

/**
 * The first occurrence after `after` of a series that started at `seriesStart`, in the account's zone:
 * "10:00 on the first Tuesday" stays 10:00 local across DST. null when the rule has ended (COUNT, UNTIL).
 */
export function nextOccurrence(recurrence: string, seriesStart: Date, after: Date, zone: string): Date | null {
  // rrule computes in UTC; feed it local wall-clock times dressed as UTC and read them back in the zone.
  const asFloating = (instant: Date) => {
    const local = DateTime.fromJSDate(instant, { zone });
    return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
  };
  const rule = new RRule({ ...RRule.parseString(recurrence), dtstart: asFloating(seriesStart) });
  const next = rule.after(asFloating(after), false);
  if (!next) return null;
  return DateTime.fromObject(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: next.getUTCHours(), minute: next.getUTCMinutes(), second: next.getUTCSeconds() },
    { zone },
  ).toJSDate();
}
