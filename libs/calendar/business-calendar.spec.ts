import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  CalendarDefinitionError,
  CalendarNeverOpensError,
  createCalendar,
  type CalendarDefinition,
  type WeeklyPeriod,
} from './index.js';

const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

function hours(days: number[], ...periods: [string, string][]): WeeklyPeriod[] {
  return days.flatMap((weekday) => periods.map(([start, end]) => ({ weekday, start, end })));
}

/** A local wall-clock time in `zone` as a Date; throws on times that do not exist so tests stay honest. */
function local(zone: string, iso: string): Date {
  const dt = DateTime.fromISO(iso, { zone });
  if (dt.toFormat("yyyy-MM-dd'T'HH:mm") !== iso.slice(0, 16)) throw new Error(`${iso} does not exist in ${zone}`);
  return dt.toJSDate();
}

function localIso(zone: string, date: Date): string {
  return DateTime.fromJSDate(date, { zone }).toISO({ suppressMilliseconds: true })!;
}

const NY = 'America/New_York';
const SHANGHAI = 'Asia/Shanghai';
const newYork9to5: CalendarDefinition = { timeZone: NY, weeklyHours: hours(WEEKDAYS, ['09:00', '17:00']), holidayRegion: 'US' };
const shanghai5x8: CalendarDefinition = {
  timeZone: SHANGHAI,
  weeklyHours: hours(WEEKDAYS, ['09:00', '12:00'], ['13:00', '18:00']),
  holidayRegion: 'CN',
};

describe('US public holidays (New York 09:00–17:00)', () => {
  const calendar = createCalendar(newYork9to5);

  it('closes Thanksgiving 2026 (Nov 26) and keeps the day after (an observance) open', () => {
    expect(calendar.isOpenAt(local(NY, '2026-11-26T10:00'))).toBe(false);
    expect(calendar.isOpenAt(local(NY, '2026-11-27T10:00'))).toBe(true);
    expect(calendar.closedDays('2026-11-26', '2026-11-27')).toEqual(['2026-11-26']);
  });

  it('closes Friday 2026-07-03, the observed Independence Day (July 4 is a Saturday)', () => {
    expect(calendar.closedDays('2026-07-02', '2026-07-06')).toEqual(['2026-07-03', '2026-07-04', '2026-07-05']);
    expect(calendar.nextOpening(local(NY, '2026-07-02T17:00'))).toEqual(local(NY, '2026-07-06T09:00'));
  });

  it('keeps Christmas Eve (optional) open and closes Christmas Day', () => {
    expect(calendar.isOpenAt(local(NY, '2026-12-24T12:00'))).toBe(true);
    expect(calendar.isOpenAt(local(NY, '2026-12-25T12:00'))).toBe(false);
  });

  it('counts Friday 16:30 + 60 business minutes to Monday 09:30, across the spring-forward weekend', () => {
    const end = calendar.addBusinessMinutes(local(NY, '2026-03-06T16:30'), 60);
    expect(localIso(NY, end)).toBe('2026-03-09T09:30:00-04:00');
    expect(end.toISOString()).toBe('2026-03-09T13:30:00.000Z');
    expect(calendar.businessMinutesBetween(local(NY, '2026-03-06T16:30'), end)).toBe(60);
  });
});

describe('CN public holidays (Shanghai 5x8 with a lunch break)', () => {
  const calendar = createCalendar(shanghai5x8);

  it('closes National Day as date-holidays lists it (Oct 1–3 2026) and nothing more', () => {
    // date-holidays has only the three statutory days; the announced golden week (and its make-up
    // Saturdays) must be added per year with applyAmendment.
    expect(calendar.closedDays('2026-09-28', '2026-10-09')).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']);
    expect(calendar.isOpenAt(local(SHANGHAI, '2026-10-05T10:00'))).toBe(true);
  });

  it('keeps group-only days open: Women’s Day, Youth Day (half days) and Children’s Day', () => {
    expect(calendar.isOpenAt(local(SHANGHAI, '2027-03-08T10:00'))).toBe(true); // a Monday
    expect(calendar.isOpenAt(local(SHANGHAI, '2027-03-08T15:00'))).toBe(true);
    expect(calendar.isOpenAt(local(SHANGHAI, '2026-05-04T15:00'))).toBe(true); // a Monday
    expect(calendar.isOpenAt(local(SHANGHAI, '2026-06-01T10:00'))).toBe(true); // a Monday
    const everyDay = createCalendar({ ...shanghai5x8, weeklyHours: hours(EVERY_DAY, ['09:00', '18:00']) });
    expect(everyDay.closedDays('2026-03-08', '2026-03-08')).toEqual([]); // a Sunday in 2026
    expect(everyDay.closedDays('2026-08-01', '2026-08-01')).toEqual([]); // Army Day
  });

  it('closes the Spring Festival days', () => {
    expect(calendar.closedDays('2026-02-16', '2026-02-18')).toEqual(['2026-02-16', '2026-02-17', '2026-02-18']);
  });

  it('opens a make-up working Saturday with Monday’s periods, even over a holiday', () => {
    const withMakeUpDays = createCalendar({ ...shanghai5x8, workingDays: ['2026-02-28', '2026-10-02'] });
    expect(withMakeUpDays.isOpenAt(local(SHANGHAI, '2026-02-28T09:00'))).toBe(true);
    expect(withMakeUpDays.isOpenAt(local(SHANGHAI, '2026-02-28T12:30'))).toBe(false);
    expect(withMakeUpDays.businessMinutesBetween(local(SHANGHAI, '2026-02-28T00:00'), local(SHANGHAI, '2026-03-01T00:00'))).toBe(480);
    expect(withMakeUpDays.isOpenAt(local(SHANGHAI, '2026-10-02T10:00'))).toBe(true);
    expect(withMakeUpDays.closedDays('2026-10-01', '2026-10-03')).toEqual(['2026-10-01', '2026-10-03']);
  });

  it('skips the lunch break when adding minutes', () => {
    expect(localIso(SHANGHAI, calendar.addBusinessMinutes(local(SHANGHAI, '2026-06-02T11:30'), 60))).toBe('2026-06-02T13:30:00+08:00');
  });
});

describe('DST in New York with an always-open calendar', () => {
  const always = createCalendar({ timeZone: NY, weeklyHours: hours(EVERY_DAY, ['00:00', '24:00']) });

  it('counts 23 hours on spring-forward day (2026-03-08) and 25 on fall-back day (2026-11-01)', () => {
    expect(always.businessMinutesBetween(local(NY, '2026-03-08T00:00'), local(NY, '2026-03-09T00:00'))).toBe(23 * 60);
    expect(always.businessMinutesBetween(local(NY, '2026-11-01T00:00'), local(NY, '2026-11-02T00:00'))).toBe(25 * 60);
    expect(always.businessMinutesBetween(local(NY, '2026-11-02T00:00'), local(NY, '2026-11-03T00:00'))).toBe(24 * 60);
  });

  it('has no closed days and one merged open interval across midnights', () => {
    expect(always.closedDays('2026-03-07', '2026-03-09')).toEqual([]);
    const from = local(NY, '2026-03-07T12:00');
    const to = local(NY, '2026-03-09T12:00');
    expect(always.openIntervals(from, to)).toEqual([{ start: from, end: to }]);
  });

  it('adds minutes as elapsed time through the skipped hour', () => {
    expect(localIso(NY, always.addBusinessMinutes(local(NY, '2026-03-08T01:30'), 60))).toBe('2026-03-08T03:30:00-04:00');
  });
});

describe('wall-clock edge cases of DST days', () => {
  const sundayOnly = (start: string, end: string) =>
    createCalendar({ timeZone: NY, weeklyHours: [{ weekday: 7, start, end }] });

  it('skips a period that lies wholly in the spring-forward gap; the day is then closed', () => {
    const gap = sundayOnly('02:00', '03:00');
    expect(gap.businessMinutesBetween(local(NY, '2026-03-08T00:00'), local(NY, '2026-03-09T00:00'))).toBe(0);
    expect(gap.closedDays('2026-03-08', '2026-03-08')).toEqual(['2026-03-08']);
    expect(gap.closedDays('2026-03-15', '2026-03-15')).toEqual([]);
  });

  it('counts only the existing part of a period straddling the gap', () => {
    const straddling = sundayOnly('02:30', '03:30');
    expect(straddling.businessMinutesBetween(local(NY, '2026-03-08T00:00'), local(NY, '2026-03-09T00:00'))).toBe(30);
    expect(straddling.nextOpening(local(NY, '2026-03-08T00:00'))).toEqual(local(NY, '2026-03-08T03:00'));
  });

  it('counts both passes of the repeated hour on fall-back day (wall-clock semantics)', () => {
    const repeated = sundayOnly('01:00', '01:30');
    expect(repeated.businessMinutesBetween(local(NY, '2026-11-01T00:00'), local(NY, '2026-11-02T00:00'))).toBe(60);
    expect(repeated.openIntervals(local(NY, '2026-11-01T00:00'), local(NY, '2026-11-02T00:00'))).toEqual([
      { start: new Date('2026-11-01T05:00:00Z'), end: new Date('2026-11-01T05:30:00Z') },
      { start: new Date('2026-11-01T06:00:00Z'), end: new Date('2026-11-01T06:30:00Z') },
    ]);
  });
});

describe('half- and quarter-hour zones', () => {
  it('opens 09:00 Kathmandu (+05:45) at 03:15 UTC', () => {
    const kathmandu = createCalendar({ timeZone: 'Asia/Kathmandu', weeklyHours: hours(WEEKDAYS, ['09:00', '17:00']) });
    expect(kathmandu.isOpenAt(new Date('2026-06-15T03:14:59.999Z'))).toBe(false);
    expect(kathmandu.isOpenAt(new Date('2026-06-15T03:15:00Z'))).toBe(true);
    expect(kathmandu.isOpenAt(new Date('2026-06-15T11:15:00Z'))).toBe(false);
    expect(kathmandu.nextOpening(new Date('2026-06-12T12:00:00Z'))).toEqual(new Date('2026-06-15T03:15:00Z'));
    expect(kathmandu.addBusinessMinutes(new Date('2026-06-15T11:00:00Z'), 30)).toEqual(new Date('2026-06-16T03:30:00Z'));
  });

  it('loses 15 minutes on 1986-01-01 when Kathmandu moved from +05:30 to +05:45', () => {
    const always = createCalendar({ timeZone: 'Asia/Kathmandu', weeklyHours: hours(EVERY_DAY, ['00:00', '24:00']) });
    const start = new Date('1985-12-31T18:30:00Z'); // 1986-01-01 00:00 +05:30
    const end = new Date('1986-01-01T18:15:00Z'); // 1986-01-02 00:00 +05:45
    expect(always.businessMinutesBetween(start, end)).toBe(24 * 60 - 15);
  });

  it('opens 09:00 Kolkata (+05:30) at 03:30 UTC', () => {
    const kolkata = createCalendar({ timeZone: 'Asia/Kolkata', weeklyHours: hours(WEEKDAYS, ['09:00', '17:00']) });
    expect(kolkata.nextOpening(new Date('2026-06-15T00:00:00Z'))).toEqual(new Date('2026-06-15T03:30:00Z'));
  });
});

describe('closedDays', () => {
  const calendar = createCalendar({ ...newYork9to5, holidays: ['2026-08-03', '2026-08-07'] });

  it('includes both bounds', () => {
    expect(calendar.closedDays('2026-08-03', '2026-08-07')).toEqual(['2026-08-03', '2026-08-07']);
    expect(calendar.closedDays('2026-08-07', '2026-08-07')).toEqual(['2026-08-07']);
    expect(calendar.closedDays('2026-08-04', '2026-08-06')).toEqual([]);
  });

  it('is empty for a reversed range and rejects malformed dates', () => {
    expect(calendar.closedDays('2026-08-07', '2026-08-03')).toEqual([]);
    expect(() => calendar.closedDays('2026-8-3', '2026-08-07')).toThrow(RangeError);
  });

  it('treats a working day without Monday hours as closed', () => {
    const noMonday = createCalendar({ timeZone: NY, weeklyHours: hours([2], ['09:00', '17:00']), workingDays: ['2026-08-08'] });
    expect(noMonday.closedDays('2026-08-08', '2026-08-08')).toEqual(['2026-08-08']);
  });
});

describe('counting semantics', () => {
  const calendar = createCalendar(newYork9to5);

  it('returns the closing instant when the count ends exactly at closing time', () => {
    expect(localIso(NY, calendar.addBusinessMinutes(local(NY, '2026-06-02T09:00'), 480))).toBe('2026-06-02T17:00:00-04:00');
    expect(localIso(NY, calendar.addBusinessMinutes(local(NY, '2026-06-02T09:00'), 481))).toBe('2026-06-03T09:01:00-04:00');
  });

  it('returns `from` for n = 0 when open, else the next opening', () => {
    const open = local(NY, '2026-06-02T10:15');
    expect(calendar.addBusinessMinutes(open, 0)).toEqual(open);
    expect(calendar.addBusinessMinutes(local(NY, '2026-06-02T17:00'), 0)).toEqual(local(NY, '2026-06-03T09:00'));
    expect(calendar.nextOpening(open)).toEqual(open);
  });

  it('starts counting at the next opening when `from` is closed', () => {
    expect(localIso(NY, calendar.addBusinessMinutes(local(NY, '2026-06-06T12:00'), 90))).toBe('2026-06-08T10:30:00-04:00');
  });

  it('floors partial minutes and gives 0 for empty or reversed ranges', () => {
    const a = local(NY, '2026-06-02T16:58');
    expect(calendar.businessMinutesBetween(new Date(a.getTime() + 30_000), local(NY, '2026-06-03T09:01'))).toBe(2);
    expect(calendar.businessMinutesBetween(a, a)).toBe(0);
    expect(calendar.businessMinutesBetween(local(NY, '2026-06-03T10:00'), a)).toBe(0);
  });

  it('merges overlapping and touching split-shift periods', () => {
    const split = createCalendar({
      timeZone: NY,
      weeklyHours: [
        { weekday: 2, start: '13:00', end: '14:00' },
        { weekday: 2, start: '09:00', end: '12:00' },
        { weekday: 2, start: '11:00', end: '13:00' },
        { weekday: 2, start: '16:00', end: '17:00' },
      ],
    });
    expect(split.openIntervals(local(NY, '2026-06-02T00:00'), local(NY, '2026-06-03T00:00'))).toEqual([
      { start: local(NY, '2026-06-02T09:00'), end: local(NY, '2026-06-02T14:00') },
      { start: local(NY, '2026-06-02T16:00'), end: local(NY, '2026-06-02T17:00') },
    ]);
  });

  it('rejects negative or non-finite n and invalid dates', () => {
    expect(() => calendar.addBusinessMinutes(new Date(), -1)).toThrow(RangeError);
    expect(() => calendar.addBusinessMinutes(new Date(), Number.NaN)).toThrow(RangeError);
    expect(() => calendar.isOpenAt(new Date('nope'))).toThrow(RangeError);
  });
});

describe('calendars that never open', () => {
  it('gives null from nextOpening and throws from addBusinessMinutes without weekly hours', () => {
    const never = createCalendar({ timeZone: NY, weeklyHours: [], workingDays: ['2026-06-01'] });
    expect(never.nextOpening(new Date('2026-01-01T00:00:00Z'))).toBeNull();
    expect(() => never.addBusinessMinutes(new Date('2026-01-01T00:00:00Z'), 10)).toThrow(CalendarNeverOpensError);
    expect(never.businessMinutesBetween(new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toBe(0);
    expect(never.closedDays('2026-06-01', '2026-06-02')).toEqual(['2026-06-01', '2026-06-02']);
  });

  it('still finds an opening after more than the horizon of listed holidays', () => {
    const first = DateTime.fromISO('2026-01-01', { zone: 'UTC' });
    const twoYears = Array.from({ length: 800 }, (_, i) => first.plus({ days: i }).toISODate()!);
    const calendar = createCalendar({ timeZone: NY, weeklyHours: hours([1], ['09:00', '10:00']), holidays: twoYears });
    expect(localIso(NY, calendar.nextOpening(local(NY, '2026-01-01T00:00'))!)).toBe('2028-03-13T09:00:00-04:00');
  });
});

describe('createCalendar', () => {
  it('throws CalendarDefinitionError carrying the problems', () => {
    try {
      createCalendar({ timeZone: 'Mars/Olympus', weeklyHours: [{ weekday: 8, start: '09:00', end: '08:00' }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarDefinitionError);
      expect((error as CalendarDefinitionError).problems.map((p) => p.field)).toEqual([
        'timeZone',
        'weeklyHours[0].weekday',
        'weeklyHours[0].end',
      ]);
    }
  });

  it('keeps the definition it was made from', () => {
    expect(createCalendar(newYork9to5).definition).toBe(newYork9to5);
  });
});
