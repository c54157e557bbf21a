import { describe, expect, it } from 'vitest';
import { validateCalendarDefinition, type CalendarDefinition } from './index.js';

const valid: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  weeklyHours: [
    { weekday: 1, start: '09:00', end: '12:00' },
    { weekday: 1, start: '11:00', end: '24:00' },
    { weekday: 7, start: '00:00', end: '00:01' },
  ],
  holidayRegion: 'CN',
  holidays: ['2026-10-05'],
  workingDays: ['2026-09-27'],
};

function fields(def: unknown): string[] {
  return validateCalendarDefinition(def).map((problem) => problem.field);
}

describe('validateCalendarDefinition', () => {
  it('accepts a valid definition, with or without the optional fields', () => {
    expect(validateCalendarDefinition(valid)).toEqual([]);
    expect(validateCalendarDefinition({ timeZone: 'UTC', weeklyHours: [], holidayRegion: null })).toEqual([]);
    expect(validateCalendarDefinition({ ...valid, holidayRegion: 'US-CA' })).toEqual([]);
    expect(validateCalendarDefinition({ ...valid, holidayRegion: 'DE-BY-A' })).toEqual([]);
  });

  it('rejects an unknown IANA zone', () => {
    expect(fields({ ...valid, timeZone: 'Asia/Beijing' })).toEqual(['timeZone']);
    expect(fields({ ...valid, timeZone: '' })).toEqual(['timeZone']);
  });

  it('rejects malformed clock times, weekdays outside 1..7 and periods that do not move forward', () => {
    const weeklyHours = [
      { weekday: 1, start: '25:00', end: '26:00' },
      { weekday: 2, start: '9:0', end: '17:00' },
      { weekday: 0, start: '09:00', end: '17:00' },
      { weekday: 8, start: '09:00', end: '17:00' },
      { weekday: 1.5, start: '09:00', end: '17:00' },
      { weekday: 3, start: '17:00', end: '09:00' },
      { weekday: 3, start: '09:00', end: '09:00' },
      { weekday: 3, start: '24:00', end: '24:00' },
      { weekday: 3, start: '09:60', end: '24:01' },
    ];
    expect(fields({ ...valid, weeklyHours })).toEqual([
      'weeklyHours[0].start',
      'weeklyHours[0].end',
      'weeklyHours[1].start',
      'weeklyHours[2].weekday',
      'weeklyHours[3].weekday',
      'weeklyHours[4].weekday',
      'weeklyHours[5].end',
      'weeklyHours[6].end',
      'weeklyHours[7].start',
      'weeklyHours[8].start',
      'weeklyHours[8].end',
    ]);
  });

  it('rejects unknown holiday regions, including unknown states', () => {
    for (const holidayRegion of ['XX', 'US-ZZ', 'us', 'US-CA-XX-1', 42]) {
      expect(fields({ ...valid, holidayRegion })).toEqual(['holidayRegion']);
    }
  });

  it('rejects malformed or impossible dates, naming the entry', () => {
    expect(fields({ ...valid, holidays: ['2026-10-05', '2026-02-30', '2026-1-01'], workingDays: ['tomorrow'] })).toEqual([
      'holidays[1]',
      'holidays[2]',
      'workingDays[0]',
    ]);
    expect(fields({ ...valid, holidays: '2026-10-05' })).toEqual(['holidays']);
  });

  it('rejects things that are not definitions at all', () => {
    expect(fields(null)).toEqual(['']);
    expect(fields({ timeZone: 'UTC' })).toEqual(['weeklyHours']);
    expect(fields({ timeZone: 'UTC', weeklyHours: [null] })).toEqual(['weeklyHours[0]']);
  });
});
