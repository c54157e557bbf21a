import type { WeeklyPeriod } from './calendar-definition.js';

/** [start, end) in minutes after local midnight; end may be 1440 ("24:00"). */
export type MinuteRange = readonly [start: number, end: number];

const CLOCK_TIME = /^(\d{2}):(\d{2})$/;
export const MINUTES_PER_DAY = 1440;

/** Strict "HH:MM" to minutes after midnight, or null. "24:00" only when `allowEndOfDay`. */
export function parseClockTime(text: unknown, allowEndOfDay: boolean): number | null {
  if (typeof text !== 'string') return null;
  const match = CLOCK_TIME.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours === 24 && minutes === 0) return allowEndOfDay ? MINUTES_PER_DAY : null;
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/**
 * Merged, sorted periods per ISO weekday (index 1..7; index 0 unused). Expects a validated definition.
 * Overlapping and touching periods merge so a split shift "09-12, 12-18" is one period.
 */
export function weeklySchedule(weeklyHours: readonly WeeklyPeriod[]): readonly (readonly MinuteRange[])[] {
  const byDay: MinuteRange[][] = Array.from({ length: 8 }, () => []);
  for (const period of weeklyHours) {
    byDay[period.weekday]!.push([parseClockTime(period.start, false)!, parseClockTime(period.end, true)!]);
  }
  return byDay.map(mergeRanges);
}

function mergeRanges(ranges: MinuteRange[]): MinuteRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
