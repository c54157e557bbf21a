import { DateTime } from 'luxon';

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

export interface AccountHealthFigures {
  breachesLast30Days: number;
  /** Share of clocks decided in the last 30 days that were MET; null when none was decided. */
  slaAttainmentPercent: number | null;
}

/** A clock as the SLA engine judges it (see sla-report-facts): its outcome, breach and decision instants. */
export interface JudgedClock {
  outcome: 'MET' | 'MISSED' | null;
  breachedAt: string | null;
  decidedAt: string | null;
}

/**
 * Account health as of `now`, from the engine's verdict on every clock: a breach is a clock whose breachedAt
 * falls in the window, whatever recorded it (a timer, or a severity change that made it retroactive); a
 * clock still BREACHED or cancelled after its due time counts as missed, decided at its due time.
 */
export function accountHealth(clocks: readonly JudgedClock[], now: Date): AccountHealthFigures {
  const since = now.getTime() - THIRTY_DAYS_MS;
  const recent = (instant: string | null) => instant !== null && Date.parse(instant) >= since && Date.parse(instant) <= now.getTime();
  const decided = clocks.filter((clock) => clock.outcome !== null && recent(clock.decidedAt));
  const met = decided.filter((clock) => clock.outcome === 'MET').length;
  return {
    breachesLast30Days: clocks.filter((clock) => recent(clock.breachedAt)).length,
    slaAttainmentPercent: decided.length === 0 ? null : Math.round((met / decided.length) * 10_000) / 100,
  };
}

/** The current month and the 11 before it, "YYYY-MM" in the account's zone, newest first. */
export function last12Months(now: Date, zone: string): string[] {
  const current = DateTime.fromJSDate(now, { zone }).startOf('month');
  return Array.from({ length: 12 }, (_, i) => current.minus({ months: i }).toFormat('yyyy-MM'));
}
