import semver from 'semver';
import { badUserInput } from '#contracts';

/**
 * Far above a real range: semver's parsing and matching grow with the range (a 22 KB one took ~0.4 s to read
 * and ~0.3 s per version matched, and every ticket reporting the SDK is matched against it).
 */
export const MAX_RANGE_CHARS = 200;

/** A semver range such as ">=4.0.0 <4.2.3"; anything semver cannot read is refused. */
export function parseAffectedRange(range: string): string {
  if (range.length > MAX_RANGE_CHARS) throw badUserInput(`affectedVersions must be at most ${MAX_RANGE_CHARS} characters`, 'affectedVersions');
  const valid = range.trim() === '' ? null : semver.validRange(range, { loose: true });
  if (!valid) throw badUserInput(`affectedVersions is not a semver range: "${range}"`, 'affectedVersions');
  return range.trim();
}

export function parseFixedIn(version: string | null | undefined): string | null {
  if (version === null || version === undefined) return null;
  const valid = semver.valid(version, { loose: true });
  if (!valid) throw badUserInput(`fixedIn is not a version: "${version}"`, 'fixedIn');
  return valid;
}

/** Names as customers type them: "Agora RTC SDK" and "agora rtc sdk" are the same SDK. */
export const sameSdk = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether a reported version falls in the range. Reports are loose ("v4.1", "4.1.2-beta.1"): read loosely,
 * coerced when partial, and pre-releases count (a beta of a broken release is as broken).
 */
export function versionAffected(reported: string, range: string): boolean {
  const version = semver.valid(reported, { loose: true }) ?? semver.coerce(reported)?.version ?? null;
  return version !== null && semver.satisfies(version, range, { loose: true, includePrerelease: true });
}
