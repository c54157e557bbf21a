import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { civilDateOf, epochDayOf, formatIsoDate, isoWeekday, parseIsoDate } from './civil-date.js';

describe('civil dates as epoch days', () => {
  it('agrees with luxon on every day from 1900 to 2100', () => {
    const mismatches: string[] = [];
    let dt = DateTime.fromISO('1900-01-01', { zone: 'UTC' });
    for (let day = epochDayOf(1900, 1, 1); day <= epochDayOf(2100, 12, 31); day += 1, dt = dt.plus({ days: 1 })) {
      const civil = civilDateOf(day);
      const agrees =
        day === dt.toMillis() / 86_400_000 &&
        formatIsoDate(day) === dt.toISODate() &&
        isoWeekday(day) === dt.weekday &&
        civil.year === dt.year && civil.month === dt.month && civil.day === dt.day;
      if (!agrees) mismatches.push(dt.toISODate()!);
    }
    expect(mismatches).toEqual([]);
  });

  it('parses strictly', () => {
    expect(parseIsoDate('2024-02-29')).toBe(epochDayOf(2024, 2, 29));
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', ' 2026-01-01', 20260101]) {
      expect(parseIsoDate(bad)).toBeNull();
    }
  });
});
