import { createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#event-store';
import { IDENTITY_PROVIDER_ALGORITHMS, IdentityProviderVerifier } from './identity-provider.js';
import { ROLES, type Principal } from './principal.js';
import { checkTokenClaims, profileClaims, DEFAULT_ISSUED_AT_SKEW_SECONDS, tokenRefused, type TokenClaimRules } from './token-claims.js';

/** Verified tokens kept in memory (a few hundred bytes each). */
const MAX_VERIFIED_TOKENS = 10_000;

/** The default longest token lifetime (`exp - iat`): a working day and a half. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 36 * 60 * 60;

/** A verified token: its principal and the claims revocation looks at. */
export interface VerifiedToken {
  principal: Principal;
  /** The token's own id, when it has one (a denylist can name it). */
  jti: string | null;
  issuedAtMs: number;
  expiresAtMs: number;
}

/** HS256 tokens: `sub` the person, `role`, and `accountId` for customers; `exp`, `iat` and `jti` always. */
export class TokenService {
  // A KeyObject made once: handing jose the raw bytes re-imports the HMAC key on every request.
  private readonly key: KeyObject;
  private readonly rules: TokenClaimRules;

  constructor(
    secret: string,
    rules: Partial<TokenClaimRules> = {},
    /** The company's identity provider, whose RS256/ES256 tokens are accepted besides ours. */
    private readonly identityProvider: IdentityProviderVerifier | null = null,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
    this.rules = {
      maxLifetimeSeconds: rules.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
      issuedAtSkewSeconds: rules.issuedAtSkewSeconds ?? DEFAULT_ISSUED_AT_SKEW_SECONDS,
    };
  }

  async sign(principal: Principal, expiresIn: string | number = '12h', issuedAt?: Date): Promise<string> {
    const jwt = new SignJWT({
      role: principal.role,
      ...(principal.accountId ? { accountId: principal.accountId } : {}),
      ...(principal.name ? { name: principal.name } : {}),
      ...(principal.email ? { email: principal.email } : {}),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.id)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresIn);
    return jwt.sign(this.key);
  }

  /**
   * Tokens already verified, with their expiry: a client sends the same token with every request, and the
   * HMAC check (a WebCrypto job) is the costly part of a request's authentication. A hit still checks expiry
   * (against real time); revocation is checked by the caller on every request, hit or not.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  /** The principal of a token that passes `verifyToken`. */
  async verify(token: string): Promise<Principal> {
    return (await this.verifyToken(token)).principal;
  }

  /**
   * Verifies signature and algorithm (HS256 only: `alg: none` and others are refused — or RS256/ES256 from
   * the configured identity provider), then the claim rules (`checkTokenClaims`: exp, iat, lifetime) and the
   * principal's claims.
   */
  async verifyToken(token: string): Promise<VerifiedToken> {
    if (this.identityProvider && signedByIdentityProvider(token)) return this.verifyFromIdentityProvider(token);
    const known = this.verified.get(token);
    if (known) {
      // jose's rule: expired once `exp` (seconds) is not after now.
      if (known.expiresAtMs > Date.now()) return known;
      this.verified.delete(token);
      throw tokenRefused('EXPIRED', 'The token has expired');
    }
    let payload;
    try {
      // jose checks exp and nbf when present (against real time); checkTokenClaims then requires exp and iat.
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw tokenRefused('EXPIRED', 'The token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw tokenRefused('INVALID_CLAIMS', `The token is not valid: ${error.claim}`);
      if (error instanceof errors.JWSSignatureVerificationFailed) throw tokenRefused('INVALID_SIGNATURE', 'The token is not valid');
      if (error instanceof errors.JOSEError) throw tokenRefused('MALFORMED', 'The token is not valid');
      throw error;
    }
    // Real time, never the platform clock (which may be a manual one set in the past).
    checkTokenClaims(payload, Date.now(), this.rules);
    const role = payload['role'];
    const accountId = payload['accountId'];
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw tokenRefused('INVALID_CLAIMS', 'The token has no subject');
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw tokenRefused('INVALID_CLAIMS', 'The token has no valid role');
    if (accountId !== undefined && typeof accountId !== 'string') throw tokenRefused('INVALID_CLAIMS', 'The token has an invalid accountId');
    if (role === 'CUSTOMER' && !accountId) throw tokenRefused('INVALID_CLAIMS', 'A CUSTOMER token must name its accountId');
    const verified: VerifiedToken = Object.freeze({
      principal: Object.freeze({ id: payload.sub, role: role as Role, accountId: accountId ?? null, ...profileClaims(payload) }),
      jti: typeof payload.jti === 'string' ? payload.jti : null,
      issuedAtMs: payload.iat! * 1000,
      expiresAtMs: payload.exp! * 1000,
    });
    // Only a token whose validity is a plain deadline is kept (one with `nbf` is checked every time).
    if (payload.nbf === undefined) {
      if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.clear();
      this.verified.set(token, verified);
    }
    return verified;
  }

  private async verifyFromIdentityProvider(token: string): Promise<VerifiedToken> {
    const principal = await this.identityProvider!.verify(token);
    // The signature is verified above; the payload is read again only for the rules every token meets.
    const payload = decodeJwt(token);
    checkTokenClaims(payload, Date.now(), this.rules);
    return Object.freeze({
      principal,
      jti: typeof payload.jti === 'string' ? payload.jti : null,
      issuedAtMs: payload.iat! * 1000,
      expiresAtMs: payload.exp! * 1000,
    });
  }

  /** The bearer token of an `Authorization: Bearer …` header (or graphql-ws connection param). */
  static bearerOf(header: unknown): string {
    if (typeof header !== 'string' || !header.trim()) throw tokenRefused('MISSING', 'A valid bearer token is required');
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw tokenRefused('MALFORMED', 'Use "Authorization: Bearer <token>"');
    return match[1]!;
  }

  /** The `Authorization: Bearer …` header (or graphql-ws connection param) to a principal. */
  async fromAuthorization(header: unknown): Promise<Principal> {
    return this.verify(TokenService.bearerOf(header));
  }
}

function signedByIdentityProvider(token: string): boolean {
  try {
    return IDENTITY_PROVIDER_ALGORITHMS.includes(decodeProtectedHeader(token).alg ?? '');
  } catch {
    return false;
  }
}

/** Where the generated secret lives: in the data directory, or — with `memory://` — beside the working directory. */
export function jwtSecretDirectory(dataDir: string): string {
  return dataDir.startsWith('memory://') ? resolve('.ledgerdesk-memory') : dataDir;
}

/** The secret the server uses, without ever generating one (the token CLI must not invent a second secret). */
export function readJwtSecret(configured: string | null, dataDir: string): string | null {
  if (configured) return configured;
  try {
    return readFileSync(join(jwtSecretDirectory(dataDir), 'jwt-secret'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * The configured secret, or — for the friendly embedded default — one generated on first start and kept
 * (mode 0600) in the data directory, so tokens survive restarts.
 */
export function resolveJwtSecret(configured: string | null, dataDir: string): { secret: string; generated: boolean } {
  const existing = readJwtSecret(configured, dataDir);
  if (existing) return { secret: existing, generated: false };
  const directory = jwtSecretDirectory(dataDir);
  const path = join(directory, 'jwt-secret');
  mkdirSync(directory, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { secret, generated: true };
}
