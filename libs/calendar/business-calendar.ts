import {
  CalendarDefinitionError,
  CalendarNeverOpensError,
  type CalendarDefinition,
} from './calendar-definition.js';
import { DAY_MS, MINUTE_MS, formatIsoDate, isoWeekday, parseIsoDate, yearOf } from './civil-date.js';
import { buildDaySchedule, type DaySchedule } from './day-schedule.js';
import { regionClosedDays } from './region-holidays.js';
import { validateCalendarDefinition } from './validation.js';
import { weeklySchedule, type MinuteRange } from './weekly-hours.js';
import { zoneOffsets, type ZoneOffsets } from './zone-offsets.js';

export interface OpenInterval {
  start: Date;
  end: Date;
}

/** Business-time arithmetic over one calendar. All instants are half-open: open at `start`, closed at `end`. */
export interface BusinessCalendar {
  readonly definition: CalendarDefinition;
  isOpenAt(at: Date): boolean;
  /** `at` itself when open, else the next opening; null when the calendar never opens again. */
  nextOpening(at: Date): Date | null;
  /**
   * The instant at which `n` business minutes have been counted from `from` (from the next opening when
   * `from` is closed). n = 0 gives `nextOpening(from)`. Counting that ends exactly at closing time returns
   * the closing instant, not the next opening. Throws CalendarNeverOpensError when there is no opening.
   */
  addBusinessMinutes(from: Date, n: number): Date;
  /** Whole business minutes in [a, b): open milliseconds summed, then floored. 0 when b <= a. */
  businessMinutesBetween(a: Date, b: Date): number;
  /** Open milliseconds in [a, b), unrounded (clocks sum spans before rounding). 0 when b <= a. */
  openMsBetween(a: Date, b: Date): number;
  /** Inclusive "YYYY-MM-DD" range; the local dates with no open time at all. */
  closedDays(from: string, to: string): string[];
  /** The open intervals intersecting [from, to), clipped to it and merged across midnight. */
  openIntervals(from: Date, to: Date): OpenInterval[];
}

/**
 * Without listed dates, a run of closed days is bounded by region holidays and weekends (days, not years):
 * searching this far past the later of the start and the last listed date and finding nothing means never.
 */
const OPENING_HORIZON_DAYS = 400;
const CLOSED: readonly MinuteRange[] = [];

export function createCalendar(def: CalendarDefinition): BusinessCalendar {
  const problems = validateCalendarDefinition(def);
  if (problems.length > 0) throw new CalendarDefinitionError(problems);
  return new DayWalkingCalendar(def);
}

/**
 * Works period by period, never minute by minute: each local date's open intervals are built once
 * (as UTC ms, cached by epoch day) and the arithmetic walks those intervals, skipping whole days by
 * their open total.
 */
class DayWalkingCalendar implements BusinessCalendar {
  private readonly weekly: readonly (readonly MinuteRange[])[];
  private readonly zone: ZoneOffsets;
  private readonly listedHolidays: ReadonlySet<number>;
  private readonly workingDays: ReadonlySet<number>;
  private readonly region: string | null;
  private readonly neverOpens: boolean;
  private readonly lastListedDay: number;
  private readonly days = new Map<number, DaySchedule>();

  constructor(readonly definition: CalendarDefinition) {
    this.weekly = weeklySchedule(definition.weeklyHours);
    this.zone = zoneOffsets(definition.timeZone);
    this.listedHolidays = new Set((definition.holidays ?? []).map((date) => parseIsoDate(date)!));
    this.workingDays = new Set((definition.workingDays ?? []).map((date) => parseIsoDate(date)!));
    this.region = definition.holidayRegion ?? null;
    // Working days borrow Monday's periods, so with no weekly periods at all nothing can ever open.
    this.neverOpens = this.weekly.every((periods) => periods.length === 0);
    this.lastListedDay = [...this.listedHolidays, ...this.workingDays].reduce((max, day) => Math.max(max, day), -Infinity);
  }

  isOpenAt(at: Date): boolean {
    const ms = instantMs(at, 'at');
    const intervals = this.day(this.localDayOf(ms)).intervals;
    for (let i = 0; i < intervals.length; i += 2) {
      if (ms < intervals[i]!) return false;
      if (ms < intervals[i + 1]!) return true;
    }
    return false;
  }

  nextOpening(at: Date): Date | null {
    const ms = instantMs(at, 'at');
    if (this.neverOpens) return null;
    const found = this.advance(ms, 0);
    return found === null ? null : new Date(found);
  }

  addBusinessMinutes(from: Date, n: number): Date {
    const ms = instantMs(from, 'from');
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`n must be a finite number >= 0, got ${n}`);
    const found = this.neverOpens ? null : this.advance(ms, Math.round(n * MINUTE_MS));
    if (found === null) throw new CalendarNeverOpensError(`Calendar in ${this.definition.timeZone} never opens after ${new Date(ms).toISOString()}`);
    return new Date(found);
  }

  businessMinutesBetween(a: Date, b: Date): number {
    return Math.floor(this.openMsBetween(a, b) / MINUTE_MS);
  }

  openMsBetween(a: Date, b: Date): number {
    const from = instantMs(a, 'a');
    const to = instantMs(b, 'b');
    if (to <= from || this.neverOpens) return 0;
    let openMs = 0;
    for (let d = this.localDayOf(from); ; d++) {
      const day = this.day(d);
      if (day.startsAt >= to) break;
      const intervals = day.intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        const overlap = Math.min(intervals[i + 1]!, to) - Math.max(intervals[i]!, from);
        if (overlap > 0) openMs += overlap;
      }
    }
    return openMs;
  }

  closedDays(from: string, to: string): string[] {
    const first = parseIsoDate(from);
    const last = parseIsoDate(to);
    if (first === null) throw new RangeError(`from must be a "YYYY-MM-DD" date, got ${JSON.stringify(from)}`);
    if (last === null) throw new RangeError(`to must be a "YYYY-MM-DD" date, got ${JSON.stringify(to)}`);
    const closed: string[] = [];
    for (let d = first; d <= last; d++) if (this.day(d).openMs === 0) closed.push(formatIsoDate(d));
    return closed;
  }

  openIntervals(from: Date, to: Date): OpenInterval[] {
    const fromMs = instantMs(from, 'from');
    const toMs = instantMs(to, 'to');
    const merged: number[] = [];
    if (toMs <= fromMs || this.neverOpens) return [];
    for (let d = this.localDayOf(fromMs); ; d++) {
      const day = this.day(d);
      if (day.startsAt >= toMs) break;
      const intervals = day.intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        const start = Math.max(intervals[i]!, fromMs);
        const end = Math.min(intervals[i + 1]!, toMs);
        if (end <= start) continue;
        // Monday's 00:00–24:00 and Tuesday's 00:00–… are one stretch of open time.
        if (merged.length > 0 && merged[merged.length - 1] === start) merged[merged.length - 1] = end;
        else merged.push(start, end);
      }
    }
    const result: OpenInterval[] = [];
    for (let i = 0; i < merged.length; i += 2) result.push({ start: new Date(merged[i]!), end: new Date(merged[i + 1]!) });
    return result;
  }

  /**
   * The instant where `remainingMs` of open time has elapsed after `fromMs` (the opening itself for 0),
   * or null when no opening exists within the horizon. The hot path of addBusinessMinutes.
   */
  private advance(fromMs: number, remainingMs: number): number | null {
    const firstDay = this.localDayOf(fromMs);
    let giveUpAfter = this.horizonFrom(firstDay);
    for (let d = firstDay; d <= giveUpAfter; d++) {
      const day = this.day(d);
      if (day.openMs === 0) continue;
      giveUpAfter = this.horizonFrom(d);
      // Later days lie wholly after fromMs; skip them whole while the budget outlasts them.
      if (d !== firstDay && remainingMs > day.openMs) {
        remainingMs -= day.openMs;
        continue;
      }
      const intervals = day.intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        const end = intervals[i + 1]!;
        if (end <= fromMs) continue;
        const start = Math.max(intervals[i]!, fromMs);
        if (remainingMs <= end - start) return start + remainingMs;
        remainingMs -= end - start;
      }
    }
    return null;
  }

  private horizonFrom(epochDay: number): number {
    return Math.max(epochDay, this.lastListedDay) + OPENING_HORIZON_DAYS;
  }

  /** The local date of an instant, from a guess by the current offset corrected against day starts. */
  private localDayOf(ms: number): number {
    let d = Math.floor((ms + this.zone.offsetAt(ms)) / DAY_MS);
    while (this.day(d).startsAt > ms) d--;
    while (this.day(d + 1).startsAt <= ms) d++;
    return d;
  }

  private day(epochDay: number): DaySchedule {
    let day = this.days.get(epochDay);
    if (!day) {
      day = buildDaySchedule(epochDay, this.periodsOn(epochDay), this.zone);
      this.days.set(epochDay, day);
    }
    return day;
  }

  /** A listed working day wins over every holiday and opens with Monday's periods. */
  private periodsOn(epochDay: number): readonly MinuteRange[] {
    if (this.workingDays.has(epochDay)) return this.weekly[1]!;
    if (this.listedHolidays.has(epochDay)) return CLOSED;
    if (this.region !== null && regionClosedDays(this.region, yearOf(epochDay)).has(epochDay)) return CLOSED;
    return this.weekly[isoWeekday(epochDay)]!;
  }
}

function instantMs(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}
