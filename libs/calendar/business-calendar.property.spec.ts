import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createCalendar, type BusinessCalendar, type CalendarDefinition, type WeeklyPeriod } from './index.js';

/*
 * Property tests against a brute-force oracle that shares no code with the library: it steps through UTC
 * one minute at a time, asks luxon for each minute's local date, weekday and time, and checks those
 * against the raw (unmerged) weekly periods and the holiday / working-day sets. Windows of a week sit
 * around DST changes and offset changes (incl. Kathmandu's 1986 move from +05:30 to +05:45, Shanghai's
 * 1986 DST and Santiago's midnight transitions). Region holidays stay null here; they have hand-written tests.
 */

const MINUTE = 60_000;
const WINDOW_DAYS_BEFORE = 3;
const WINDOW_DAYS_AFTER = 4;
const MAX_SPAN_MINUTES = 3 * 24 * 60;

const ANCHORS: Record<string, string[]> = {
  'America/New_York': ['2026-03-08', '2026-11-01'],
  'Europe/London': ['2026-03-29', '2026-10-25'],
  'Australia/Sydney': ['2026-04-05', '2026-10-04'],
  'Asia/Kolkata': ['2026-06-15'],
  'Asia/Kathmandu': ['1986-01-01', '2026-06-15'],
  'Asia/Shanghai': ['1986-05-04', '1986-09-14', '2026-02-16'],
  'America/Santiago': ['2026-04-05', '2026-09-06'],
};

/** Every UTC minute of a window with its local wall-clock reading, as luxon reports it. */
interface OracleWindow {
  zone: string;
  startMs: number;
  dates: string[];
  weekdays: number[];
  minutesOfDay: number[];
  localDates: string[];
}

const windows: { zone: string; anchor: string }[] = Object.entries(ANCHORS).flatMap(([zone, anchors]) =>
  anchors.map((anchor) => ({ zone, anchor })),
);
const windowCache = new Map<number, OracleWindow>();

function oracleWindow(index: number): OracleWindow {
  let window = windowCache.get(index);
  if (window) return window;
  const { zone, anchor } = windows[index]!;
  const anchorMs = DateTime.fromISO(anchor, { zone: 'UTC' }).toMillis();
  const startMs = anchorMs - WINDOW_DAYS_BEFORE * 86_400_000;
  const count = (WINDOW_DAYS_BEFORE + WINDOW_DAYS_AFTER) * 24 * 60;
  window = { zone, startMs, dates: [], weekdays: [], minutesOfDay: [], localDates: [] };
  for (let i = 0; i < count; i++) {
    const local = DateTime.fromMillis(startMs + i * MINUTE, { zone });
    window.dates.push(local.toISODate()!);
    window.weekdays.push(local.weekday);
    window.minutesOfDay.push(local.hour * 60 + local.minute);
  }
  window.localDates = [...new Set(window.dates)];
  windowCache.set(index, window);
  return window;
}

function clockMinutes(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** Open flags for every minute of the window under `def`: the oracle's whole verdict. */
function oracleOpenMinutes(window: OracleWindow, def: CalendarDefinition): boolean[] {
  const holidays = new Set(def.holidays ?? []);
  const workingDays = new Set(def.workingDays ?? []);
  return window.dates.map((date, i) => {
    const weekday = workingDays.has(date) ? 1 : holidays.has(date) ? null : window.weekdays[i];
    const minute = window.minutesOfDay[i]!;
    return def.weeklyHours.some(
      (p) => p.weekday === weekday && clockMinutes(p.start) <= minute && minute < clockMinutes(p.end),
    );
  });
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Periods biased towards the small hours (where DST changes happen), whole days and "24:00". */
const periodArb: fc.Arbitrary<WeeklyPeriod> = fc
  .record({
    weekday: fc.integer({ min: 1, max: 7 }),
    start: fc.oneof(
      fc.integer({ min: 0, max: 1439 }),
      fc.integer({ min: 0, max: 240 }),
      fc.constantFrom(0, 60, 90, 120, 150, 180, 540, 1380),
    ),
    length: fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.integer({ min: 1, max: 120 }), fc.constant(1440)),
  })
  .map(({ weekday, start, length }) => ({ weekday, start: hhmm(start), end: hhmm(Math.min(1440, start + length)) }));

interface Case {
  windowIndex: number;
  def: CalendarDefinition;
  /** Minute index into the window where the span starts, and the span's length in minutes. */
  from: number;
  span: number;
  /** Sub-minute jitter for checks that do not need aligned instants. */
  jitterMs: number;
  /** Fraction (0..1) used to pick n within what the window can satisfy. */
  nFraction: number;
}

const caseArb: fc.Arbitrary<Case> = fc
  .integer({ min: 0, max: windows.length - 1 })
  .chain((windowIndex) => {
    const window = oracleWindow(windowIndex);
    const minutes = window.dates.length;
    return fc.record({
      windowIndex: fc.constant(windowIndex),
      def: fc.record({
        timeZone: fc.constant(window.zone),
        weeklyHours: fc.array(periodArb, { maxLength: 9 }),
        holidays: fc.subarray(window.localDates),
        workingDays: fc.oneof(fc.constant<string[]>([]), fc.subarray(window.localDates, { maxLength: 2 })),
      }),
      from: fc.integer({ min: 0, max: minutes - 1 }),
      span: fc.integer({ min: 0, max: MAX_SPAN_MINUTES }),
      jitterMs: fc.integer({ min: 0, max: MINUTE - 1 }),
      nFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    });
  });

function setUp(c: Case): { window: OracleWindow; open: boolean[]; calendar: BusinessCalendar; at: (i: number) => Date } {
  const window = oracleWindow(c.windowIndex);
  return {
    window,
    open: oracleOpenMinutes(window, c.def),
    calendar: createCalendar(c.def),
    at: (i) => new Date(window.startMs + i * MINUTE),
  };
}

/** CALENDAR_PROPERTY_RUNS raises the count for a soak run; the default keeps the suite near 25 s. */
const RUNS = Number(process.env.CALENDAR_PROPERTY_RUNS ?? 1200);

describe('BusinessCalendar against a minute-stepping oracle', () => {
  it('isOpenAt matches the oracle at every minute of a span (and anywhere inside the minute)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { open, calendar, at } = setUp(c);
        const end = Math.min(open.length, c.from + Math.min(c.span, 600));
        for (let i = c.from; i < end; i++) {
          const instant = new Date(at(i).getTime() + (i === c.from ? c.jitterMs : 0));
          if (calendar.isOpenAt(instant) !== open[i]) {
            throw new Error(`minute ${i} (${instant.toISOString()}): expected open=${open[i]}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('businessMinutesBetween equals the number of open oracle minutes in [a, b)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { open, calendar, at } = setUp(c);
        const to = Math.min(open.length, c.from + c.span);
        const expected = open.slice(c.from, to).filter(Boolean).length;
        expect(calendar.businessMinutesBetween(at(c.from), at(to))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('addBusinessMinutes(from, n) is the instant where the oracle count reaches n', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { open, calendar, at } = setUp(c);
        const openIndexes = open.flatMap((isOpen, i) => (isOpen && i >= c.from ? [i] : []));
        fc.pre(openIndexes.length > 0);
        const n = Math.floor(c.nFraction * openIndexes.length);
        // n = 0 lands on the first open minute; otherwise at the end of the n-th open minute.
        const expected = n === 0 ? at(openIndexes[0]!) : new Date(at(openIndexes[n - 1]!).getTime() + MINUTE);
        expect(calendar.addBusinessMinutes(at(c.from), n).toISOString()).toBe(expected.toISOString());
      }),
      { numRuns: RUNS },
    );
  });

  it('nextOpening is the oracle’s first open minute at or after the instant', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { window, open, calendar, at } = setUp(c);
        const first = open.findIndex((isOpen, i) => isOpen && i >= c.from);
        const actual = calendar.nextOpening(at(c.from));
        if (first >= 0) expect(actual?.toISOString()).toBe(at(first).toISOString());
        else if (actual !== null) expect(actual.getTime()).toBeGreaterThanOrEqual(window.startMs + open.length * MINUTE);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('BusinessCalendar self-consistency at millisecond resolution', () => {
  it('counting back the minutes just added gives n, and openIntervals add up to the same total', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { calendar, at } = setUp(c);
        fc.pre(c.def.weeklyHours.length > 0);
        const from = new Date(at(c.from).getTime() + c.jitterMs);
        const n = Math.floor(c.nFraction * 3000);
        const end = calendar.addBusinessMinutes(from, n);
        expect(calendar.businessMinutesBetween(from, end)).toBe(n);

        const intervals = calendar.openIntervals(from, end);
        let openMs = 0;
        intervals.forEach(({ start, end: close }, i) => {
          expect(close.getTime()).toBeGreaterThan(start.getTime());
          if (i > 0) expect(start.getTime()).toBeGreaterThan(intervals[i - 1]!.end.getTime());
          expect(calendar.isOpenAt(start)).toBe(true);
          openMs += close.getTime() - start.getTime();
        });
        expect(Math.floor(openMs / MINUTE)).toBe(n);
      }),
      { numRuns: RUNS },
    );
  });
});
