import { describe, expect, it } from 'vitest';
import { parseAffectedRange, parseFixedIn, sameSdk, versionAffected } from './sdk-versions.js';

describe('SDK versions', () => {
  it('matches reported versions against a semver range, loosely as customers write them', () => {
    const range = parseAffectedRange('>=4.0.0 <4.2.3');
    expect(['4.0.0', '4.1.2', 'v4.2.2', '4.1', '4.2.0-beta.1'].map((v) => versionAffected(v, range))).toEqual([true, true, true, true, true]);
    expect(['4.2.3', '3.9.9', '5.0.0', 'latest', ''].map((v) => versionAffected(v, range))).toEqual([false, false, false, false, false]);
    expect(sameSdk(' Agora RTC SDK', 'agora rtc sdk')).toBe(true);
  });

  it('refuses a range or a fixed version semver cannot read', () => {
    expect(() => parseAffectedRange('banana')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'affectedVersions' } }));
    expect(() => parseAffectedRange('  ')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => parseFixedIn('four')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'fixedIn' } }));
    expect(parseFixedIn('v4.2.3')).toBe('4.2.3');
    expect(parseFixedIn(null)).toBeNull();
  });

  it('refuses a range longer than 200 characters before semver reads it', () => {
    const huge = Array.from({ length: 1000 }, (_, i) => `>=${i}.0.0 <${i}.5.0`).join(' || ');
    const start = performance.now();
    expect(() => parseAffectedRange(huge)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/at most 200 characters/) }));
    expect(performance.now() - start).toBeLessThan(50); // semver took ~0.4 s to read it
  });
});
