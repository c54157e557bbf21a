/**
 * When a failed delivery is tried again: one minute after the first failure, doubling, each gap at most four
 * hours; the last attempt is made 24 hours after the first, and a failure then abandons the delivery.
 */
export const RETRY_POLICY = {
  firstGapMs: 60_000,
  maxGapMs: 4 * 3600_000,
  giveUpAfterMs: 24 * 3600_000,
} as const;

/**
 * The instant of the attempt after attempt `attempt` (1-based) failed at `failedAt`, or null when that was the
 * last one (the 24 hours since `firstAttemptAt` have run out).
 */
export function nextAttemptAt(firstAttemptAt: Date, attempt: number, failedAt: Date, policy = RETRY_POLICY): Date | null {
  const deadline = firstAttemptAt.getTime() + policy.giveUpAfterMs;
  if (failedAt.getTime() >= deadline) return null;
  const gap = Math.min(policy.firstGapMs * 2 ** Math.min(attempt - 1, 30), policy.maxGapMs);
  return new Date(Math.min(failedAt.getTime() + gap, deadline));
}
