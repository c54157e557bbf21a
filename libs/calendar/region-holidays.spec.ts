import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { publicHolidayDates } from './index.js';

/** Raw public entries of the data set, so assertions are checked against what date-holidays says. */
function rawPublic(country: string, year: number, name: string): string[] {
  return new Holidays(country)
    .getHolidays(year, 'en')
    .filter((entry) => entry.type === 'public' && entry.name === name)
    .map((entry) => entry.date.slice(0, 10));
}

describe('publicHolidayDates', () => {
  it('closes CN National Day exactly as the data set lists it', () => {
    const nationalDay = rawPublic('CN', 2026, 'National Day');
    expect(nationalDay).toEqual(['2026-10-01', '2026-10-02', '2026-10-03']);
    expect(publicHolidayDates('CN', 2026)).toEqual(expect.arrayContaining(nationalDay));
  });

  it('lists CN 2026 public days off without the group-only days the data also types public', () => {
    expect(publicHolidayDates('CN', 2026)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-04-05',
      '2026-05-01',
      '2026-06-19',
      '2026-09-25',
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
    ]);
    for (const name of ["International Women's Day", 'Youth Day', "Children's Day", 'Army Day']) {
      expect(rawPublic('CN', 2026, name)).toHaveLength(1);
    }
  });

  it('uses year-specific CN data where the data set has it (2021 golden week)', () => {
    expect(publicHolidayDates('CN', 2021).filter((date) => date.startsWith('2021-10'))).toEqual([
      '2021-10-01',
      '2021-10-02',
      '2021-10-03',
      '2021-10-04',
      '2021-10-05',
      '2021-10-06',
      '2021-10-07',
    ]);
  });

  it('lists US 2026 federal holidays with the observed Independence Day, without observances', () => {
    expect(publicHolidayDates('US', 2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-07-04',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('keeps an observed day listed under the neighbouring holiday’s year (New Year 2028 observed 2027-12-31)', () => {
    expect(publicHolidayDates('US', 2027)).toContain('2027-12-31');
    expect(publicHolidayDates('US', 2028)).not.toContain('2027-12-31');
  });

  it('adds state holidays for a state code', () => {
    const california = publicHolidayDates('US-CA', 2026);
    expect(california).toContain('2026-03-31'); // César Chávez Day
    expect(california).toContain('2026-11-27'); // Day after Thanksgiving is a state holiday in CA
  });

  it('closes every day of a multi-day entry, including Islamic days that begin the evening before', () => {
    // "1 Shawwal P3D", date "2026-03-20 00:00:00 -0600": from sunset on the 19th for three days.
    expect(publicHolidayDates('AE', 2026)).toEqual(expect.arrayContaining(['2026-03-20', '2026-03-21', '2026-03-22']));
    expect(publicHolidayDates('AE', 2026)).not.toContain('2026-03-19');
  });

  it('closes GB substitute bank holidays', () => {
    expect(publicHolidayDates('GB', 2026)).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-26', '2026-12-28']));
  });

  it('rejects unknown regions', () => {
    expect(() => publicHolidayDates('US-ZZ', 2026)).toThrow(RangeError);
  });
});
