import type { BusinessCalendar } from '#calendar';
import type { Coverage } from '#contracts';

/** How a clock counts time: wall-clock (ALWAYS) or inside the pinned business calendar. */
export interface Meter {
  /** Counted milliseconds in [from, to). */
  count(from: Date, to: Date): number;
  /** The instant at which `ms` more counted milliseconds have passed, counting from `from`. */
  advance(from: Date, ms: number): Date;
}

export const wallClock: Meter = {
  count: (from, to) => Math.max(0, to.getTime() - from.getTime()),
  advance: (from, ms) => new Date(from.getTime() + ms),
};

export function businessHours(calendar: BusinessCalendar): Meter {
  return {
    count: (from, to) => calendar.openMsBetween(from, to),
    advance: (from, ms) => calendar.addBusinessMinutes(from, ms / 60_000),
  };
}

export function meterFor(coverage: Coverage, calendar: BusinessCalendar): Meter {
  return coverage === 'ALWAYS' ? wallClock : businessHours(calendar);
}
