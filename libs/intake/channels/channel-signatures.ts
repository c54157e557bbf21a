import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses (and so do we) requests stamped more than five minutes from now: a captured request cannot be replayed later. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** Equal-length, constant-time comparison of two secrets; different lengths compare unequal. */
export function secretsEqual(given: Buffer, expected: Buffer): boolean {
  // Hashing both first makes the comparison length-independent, so timing reveals nothing about the expected length.
  const a = createHmac('sha256', 'ledgerdesk-compare').update(given).digest();
  const b = createHmac('sha256', 'ledgerdesk-compare').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Whether an `Authorization: Bearer <secret>` header carries the channel secret. */
export function bearerMatches(header: string | undefined, secret: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match !== null && secretsEqual(Buffer.from(match[1]!, 'utf8'), Buffer.from(secret, 'utf8'));
}

export interface SlackSignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=<hex HMAC-SHA256>`. */
  signature: string | undefined;
  /** The body exactly as received. */
  rawBody: Buffer;
}

/**
 * Slack's v0 request signing: HMAC-SHA256 with the app's signing secret over `v0:{timestamp}:{raw body}`.
 * Returns why the request is refused, or null when it is authentic and fresh. `nowMs` is the real wall clock.
 */
export function slackSignatureProblem(request: SlackSignedRequest, signingSecret: string, nowMs: number): string | null {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'X-Slack-Request-Timestamp is missing or malformed';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_SECONDS) return 'X-Slack-Request-Timestamp is more than 5 minutes away from now';
  const given = /^v0=([0-9a-f]{64})$/i.exec(signature ?? '');
  if (!given) return 'X-Slack-Signature is missing or malformed';
  const expected = createHmac('sha256', signingSecret)
    .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), rawBody]))
    .digest();
  return secretsEqual(Buffer.from(given[1]!, 'hex'), expected) ? null : 'X-Slack-Signature does not match';
}

/** What Slack sends: for tests and for anyone writing another adapter. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `v0=${createHmac('sha256', signingSecret).update(Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), body])).digest('hex')}`;
}
