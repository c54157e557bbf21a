import { timingSafeEqual } from 'node:crypto';
import {
  API_KEY_PREFIX,
  apiKeySecretHash,
  credentialStreams,
  type ApiKeyEvent,
  type ApiKeyScope,
  type RevocationEvent,
} from '#contracts';
import type { EventStore } from '#event-store';
import type { Principal } from './principal.js';
import { tokenRefused } from './token-claims.js';
import { TokenService, type VerifiedToken } from './token.service.js';

/** A caller: a person's signed token, or an integration's API key (which may be limited to READ). */
export interface AuthenticatedPrincipal extends Principal {
  /** Only for API keys: what the key may do. A token may do whatever its role may. */
  scopes?: readonly ApiKeyScope[];
}

const API_KEY_FORM = /^ldk_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

/**
 * Authenticates a bearer credential on every request. Both checks read the log itself (one indexed stream
 * read), never a cache, so a revocation recorded by any process holds at once in every process:
 * - an API key `ldk_<keyId>_<secret>`: its `apikey-<keyId>` stream must hold a matching secret hash and no revocation;
 * - a token: signature and claim rules (TokenService), then its subject's `revocations-…` stream must revoke
 *   neither its `jti` nor every token issued before its `iat`.
 */
export class Credentials {
  private store: EventStore | null = null;

  constructor(readonly tokens: TokenService) {}

  /** The store is opened after the GraphQL setup that needs this object; it is attached once it is. */
  attach(store: EventStore): this {
    this.store = store;
    return this;
  }

  async fromAuthorization(header: unknown): Promise<AuthenticatedPrincipal> {
    return (await this.authenticate(header)).principal;
  }

  /** The caller, and when its credential stops being valid (null: an API key, valid until revoked). */
  async authenticate(header: unknown): Promise<{ principal: AuthenticatedPrincipal; expiresAtMs: number | null }> {
    const bearer = TokenService.bearerOf(header);
    if (bearer.startsWith(API_KEY_PREFIX)) return { principal: await this.apiKey(bearer), expiresAtMs: null };
    const verified = await this.tokens.verifyToken(bearer);
    await this.checkNotRevoked(verified);
    return { principal: verified.principal, expiresAtMs: verified.expiresAtMs };
  }

  private get log(): EventStore {
    if (!this.store) throw new Error('Credentials used before the event store was attached');
    return this.store;
  }

  private async apiKey(bearer: string): Promise<AuthenticatedPrincipal> {
    const match = API_KEY_FORM.exec(bearer);
    if (!match) throw tokenRefused('MALFORMED', 'The API key is not valid');
    const [, keyId, secret] = match as unknown as [string, string, string];
    const events = (await this.log.readStream(credentialStreams.apiKey(keyId))) as unknown as ApiKeyEvent[];
    const created = events.find((event) => event.type === 'ApiKeyCreated');
    const expected = created ? Buffer.from(created.data.secretHash, 'hex') : null;
    const given = Buffer.from(apiKeySecretHash(secret), 'hex');
    if (!created || !expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw tokenRefused('INVALID_SIGNATURE', 'The API key is not valid');
    }
    if (events.some((event) => event.type === 'ApiKeyRevoked')) throw tokenRefused('REVOKED', 'The API key has been revoked');
    const { role, accountId, scopes } = created.data;
    return Object.freeze({ id: `apikey:${keyId}`, role, accountId, scopes: Object.freeze([...scopes]) });
  }

  private async checkNotRevoked({ principal, jti, issuedAtMs }: VerifiedToken): Promise<void> {
    const events = (await this.log.readStream(credentialStreams.revocations(principal.id))) as unknown as RevocationEvent[];
    for (const event of events) {
      const revoked =
        event.type === 'TokenRevoked' ? jti !== null && event.data.jti === jti : issuedAtMs < new Date(event.data.notBefore).getTime();
      if (revoked) throw tokenRefused('REVOKED', 'The token has been revoked');
    }
  }
}
