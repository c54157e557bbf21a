import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseRecurrence } from './recurrence.js';

describe('recurrence', () => {
  it('accepts RFC 5545 rules with or without the prefix and refuses what is not one', () => {
    expect(parseRecurrence('FREQ=MONTHLY;BYDAY=1TU')).toBe('FREQ=MONTHLY;BYDAY=+1TU');
    expect(parseRecurrence('RRULE:FREQ=WEEKLY;INTERVAL=2')).toBe('FREQ=WEEKLY;INTERVAL=2');
    for (const bad of ['', 'FREQ=SOMETIMES', 'GARBAGE', 'BYDAY=MO', 'FREQ=HOURLY', 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY']) {
      expect(() => parseRecurrence(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });

  it('finds the next occurrence in the account’s zone, keeping local time across DST', () => {
    const first = new Date('2026-10-06T14:00:00Z'); // Tue 6 Oct, 10:00 EDT
    expect(nextOccurrence('FREQ=MONTHLY;BYDAY=1TU', first, first, 'America/New_York')?.toISOString()).toBe('2026-11-03T15:00:00.000Z'); // 10:00 EST
    const shanghai = new Date('2026-11-03T02:00:00Z'); // Tue 3 Nov, 10:00
    expect(nextOccurrence('FREQ=MONTHLY;BYDAY=1TU', shanghai, shanghai, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('counts COUNT and INTERVAL from the series’ first check, and ends', () => {
    const start = new Date('2026-01-05T02:00:00Z');
    const second = nextOccurrence('FREQ=WEEKLY;INTERVAL=2;COUNT=2', start, start, 'Asia/Shanghai')!;
    expect(second.toISOString()).toBe('2026-01-19T02:00:00.000Z');
    expect(nextOccurrence('FREQ=WEEKLY;INTERVAL=2;COUNT=2', start, second, 'Asia/Shanghai')).toBeNull();
  });
});
