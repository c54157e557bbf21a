const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

export interface AccountHealthFigures {
  breachesLast30Days: number;
  /** Share of clocks stopped in the last 30 days that were MET; null when none stopped. */
  slaAttainmentPercent: number | null;
}

/** Account health from recorded breaches and the clocks' stored states, as of `now`. */
export function accountHealth(
  breaches: readonly { at: string }[],
  clocks: readonly { state: string; stoppedAt: string | null }[],
  now: Date,
): AccountHealthFigures {
  const since = now.getTime() - THIRTY_DAYS_MS;
  const recent = (instant: string | null) => instant !== null && Date.parse(instant) >= since && Date.parse(instant) <= now.getTime();
  const stopped = clocks.filter((clock) => (clock.state === 'MET' || clock.state === 'MISSED') && recent(clock.stoppedAt));
  const met = stopped.filter((clock) => clock.state === 'MET').length;
  return {
    breachesLast30Days: breaches.filter((breach) => recent(breach.at)).length,
    slaAttainmentPercent: stopped.length === 0 ? null : Math.round((met / stopped.length) * 10_000) / 100,
  };
}
