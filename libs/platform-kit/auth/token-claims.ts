import type { JWTPayload } from 'jose';
import { AppError } from '#contracts';

/** Why a token is refused, in the error's `extensions.reason` (the client can tell "log in again" from "forged"). */
export type TokenRefusal =
  | 'MISSING'
  | 'MALFORMED'
  | 'INVALID_SIGNATURE'
  | 'EXPIRED'
  | 'NO_EXPIRY'
  | 'NO_ISSUED_AT'
  | 'ISSUED_IN_FUTURE'
  | 'LIFETIME_TOO_LONG'
  | 'INVALID_CLAIMS'
  | 'REVOKED';

export const tokenRefused = (reason: TokenRefusal, message: string) => new AppError('UNAUTHENTICATED', message, { reason });

export interface TokenClaimRules {
  /** The longest `exp - iat` accepted, in seconds. */
  maxLifetimeSeconds: number;
  /** How far `iat` may lie ahead of this machine's clock (the issuer's clock may run a little fast). */
  issuedAtSkewSeconds: number;
}

export const DEFAULT_ISSUED_AT_SKEW_SECONDS = 60;

/**
 * The time rules every token must meet once its signature is verified, whoever issued it: an `exp`, an `iat`
 * not in the future beyond a small skew, and a lifetime within the configured maximum — so a leaked token is
 * not valid forever. `nowMs` is REAL time (Date.now()), never the platform's manual clock: a demo whose clock
 * is set to last January still takes tokens minted today.
 */
export function checkTokenClaims(payload: JWTPayload, nowMs: number, rules: TokenClaimRules): void {
  const now = nowMs / 1000;
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw tokenRefused('NO_EXPIRY', 'The token has no expiry (exp)');
  if (payload.exp <= now) throw tokenRefused('EXPIRED', 'The token has expired');
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) throw tokenRefused('NO_ISSUED_AT', 'The token has no issue time (iat)');
  if (payload.iat > now + rules.issuedAtSkewSeconds) throw tokenRefused('ISSUED_IN_FUTURE', 'The token is issued in the future (iat)');
  if (payload.exp - payload.iat > rules.maxLifetimeSeconds) {
    throw tokenRefused('LIFETIME_TOO_LONG', `The token lives longer than the maximum of ${rules.maxLifetimeSeconds} seconds`);
  }
}

/** The optional `name` and `email` claims (OpenID Connect's), kept when they are short strings; otherwise ignored. */
export function profileClaims(payload: Record<string, unknown>): { name?: string; email?: string } {
  const claim = (value: unknown) => (typeof value === 'string' && value.trim() && value.length <= 200 ? value.trim() : undefined);
  const name = claim(payload['name']);
  const email = claim(payload['email']);
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}
