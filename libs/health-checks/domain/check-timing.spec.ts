import { describe, expect, it } from 'vitest';
import { createCalendar } from '#calendar';
import { businessDaysFromNow, holidayPeriods, preHolidayDueAt, prePeakDueAt } from './check-timing.js';

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

// China 2026: Mid-Autumn Festival Fri 25 Sep; National Day golden week 1–7 Oct with make-up Sundays/Saturdays
// 20 Sep and 10 Oct (the region data closes 1–3 Oct; the rest of the week is listed, as a real contract would).
const shanghai = createCalendar({
  timeZone: 'Asia/Shanghai',
  weeklyHours: weekdays('09:00', '18:00'),
  holidayRegion: 'CN',
  holidays: ['2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workingDays: ['2026-09-20', '2026-10-10'],
});
const newYork = createCalendar({ timeZone: 'America/New_York', weeklyHours: weekdays('09:00', '17:00'), holidayRegion: 'US' });

describe('holiday periods', () => {
  it('finds runs of closed days holding a holiday, never a plain weekend, each reported whole', () => {
    expect(holidayPeriods(shanghai, '2026-09-01', '2026-10-31')).toEqual([
      { from: '2026-09-25', to: '2026-09-27', holidays: ['2026-09-25'] },
      { from: '2026-10-01', to: '2026-10-07', holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'] },
    ]);
    // A period that began before the window is not reported again from its middle.
    expect(holidayPeriods(shanghai, '2026-10-03', '2026-10-31')).toEqual([]);
    expect(holidayPeriods(newYork, '2026-11-01', '2026-11-30')).toEqual([
      { from: '2026-11-11', to: '2026-11-11', holidays: ['2026-11-11'] },
      { from: '2026-11-26', to: '2026-11-26', holidays: ['2026-11-26'] },
    ]);
  });

  it('is due at 10:00 account time five business days before the first day, make-up working days counting', () => {
    // 30, 29, 28 Sep, (25–27 closed), 24, 23 → Wed 23 Sep.
    expect(preHolidayDueAt(shanghai, { from: '2026-10-01', to: '2026-10-07', holidays: [] }, 'Asia/Shanghai').toISOString()).toBe('2026-09-23T02:00:00.000Z');
    // 24, 23, 22, 21 Sep and the make-up Sunday 20 Sep.
    expect(preHolidayDueAt(shanghai, { from: '2026-09-25', to: '2026-09-27', holidays: [] }, 'Asia/Shanghai').toISOString()).toBe('2026-09-20T02:00:00.000Z');
    // Thanksgiving Thu 26 Nov: 25, 24, 23, 20, 19 → Thu 19 Nov, 10:00 EST.
    expect(preHolidayDueAt(newYork, { from: '2026-11-26', to: '2026-11-26', holidays: [] }, 'America/New_York').toISOString()).toBe('2026-11-19T15:00:00.000Z');
  });
});

describe('pre-peak and business-day due times', () => {
  it('is due at 10:00 on the last business day at least three days before the peak', () => {
    // Singles' Day starts 11 Nov 00:00 Shanghai; three days before is Sun 8 Nov → Fri 6 Nov.
    expect(prePeakDueAt(shanghai, new Date('2026-11-10T16:00:00Z'), 'Asia/Shanghai').toISOString()).toBe('2026-11-06T02:00:00.000Z');
    // Three days before Thu 15 Oct is Mon 12 Oct, a business day.
    expect(prePeakDueAt(shanghai, new Date('2026-10-15T12:00:00Z'), 'Asia/Shanghai').toISOString()).toBe('2026-10-12T02:00:00.000Z');
  });

  it('counts business days from now at the same wall-clock time, skipping holidays and weekends', () => {
    // Wed 30 Sep 15:30 Shanghai: the next business day is Thu 8 Oct (after the golden week), then Fri 9 Oct.
    const now = new Date('2026-09-30T07:30:00Z');
    expect(businessDaysFromNow(shanghai, now, 'Asia/Shanghai', 1).toISOString()).toBe('2026-10-08T07:30:00.000Z');
    expect(businessDaysFromNow(shanghai, now, 'Asia/Shanghai', 2).toISOString()).toBe('2026-10-09T07:30:00.000Z');
  });
});
