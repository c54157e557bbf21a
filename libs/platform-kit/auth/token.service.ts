import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#event-store';
import { unauthenticated } from '#contracts';
import { IDENTITY_PROVIDER_ALGORITHMS, IdentityProviderVerifier } from './identity-provider.js';
import { ROLES, type Principal } from './principal.js';

/** Verified tokens kept in memory (a few hundred bytes each). */
const MAX_VERIFIED_TOKENS = 10_000;

/** HS256 tokens: `sub` the person, `role`, and `accountId` for customers. */
export class TokenService {
  // A KeyObject made once: handing jose the raw bytes re-imports the HMAC key on every request.
  private readonly key: KeyObject;

  constructor(
    secret: string,
    /** The company's identity provider, whose RS256/ES256 tokens are accepted besides ours. */
    private readonly identityProvider: IdentityProviderVerifier | null = null,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  async sign(principal: Principal, expiresIn: string | number = '12h', issuedAt?: Date): Promise<string> {
    const jwt = new SignJWT({ role: principal.role, ...(principal.accountId ? { accountId: principal.accountId } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresIn);
    return jwt.sign(this.key);
  }

  /**
   * Tokens already verified, with their expiry: a client sends the same token with every request, and the
   * HMAC check (a WebCrypto job) is the costly part of a request's authentication. A hit still checks expiry.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  /** Verifies signature, algorithm (HS256 only: `alg: none` and others are refused) and expiry. */
  async verify(token: string): Promise<Principal> {
    if (this.identityProvider && signedByIdentityProvider(token)) return this.identityProvider.verify(token);
    const known = this.verified.get(token);
    if (known) {
      // jose's rule: expired once `exp` (seconds) is not after now.
      if (known.expiresAtMs > Date.now()) return known.principal;
      this.verified.delete(token);
      throw unauthenticated('The token has expired');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      const role = payload['role'];
      const accountId = payload['accountId'];
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('The token has no subject');
      if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw unauthenticated('The token has no valid role');
      if (accountId !== undefined && typeof accountId !== 'string') throw unauthenticated('The token has an invalid accountId');
      if (role === 'CUSTOMER' && !accountId) throw unauthenticated('A CUSTOMER token must name its accountId');
      const principal: Principal = Object.freeze({ id: payload.sub, role: role as Role, accountId: accountId ?? null });
      // Only a token whose validity is a plain deadline is kept (one with `nbf` is checked every time).
      if (typeof payload.exp === 'number' && payload.nbf === undefined) {
        if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.clear();
        this.verified.set(token, { principal, expiresAtMs: payload.exp * 1000 });
      }
      return principal;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired');
      if (error instanceof errors.JOSEError) throw unauthenticated('The token is not valid');
      throw error;
    }
  }

  /** The `Authorization: Bearer …` header (or graphql-ws connection param) to a principal. */
  async fromAuthorization(header: unknown): Promise<Principal> {
    if (typeof header !== 'string' || !header.trim()) throw unauthenticated();
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated('Use "Authorization: Bearer <token>"');
    return this.verify(match[1]!);
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
