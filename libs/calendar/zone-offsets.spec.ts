import { describe, expect, it } from 'vitest';
import { ZoneOffsets, isKnownTimeZone } from './zone-offsets.js';

const HOUR = 3_600_000;

describe('ZoneOffsets', () => {
  it('finds New York’s 2026 transitions to the millisecond', () => {
    const ny = new ZoneOffsets('America/New_York');
    const springForward = Date.UTC(2026, 2, 8, 7);
    expect(ny.segments(springForward - HOUR, springForward + HOUR)).toEqual([
      { start: springForward - HOUR, end: springForward, offsetMs: -5 * HOUR },
      { start: springForward, end: springForward + HOUR, offsetMs: -4 * HOUR },
    ]);
    expect(ny.offsetAt(springForward - 1)).toBe(-5 * HOUR);
    expect(ny.offsetAt(springForward)).toBe(-4 * HOUR);
  });

  it('finds several transitions across chunk boundaries', () => {
    const london = new ZoneOffsets('Europe/London');
    const year = london.segments(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(year.map((s) => [new Date(s.start).toISOString(), s.offsetMs / HOUR])).toEqual([
      ['2026-01-01T00:00:00.000Z', 0],
      ['2026-03-29T01:00:00.000Z', 1],
      ['2026-10-25T01:00:00.000Z', 0],
    ]);
  });

  it('knows quarter-hour offsets', () => {
    expect(new ZoneOffsets('Asia/Kathmandu').offsetAt(Date.UTC(2026, 5, 1))).toBe(5.75 * HOUR);
  });

  it('recognises IANA zone names only', () => {
    expect(isKnownTimeZone('Australia/Sydney')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(isKnownTimeZone(undefined)).toBe(false);
    expect(() => new ZoneOffsets('Mars/Olympus')).toThrow(RangeError);
  });
});
