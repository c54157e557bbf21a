import Holidays from 'date-holidays';
import { DAY_MS, formatIsoDate, parseIsoDate, yearOf } from './civil-date.js';

/**
 * Public days off from the `date-holidays` data set, as civil dates. Which entries close a business:
 * - only `type === 'public'` (observances, optional, bank and school days stay open);
 * - only entries that start at the beginning of the civil day. date-holidays writes "YYYY-MM-DD 00:00:00",
 *   or "… 00:00:00 -0600" for Islamic days that begin at the previous sunset; both mean the whole date.
 *   Entries starting later ("2026-03-08 12:00:00": CN Women's, Youth and Army Day) are half days for one
 *   group of people and stay open;
 * - not entries the data marks as a day off for one group only (see GROUP_ONLY_RULES).
 * A multi-day entry (e.g. "1 Shawwal P3D") closes every date it covers.
 * Dates are taken as civil dates of the region and applied in the calendar's own zone: Christmas is
 * 12-25 in Los Angeles too, whichever US zone date-holidays computed it in.
 */

/** Full-day entries typed public but, per the data's own notes, only for one group; keyed by country, then rule. */
const GROUP_ONLY_RULES: Readonly<Record<string, ReadonlySet<string>>> = {
  CN: new Set(['06-01']), // Children's Day: "Children below the age of 14"
  MG: new Set(['03-08']), // International Women's Day: "only for women"
};

const DATE_FIELD = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: [+-]\d{4})?$/;

interface RegionCode {
  country: string;
  state?: string;
  region?: string;
}

function splitRegion(code: string): RegionCode {
  const [country = '', state, region] = code.split('-');
  return { country, state, region };
}

let catalogue: Holidays | undefined;

/** True for "CC", "CC-STATE" and "CC-STATE-REGION" codes that date-holidays knows (exact case). */
export function isKnownHolidayRegion(code: unknown): boolean {
  if (typeof code !== 'string' || code.split('-').length > 3) return false;
  const { country, state, region } = splitRegion(code);
  catalogue ??= new Holidays();
  if (!Object.hasOwn(catalogue.getCountries(), country)) return false;
  if (state === undefined) return true;
  if (!Object.hasOwn(catalogue.getStates(country) ?? {}, state)) return false;
  if (region === undefined) return true;
  return Object.hasOwn(catalogue.getRegions(country, state) ?? {}, region);
}

const sources = new Map<string, Holidays>();
const daysByListingYear = new Map<string, readonly number[]>();
const daysByYear = new Map<string, ReadonlySet<number>>();

/** Epoch days within `year` that the region closes. Memoised: date-holidays takes ~30 ms per CN year. */
export function regionClosedDays(region: string, year: number): ReadonlySet<number> {
  const key = `${region}|${year}`;
  let days = daysByYear.get(key);
  if (!days) {
    // An entry listed under a neighbouring year can spill over (US 2027 lists New Year 2028 observed on 2027-12-31).
    const candidates = [year - 1, year, year + 1].flatMap((listingYear) => daysListedUnder(region, listingYear));
    days = new Set(candidates.filter((day) => yearOf(day) === year));
    daysByYear.set(key, days);
  }
  return days;
}

/** Sorted "YYYY-MM-DD" public days off of `region` in `year`, as this library applies them. */
export function publicHolidayDates(region: string, year: number): string[] {
  if (!isKnownHolidayRegion(region)) throw new RangeError(`Unknown holiday region "${region}"`);
  return [...regionClosedDays(region, year)].sort((a, b) => a - b).map(formatIsoDate);
}

function daysListedUnder(region: string, listingYear: number): readonly number[] {
  const key = `${region}|${listingYear}`;
  let days = daysByListingYear.get(key);
  if (!days) {
    days = holidaySource(region).getHolidays(listingYear).flatMap((entry) => closedDaysOf(region, entry));
    daysByListingYear.set(key, days);
  }
  return days;
}

function closedDaysOf(region: string, entry: { date: string; start: Date; end: Date; type: string; rule: string }): number[] {
  if (entry.type !== 'public') return [];
  if (GROUP_ONLY_RULES[splitRegion(region).country]?.has(entry.rule)) return [];
  const match = DATE_FIELD.exec(entry.date);
  if (!match || match[2] !== '00:00:00') return [];
  const first = parseIsoDate(match[1]);
  if (first === null) return [];
  // Whole days covered; rounding absorbs a DST change inside a multi-day entry (71 h or 73 h).
  const dayCount = Math.max(1, Math.round((entry.end.getTime() - entry.start.getTime()) / DAY_MS));
  return Array.from({ length: dayCount }, (_, i) => first + i);
}

function holidaySource(region: string): Holidays {
  let source = sources.get(region);
  if (!source) {
    const { country, state, region: subRegion } = splitRegion(region);
    source = subRegion !== undefined ? new Holidays(country, state!, subRegion) : state !== undefined ? new Holidays(country, state) : new Holidays(country);
    sources.set(region, source);
  }
  return source;
}
