import { describe, expect, it } from 'vitest';
import { applyAmendment, CalendarDefinitionError, type CalendarDefinition } from './index.js';

const base: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  weeklyHours: [{ weekday: 1, start: '09:00', end: '18:00' }],
  holidayRegion: 'CN',
  holidays: ['2026-10-05', '2026-10-04'],
};

describe('applyAmendment', () => {
  it('adds and removes dates, sorted and deduplicated, without touching the input', () => {
    const amended = applyAmendment(base, {
      addHolidays: ['2026-10-06', '2026-10-04', '2026-10-06', '2026-10-01'],
      removeHolidays: ['2026-10-01'],
      addWorkingDays: ['2026-10-10', '2026-09-27'],
    });
    expect(amended).toEqual({ ...base, holidays: ['2026-10-04', '2026-10-05', '2026-10-06'], workingDays: ['2026-09-27', '2026-10-10'] });
    expect(base.holidays).toEqual(['2026-10-05', '2026-10-04']);
    expect(base).not.toHaveProperty('workingDays');
  });

  it('removes working days and ignores removals of absent dates', () => {
    const amended = applyAmendment({ ...base, workingDays: ['2026-09-27'] }, { removeWorkingDays: ['2026-09-27', '2030-01-01'] });
    expect(amended.workingDays).toEqual([]);
  });

  it('rejects malformed dates, naming the field', () => {
    expect(() => applyAmendment(base, { addHolidays: ['2026-10-32'] })).toThrow(CalendarDefinitionError);
    expect(() => applyAmendment(base, { removeWorkingDays: ['ok?'] })).toThrow(
      expect.objectContaining({ problems: [{ field: 'removeWorkingDays[0]', message: expect.stringContaining('YYYY-MM-DD') }] }),
    );
  });
});
