import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#event-store';
import { unauthenticated } from '#contracts';
import { ROLES, type Principal } from './principal.js';


/** HS256 tokens: `sub` the person, `role`, and `accountId` for customers. */
export class TokenService {
  // A KeyObject made once: handing jose the raw bytes re-imports the HMAC key on every request.
  private readonly key: KeyObject;

  constructor(secret: string) {
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

  /** Verifies signature, algorithm (HS256 only: `alg: none` and others are refused) and expiry. */
  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      const role = payload['role'];
      const accountId = payload['accountId'];
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('The token has no subject');
      if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw unauthenticated('The token has no valid role');
      if (accountId !== undefined && typeof accountId !== 'string') throw unauthenticated('The token has an invalid accountId');
      if (role === 'CUSTOMER' && !accountId) throw unauthenticated('A CUSTOMER token must name its accountId');
      return { id: payload.sub, role: role as Role, accountId: accountId ?? null };
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

/**
 * The configured secret, or — for the friendly embedded default — one generated on first start and kept
 * (mode 0600) in the data directory, so tokens survive restarts.
 */
export function resolveJwtSecret(configured: string | null, dataDir: string): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const path = join(dataDir, 'jwt-secret');
  try {
    return { secret: readFileSync(path, 'utf8').trim(), generated: false };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(path, `${secret}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return { secret, generated: true };
  }
}
