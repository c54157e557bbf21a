import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { API_KEY_PREFIX, apiKeySecretHash, credentialStreams, streams, type ApiKeyScope, type Role } from '#contracts';
import { CLOCK, executeCommand, PlatformRuntime, type Clock, type Principal } from '#platform-kit';
import { apiKeyDecider } from '../domain/api-key.decider.js';
import { tokenRevocationDecider } from '../domain/token-revocation.decider.js';

/** API keys for integrations and the revocation of people's tokens. */
@Injectable()
export class CredentialsCommands {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private context(principal: Principal) {
    return { actor: { id: principal.id, role: principal.role }, now: this.clock.now() };
  }

  /** Creates a key and answers it once (`ldk_<keyId>_<secret>`): only the secret's SHA-256 is recorded. */
  async createApiKey(
    principal: Principal,
    input: { name: string; role: Role; accountId: string | null; scopes: ApiKeyScope[] },
  ): Promise<{ keyId: string; key: string }> {
    const keyId = randomUUID();
    // 256 random bits: a hash without salt or stretching is enough for a secret nobody chose.
    const secret = randomBytes(32).toString('base64url');
    const ctx = this.context(principal);
    const accountExists = input.accountId ? (await this.runtime.store.readStream(streams.account(input.accountId), { maxCount: 1 })).length > 0 : false;
    const result = await executeCommand(
      this.runtime.store,
      credentialStreams.apiKey(keyId),
      apiKeyDecider,
      { type: 'CreateApiKey', keyId, ...input, secretHash: apiKeySecretHash(secret), accountExists, ...ctx },
      ctx,
    );
    await this.runtime.settled(result);
    return { keyId, key: `${API_KEY_PREFIX}${keyId}_${secret}` };
  }

  async revokeApiKey(principal: Principal, keyId: string, reason: string): Promise<void> {
    const ctx = this.context(principal);
    const result = await executeCommand(this.runtime.store, credentialStreams.apiKey(keyId), apiKeyDecider, { type: 'RevokeApiKey', keyId, reason, ...ctx }, ctx);
    await this.runtime.settled(result);
  }

  /** One token by `jti`, or (no jti) every token of the subject issued until this real instant. */
  async revokeTokens(principal: Principal, subject: string, jti: string | null, reason: string): Promise<{ notBefore: Date | null }> {
    const ctx = this.context(principal);
    const notBefore = new Date();
    await executeCommand(
      this.runtime.store,
      credentialStreams.revocations(subject),
      tokenRevocationDecider,
      { type: 'RevokeTokens', subject, jti, reason, notBefore, ...ctx },
      ctx,
    );
    return { notBefore: jti === null ? notBefore : null };
  }
}
