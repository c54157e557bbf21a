import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseRecurrence } from './recurrence.js';

const START = new Date('2026-03-03T02:00:00Z');

describe('recurrence', () => {
  it('refuses, naming the part, rules that spin, never occur or are finer than daily', () => {
    const refusals: [string, RegExp][] = [
      ['FREQ=DAILY;INTERVAL=-1', /INTERVAL/],
      ['FREQ=DAILY;INTERVAL=0', /INTERVAL/],
      ['FREQ=MONTHLY;COUNT=0', /COUNT/],
      ['FREQ=MONTHLY;COUNT=-5', /COUNT/],
      ['FREQ=MONTHLY;UNTIL=20250101T000000Z', /UNTIL/],
      ['FREQ=DAILY;BYHOUR=9,17', /BYHOUR/],
      ['FREQ=DAILY;BYMINUTE=0,30', /BYMINUTE/],
      ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /BYMONTHDAY/],
      ['FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31', /BYMONTHDAY/],
      // rrule parses a list of 100,000 days in ~170 ms (accepted before): the text is bounded first.
      [`FREQ=MONTHLY;BYMONTHDAY=${Array.from({ length: 100_000 }, (_, i) => (i % 28) + 1).join(',')}`, /at most 500 characters/],
    ];
    for (const [rule, part] of refusals) {
      expect(() => parseRecurrence(rule, START), rule.slice(0, 60)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: expect.stringMatching(part) }));
    }
    expect(parseRecurrence('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', START)).toBe('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29');
    expect(parseRecurrence('FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270101T000000Z', START)).toContain('UNTIL=20270101T000000Z');
  });

  it('accepts RFC 5545 rules with or without the prefix and refuses what is not one', () => {
    expect(parseRecurrence('FREQ=MONTHLY;BYDAY=1TU', START)).toBe('FREQ=MONTHLY;BYDAY=+1TU');
    expect(parseRecurrence('RRULE:FREQ=WEEKLY;INTERVAL=2', START)).toBe('FREQ=WEEKLY;INTERVAL=2');
    for (const bad of ['', 'FREQ=SOMETIMES', 'GARBAGE', 'BYDAY=MO', 'FREQ=HOURLY', 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY']) {
      expect(() => parseRecurrence(bad, START), bad).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
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
