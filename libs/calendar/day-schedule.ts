import { DAY_MS, HOUR_MS, MINUTE_MS } from './civil-date.js';
import type { MinuteRange } from './weekly-hours.js';
import type { ZoneOffsets } from './zone-offsets.js';

/** One local date's opening, in UTC milliseconds. */
export interface DaySchedule {
  /** First instant whose local date is this day (or the next day's start if the zone skipped this date). */
  readonly startsAt: number;
  /** Sorted, disjoint, non-touching [start, end) pairs, flattened: [s0, e0, s1, e1, …]. */
  readonly intervals: readonly number[];
  /** Total open milliseconds, so whole days can be skipped without looking at intervals. */
  readonly openMs: number;
}

/** Wider than any UTC offset (−12 h … +14 h), so the window holds every instant of the local date. */
const WINDOW_MARGIN_MS = 16 * HOUR_MS;

/**
 * The instants of local date `epochDay` whose wall-clock time falls inside `periods`.
 *
 * Wall-clock semantics, segment by segment of constant UTC offset: an instant is open when the clock on
 * the office wall shows an open time on that date. Hence:
 * - a spring-forward gap is skipped: local times that never occur contribute nothing, and a
 *   00:00–24:00 day lasts 23 h;
 * - a fall-back overlap counts both passes: 01:00–01:30 on the repeated hour is open twice (60 real
 *   minutes) and a 00:00–24:00 day lasts 25 h. We deliberately do not resolve an ambiguous wall time to one
 *   instant the way luxon's DateTime.fromObject does (it picks one offset, which would make the second pass
 *   of a period boundary open or closed depending on luxon's choice rather than on the wall clock);
 * - "24:00" is the first instant of the next local date.
 */
export function buildDaySchedule(epochDay: number, periods: readonly MinuteRange[], zone: ZoneOffsets): DaySchedule {
  const wallMidnight = epochDay * DAY_MS; // local midnight written as if it were UTC
  const segments = zone.segments(wallMidnight - WINDOW_MARGIN_MS, wallMidnight + DAY_MS + WINDOW_MARGIN_MS);

  let startsAt = Number.NaN;
  for (const { start, end, offsetMs } of segments) {
    const firstOfDay = Math.max(start, wallMidnight - offsetMs);
    if (firstOfDay < end) {
      startsAt = firstOfDay;
      break;
    }
  }

  const pieces: [number, number][] = [];
  for (const { start, end, offsetMs } of segments) {
    for (const [from, to] of periods) {
      const open = Math.max(start, wallMidnight + from * MINUTE_MS - offsetMs);
      const close = Math.min(end, wallMidnight + to * MINUTE_MS - offsetMs);
      if (close > open) pieces.push([open, close]);
    }
  }
  pieces.sort((a, b) => a[0] - b[0]);

  const intervals: number[] = [];
  let openMs = 0;
  for (const [open, close] of pieces) {
    const last = intervals.length - 1;
    if (last > 0 && open <= intervals[last]!) {
      if (close > intervals[last]!) {
        openMs += close - intervals[last]!;
        intervals[last] = close;
      }
    } else {
      intervals.push(open, close);
      openMs += close - open;
    }
  }
  return { startsAt, intervals, openMs };
}
