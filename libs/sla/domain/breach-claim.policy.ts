import { DateTime } from 'luxon';
import type { BreachVerdictRecord, ContractTerms, MoneyAmount, SlaMetric } from '#contracts';
import type { SlaStatus } from './sla-engine.js';

/** The verdict for (metric, cycle) from the record, under the severity in effect; null when no such clock. */
export function verdictFor(status: SlaStatus, metric: SlaMetric, cycle: number, evidence: string[]): BreachVerdictRecord | null {
  const clock = status.clocks.find((c) => c.metric === metric && c.cycle === cycle);
  if (!clock) return null;
  const breached = clock.breachedAt !== null;
  return {
    breached,
    severityApplied: status.severity,
    contractVersion: status.contractVersion,
    calendarVersion: status.calendarVersion,
    dueAt: clock.dueAt?.toISOString() ?? null,
    stoppedAt: clock.stoppedAt?.toISOString() ?? null,
    breachedAt: clock.breachedAt?.toISOString() ?? null,
    minutesLate: breached ? Math.max(0, clock.elapsedMinutes - clock.targetMinutes) : 0,
    evidence,
  };
}

/** "YYYY-MM" of an instant in the account's zone: the monthly credit cap counts per calendar month there. */
export function creditMonth(instant: string, accountZone: string): string {
  return DateTime.fromISO(instant, { zone: accountZone }).toFormat('yyyy-MM');
}

/**
 * The credit for a breach: the contract's rule for (severity, metric) as a share of the monthly fee, capped
 * so that the account's approved credits in that month stay within creditCapPercent of the fee. Zero when
 * not breached or no rule applies. Amounts are rounded to cents (down, so the cap is never exceeded).
 */
export function proposedCredit(verdict: BreachVerdictRecord, metric: SlaMetric, contract: ContractTerms, approvedThisMonth: number): MoneyAmount {
  const currency = contract.currency;
  if (!verdict.breached) return { amount: 0, currency };
  const rule = contract.credits.find((c) => c.severity === verdict.severityApplied && c.metric === metric);
  if (!rule) return { amount: 0, currency };
  const cap = (contract.monthlyFee * contract.creditCapPercent) / 100;
  const wanted = (contract.monthlyFee * rule.percentOfMonthlyFee) / 100;
  const room = Math.max(0, cap - approvedThisMonth);
  return { amount: Math.floor(Math.min(wanted, room) * 100) / 100, currency };
}
