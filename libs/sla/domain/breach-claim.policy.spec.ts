import { describe, expect, it } from 'vitest';
import type { BreachVerdictRecord, ContractTerms } from '#contracts';
import { creditMonth, proposedCredit } from './breach-claim.policy.js';

const contract = {
  monthlyFee: 10_000,
  currency: 'USD',
  creditCapPercent: 30,
  credits: [
    { severity: 'P0', metric: 'FIRST_RESPONSE', percentOfMonthlyFee: 5 },
    { severity: 'P0', metric: 'RESOLUTION', percentOfMonthlyFee: 20 },
  ],
} as unknown as ContractTerms;
const verdict = (breached: boolean, severityApplied: 'P0' | 'P1' = 'P0') => ({ breached, severityApplied }) as BreachVerdictRecord;

describe('breach credits', () => {
  it('pays the rule’s share of the fee, within the month’s cap', () => {
    expect(proposedCredit(verdict(true), 'FIRST_RESPONSE', contract, 0)).toEqual({ amount: 500, currency: 'USD' });
    expect(proposedCredit(verdict(true), 'RESOLUTION', contract, 1_500)).toEqual({ amount: 1_500, currency: 'USD' });
    expect(proposedCredit(verdict(true), 'RESOLUTION', contract, 3_000)).toEqual({ amount: 0, currency: 'USD' });
  });
  it('is zero when not breached or when no rule matches', () => {
    expect(proposedCredit(verdict(false), 'FIRST_RESPONSE', contract, 0).amount).toBe(0);
    expect(proposedCredit(verdict(true, 'P1'), 'FIRST_RESPONSE', contract, 0).amount).toBe(0);
    expect(proposedCredit(verdict(true), 'NEXT_UPDATE', contract, 0).amount).toBe(0);
  });
  it('counts months in the account’s zone', () => {
    expect(creditMonth('2026-02-28T17:00:00Z', 'Asia/Shanghai')).toBe('2026-03');
    expect(creditMonth('2026-03-01T03:00:00Z', 'America/New_York')).toBe('2026-02');
  });
});
