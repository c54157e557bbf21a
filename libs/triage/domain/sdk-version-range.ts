import semver from 'semver';
import { badUserInput } from '#contracts';

/** A semver range such as ">=4.1.0 <4.3" or "^4.2 || 5.x" (npm's syntax, read loosely); anything else is refused. */
export function parseVersionRange(range: string): string {
  const valid = range.trim() === '' ? null : semver.validRange(range, { loose: true });
  if (!valid) throw badUserInput(`sdkVersionRange is not a semver range: "${range}"`, 'sdkVersionRange');
  return valid;
}

/**
 * Whether a reported SDK version is in the range. Reports are loose ("v4.1", "4.2.0-beta.1", "4.2"): read
 * loosely, coerced when partial ("4.2" is 4.2.0), and pre-releases count. A report that is no version is not in any range.
 */
export function versionInRange(reported: string, range: string): boolean {
  const version = semver.valid(reported, { loose: true }) ?? semver.coerce(reported)?.version ?? null;
  return version !== null && semver.satisfies(version, range, { loose: true, includePrerelease: true });
}
