import { describe, expect, it } from 'vitest';
import { contractInForce } from '#contracts';

describe('contract in force', () => {
  const versions = [
    { version: 1, effectiveFrom: '2026-01-01T00:00:00Z' },
    { version: 2, effectiveFrom: '2026-03-01T00:00:00Z' },
    { version: 3, effectiveFrom: '2026-02-01T00:00:00Z' },
  ];
  it('is the highest version already effective at the instant', () => {
    expect(contractInForce(versions, new Date('2025-12-31T23:59:59Z'))).toBeNull();
    expect(contractInForce(versions, new Date('2026-01-15T00:00:00Z'))?.version).toBe(1);
    expect(contractInForce(versions, new Date('2026-02-01T00:00:00Z'))?.version).toBe(3);
    expect(contractInForce(versions, new Date('2026-03-01T00:00:00Z'))?.version).toBe(3);
  });
});
