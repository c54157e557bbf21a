import { describe, expect, it } from 'vitest';
import { accountHealth } from './account-health.js';

describe('account health', () => {
  const now = new Date('2026-03-31T00:00:00Z');
  it('counts breaches and stopped clocks of the last 30 days only', () => {
    const figures = accountHealth(
      [{ at: '2026-03-30T00:00:00Z' }, { at: '2026-02-01T00:00:00Z' }],
      [
        { state: 'MET', stoppedAt: '2026-03-20T00:00:00Z' },
        { state: 'MET', stoppedAt: '2026-03-21T00:00:00Z' },
        { state: 'MISSED', stoppedAt: '2026-03-22T00:00:00Z' },
        { state: 'MET', stoppedAt: '2026-02-20T00:00:00Z' },
        { state: 'RUNNING', stoppedAt: null },
        { state: 'CANCELLED', stoppedAt: '2026-03-22T00:00:00Z' },
      ],
      now,
    );
    expect(figures).toEqual({ breachesLast30Days: 1, slaAttainmentPercent: 66.67 });
  });
  it('has no attainment when nothing stopped', () => {
    expect(accountHealth([], [{ state: 'RUNNING', stoppedAt: null }], now).slaAttainmentPercent).toBeNull();
  });
});
