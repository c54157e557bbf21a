import { describe, expect, it } from 'vitest';
import { accountHealth, last12Months } from './account-health.js';

describe('account health', () => {
  const now = new Date('2026-03-31T00:00:00Z');
  it('counts the engine’s breaches and decided clocks of the last 30 days only', () => {
    const figures = accountHealth(
      [
        { outcome: 'MET', breachedAt: null, decidedAt: '2026-03-20T00:00:00Z' },
        { outcome: 'MET', breachedAt: null, decidedAt: '2026-03-21T00:00:00Z' },
        { outcome: 'MISSED', breachedAt: '2026-03-22T00:00:00Z', decidedAt: '2026-03-23T00:00:00Z' },
        // Still breached, or cancelled after due: missed at the due time.
        { outcome: 'MISSED', breachedAt: '2026-03-29T00:00:00Z', decidedAt: '2026-03-29T00:00:00Z' },
        { outcome: 'MET', breachedAt: null, decidedAt: '2026-02-20T00:00:00Z' },
        { outcome: 'MISSED', breachedAt: '2026-02-01T00:00:00Z', decidedAt: '2026-03-25T00:00:00Z' },
        { outcome: null, breachedAt: null, decidedAt: null },
      ],
      now,
    );
    expect(figures).toEqual({ breachesLast30Days: 2, slaAttainmentPercent: 40 });
  });
  it('has no attainment when nothing was decided', () => {
    expect(accountHealth([{ outcome: null, breachedAt: null, decidedAt: null }], now).slaAttainmentPercent).toBeNull();
  });
  it('lists the last 12 months in the account’s zone', () => {
    expect(last12Months(new Date('2026-03-31T17:00:00Z'), 'Asia/Shanghai').slice(0, 3)).toEqual(['2026-04', '2026-03', '2026-02']);
    expect(last12Months(new Date('2026-03-31T17:00:00Z'), 'UTC').at(-1)).toBe('2025-04');
  });
});
