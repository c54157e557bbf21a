import { createHash } from 'node:crypto';
import type { Actor, Role } from '#event-store';

// Credentials: API keys for integrations (`apikey-<keyId>`) and bearer-token revocations per subject
// (`revocations-<sha256(subject)>`). Written by the accounts context; read by every process's authentication
// straight from the log, so a revocation holds at once everywhere. schemaVersion 1.

/** What an API key may do: READ answers queries; WRITE also allows mutations. */
export type ApiKeyScope = 'READ' | 'WRITE';
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['READ', 'WRITE'];

export interface ApiKeyCreated {
  type: 'ApiKeyCreated';
  data: {
    keyId: string;
    name: string;
    role: Role;
    accountId: string | null;
    scopes: ApiKeyScope[];
    /** SHA-256 (hex) of the key's secret part: the key itself is shown once and never recorded. */
    secretHash: string;
    createdBy: Actor;
    createdAt: string;
  };
}
export interface ApiKeyRevoked {
  type: 'ApiKeyRevoked';
  data: { keyId: string; reason: string; revokedBy: Actor; revokedAt: string };
}
export type ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked;

/** One token (by its `jti`) no longer accepted. */
export interface TokenRevoked {
  type: 'TokenRevoked';
  data: { subject: string; jti: string; reason: string; revokedBy: Actor; revokedAt: string };
}
/** Every token of the subject issued before `notBefore` no longer accepted. */
export interface SubjectTokensRevoked {
  type: 'SubjectTokensRevoked';
  data: { subject: string; notBefore: string; reason: string; revokedBy: Actor; revokedAt: string };
}
export type RevocationEvent = TokenRevoked | SubjectTokensRevoked;

/** The bearer form of an API key: `ldk_<keyId>_<secret>`. */
export const API_KEY_PREFIX = 'ldk_';

export const credentialStreams = {
  apiKey: (keyId: string) => `apikey-${keyId}`,
  // Hashed: a subject is any string a token issuer chose, a stream name has a length limit.
  revocations: (subject: string) => `revocations-${createHash('sha256').update(subject, 'utf8').digest('hex')}`,
} as const;

export const apiKeySecretHash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
