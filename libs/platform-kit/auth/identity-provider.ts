import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Role } from '#event-store';
import { unauthenticated } from '#contracts';
import type { Principal } from './principal.js';
import { ROLES } from './principal.js';
import { profileClaims } from './token-claims.js';

/** A company's own identity provider: tokens it signs (RS256/ES256) against its published key set. */
export interface IdentityProviderConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** JSONPath-like paths to the role and account claims (Hasura's claims_map convention), e.g. `$.role`. */
  roleClaim: string;
  accountClaim: string;
}

export const IDENTITY_PROVIDER_ALGORITHMS = ['RS256', 'ES256'];

/**
 * Verifies an identity provider's tokens. jose's remote key set fetches the JWKS once, caches it, and
 * refetches (rate-limited) only when a token names a key it does not hold: key rotation needs no restart.
 */
export class IdentityProviderVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly rolePath: PathStep[];
  private readonly accountPath: PathStep[];

  constructor(private readonly config: IdentityProviderConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    this.rolePath = parseClaimPath(config.roleClaim);
    this.accountPath = parseClaimPath(config.accountClaim);
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: IDENTITY_PROVIDER_ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw unauthenticated(`The token's ${error.claim} claim is not accepted`);
      if (error instanceof errors.JOSEError) throw unauthenticated('The token is not valid');
      throw error;
    }
    const role = claimAt(payload, this.rolePath);
    const accountId = claimAt(payload, this.accountPath);
    const normalised = typeof role === 'string' ? role.toUpperCase() : null;
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('The token has no subject');
    if (!normalised || !ROLES.includes(normalised as Role)) throw unauthenticated(`The token has no valid role at ${this.config.roleClaim}`);
    if (accountId !== undefined && accountId !== null && typeof accountId !== 'string') throw unauthenticated(`The token has an invalid account at ${this.config.accountClaim}`);
    if (normalised === 'CUSTOMER' && !accountId) throw unauthenticated(`A CUSTOMER token must name its account at ${this.config.accountClaim}`);
    return Object.freeze({ id: payload.sub, role: normalised as Role, accountId: (accountId as string | undefined) || null, ...profileClaims(payload) });
  }
}

type PathStep = string | number;

/** `$.a.b`, `$['https://hasura.io/jwt/claims']['x-hasura-role']`, `$.roles[0]`: names and indexes only. */
export function parseClaimPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const step = /\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/y;
  if (!path.startsWith('$')) throw new Error(`a claim path starts with $ (got "${path}")`);
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const at = step.lastIndex;
    const match = step.exec(path);
    if (!match) throw new Error(`cannot read the claim path "${path}" at character ${at + 1}`);
    steps.push(match[1] ?? match[2] ?? match[3] ?? Number(match[4]));
  }
  if (steps.length === 0) throw new Error(`the claim path "${path}" names no claim`);
  return steps;
}

function claimAt(payload: JWTPayload, path: PathStep[]): unknown {
  let value: unknown = payload;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}
