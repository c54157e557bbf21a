import type { ContractSigned } from './accounts.events.js';

/** The version in force at `at`: the highest version whose effectiveFrom is not after it. */
export function contractInForce<T extends Pick<ContractSigned['data'], 'version' | 'effectiveFrom'>>(
  versions: readonly T[],
  at: Date,
): T | null {
  let inForce: T | null = null;
  for (const version of versions) {
    if (Date.parse(version.effectiveFrom) <= at.getTime() && (!inForce || version.version > inForce.version)) inForce = version;
  }
  return inForce;
}
