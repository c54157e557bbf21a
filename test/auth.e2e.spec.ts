import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCount, mustData, registerAccount } from './support/fixtures.js';
import { freshPostgresDatabase, TEST_BACKENDS, type TestDatabase } from './support/test-databases.js';
import { startTestPlatform, TEST_JWT_SECRET, type TestPlatform } from './support/test-platform.js';

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A token signed with the platform's own secret, with whatever time claims a test gives it. */
const signed = (claims: { iat?: number; exp?: number }, role = 'ADMIN') => {
  const jwt = new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setSubject('someone');
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(key);
};

describe('bearer tokens', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // A manual clock set to last January: tokens are judged by real time all the same.
    platform = await startTestPlatform({ clockStart: '2026-01-05T09:00:00Z', env: { LEDGERDESK_TOKEN_MAX_LIFETIME: '24h' } });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('takes a token minted now although the platform clock stands in January', async () => {
    const result = await platform.gql('{ now me { id } }', {}, await signed({ iat: nowSeconds(), exp: nowSeconds() + 3600 }));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ now: '2026-01-05T09:00:00.000Z', me: { id: 'someone' } });
  });

  it.each([
    ['forged (another secret)', 'INVALID_SIGNATURE', () => new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('y'.repeat(40)))],
    ['expired', 'EXPIRED', () => signed({ iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })],
    ['without exp', 'NO_EXPIRY', () => signed({ iat: nowSeconds() })],
    ['without iat', 'NO_ISSUED_AT', () => signed({ exp: nowSeconds() + 3600 })],
    ['issued in the future (beyond the skew)', 'ISSUED_IN_FUTURE', () => signed({ iat: nowSeconds() + 600, exp: nowSeconds() + 3600 })],
    ['living longer than the configured maximum', 'LIFETIME_TOO_LONG', () => signed({ iat: nowSeconds(), exp: nowSeconds() + 25 * 3600 })],
  ])('refuses a token %s: UNAUTHENTICATED with the reason, no data', async (_, reason, make) => {
    const result = await platform.gql('{ now me { id } }', {}, await make());
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    expect(result.errors?.[0]?.message).not.toMatch(/at .*\.js/);
  });

  it('tells a missing token from a bad one', async () => {
    const result = await platform.gql('{ me { id } }', {}, null);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  key apiKey { id name role accountId scopes createdBy createdAt revokedAt revokedReason } } }`;
const REVOKE_KEY = 'mutation($id: ID!, $reason: String!) { revokeApiKey(id: $id, reason: $reason) { id revokedAt revokedReason } }';
const REVOKE_TOKENS = 'mutation($s: ID!, $j: String, $r: String!) { revokeTokens(subject: $s, jti: $j, reason: $r) { subject jti notBefore } }';

describe.each(TEST_BACKENDS)('API keys and token revocation (%s)', (backend) => {
  let platform: TestPlatform;
  /** A second process on the same database (postgres only): revocations must hold there at once too. */
  let other: TestPlatform | null = null;
  let database: TestDatabase | null = null;
  let admin: string;
  let accountId: string;

  beforeAll(async () => {
    database = backend === 'postgres' ? await freshPostgresDatabase() : null;
    const env: Record<string, string> = database ? { LEDGERDESK_EVENT_STORE: 'postgres', DATABASE_URL: database.url } : {};
    platform = await startTestPlatform({ env });
    if (database) other = await startTestPlatform({ env, contexts: [] });
    admin = await platform.token('ADMIN');
    accountId = await registerAccount(platform, admin);
  });
  afterAll(async () => {
    await other?.close();
    await platform?.close();
    await database?.drop();
  });

  const createKey = async (input: Record<string, unknown>) => (await mustData(platform.gql(CREATE_KEY, { input }, admin))).createApiKey;
  const me = (token: string, on: TestPlatform = platform) => on.gql('{ me { id role accountId } }', {}, token);
  const everywhere = () => [platform, ...(other ? [other] : [])];

  it('creates a key shown once, keeps only its hash, and takes it as a bearer token with the key’s role and account', async () => {
    const before = await eventCount(platform);
    const created = await createKey({ name: 'Zendesk bridge', role: 'CUSTOMER', accountId, scopes: ['READ', 'WRITE'] });
    expect(created.key).toMatch(new RegExp(`^ldk_${created.apiKey.id}_[A-Za-z0-9_-]{43}$`));
    expect(created.apiKey).toMatchObject({ name: 'Zendesk bridge', role: 'CUSTOMER', accountId, scopes: ['READ', 'WRITE'], createdBy: 'admin-1', revokedAt: null });
    // The log holds the key's record, never the key.
    const log = await platform.runtime.store.readAll({ after: null, maxCount: 10_000 });
    expect(log).toHaveLength(before + 1);
    const secret = created.key.split('_').slice(2).join('_');
    expect(JSON.stringify(log.map((event) => [event.data, event.metadata]))).not.toContain(secret);

    for (const on of everywhere()) {
      expect((await me(created.key, on)).data?.me).toEqual({ id: `apikey:${created.apiKey.id}`, role: 'CUSTOMER', accountId });
    }
    const listed = await mustData(platform.gql('{ apiKeys(first: 10) { totalCount edges { node { id name revokedAt } } pageInfo { hasNextPage } } }', {}, admin));
    expect(listed.apiKeys.edges.map((edge: any) => edge.node.id)).toContain(created.apiKey.id);
    expect(listed.apiKeys.totalCount).toBe(listed.apiKeys.edges.length);
  });

  it('lets a READ key query but not mutate', async () => {
    const { key } = await createKey({ name: 'Dashboard', role: 'ENGINEER', scopes: ['READ'] });
    expect((await me(key)).data?.me.role).toBe('ENGINEER');
    const before = await eventCount(platform);
    const write = await platform.gql(
      'mutation($input: OpenTicketInput!) { openTicket(input: $input) { id } }',
      { input: { accountId, channel: 'PHONE', subject: 's', description: 'd', claimedSeverity: 'P2' } },
      key,
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await eventCount(platform)).toBe(before);
  });

  it('refuses a revoked key at once, in every process, and a key with a wrong secret', async () => {
    const { key, apiKey } = await createKey({ name: 'Old CRM', role: 'ENGINEER', scopes: ['READ'] });
    for (const on of everywhere()) expect((await me(key, on)).data?.me.id).toBe(`apikey:${apiKey.id}`);
    const revoked = await mustData(platform.gql(REVOKE_KEY, { id: apiKey.id, reason: 'CRM retired' }, admin));
    expect(revoked.revokeApiKey).toMatchObject({ id: apiKey.id, revokedAt: expect.any(String), revokedReason: 'CRM retired' });
    for (const on of everywhere()) {
      const result = await me(key, on);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
    }
    const forged = `${key.slice(0, -4)}AAAA`;
    expect((await me(forged)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_SIGNATURE' });
    expect((await me(`ldk_${apiKey.id}`)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MALFORMED' });
  });

  it('revokes one staff token by jti, in every process, and leaves the subject’s other tokens working', async () => {
    const leaked = await platform.token('ENGINEER', { id: 'eng-leaked' });
    const fresh = await platform.token('ENGINEER', { id: 'eng-leaked' });
    const jti = JSON.parse(Buffer.from(leaked.split('.')[1]!, 'base64url').toString()).jti as string;
    for (const on of everywhere()) expect((await me(leaked, on)).data?.me.id).toBe('eng-leaked');
    const revoked = await mustData(platform.gql(REVOKE_TOKENS, { s: 'eng-leaked', j: jti, r: 'laptop stolen' }, admin));
    expect(revoked.revokeTokens).toEqual({ subject: 'eng-leaked', jti, notBefore: null });
    for (const on of everywhere()) {
      expect((await me(leaked, on)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
      expect((await me(fresh, on)).data?.me.id).toBe('eng-leaked');
    }
  });

  it('revokes every token a subject holds (not-before), while tokens issued later work', async () => {
    const earlier = await platform.token('TAM', { id: 'tam-gone' });
    expect((await me(earlier)).data?.me.id).toBe('tam-gone');
    const revoked = await mustData(platform.gql(REVOKE_TOKENS, { s: 'tam-gone', r: 'left the company' }, admin));
    expect(revoked.revokeTokens).toMatchObject({ subject: 'tam-gone', jti: null, notBefore: expect.any(String) });
    for (const on of everywhere()) expect((await me(earlier, on)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REVOKED' });
    // A token issued after the not-before instant (iat in whole seconds, so one second later).
    const later = await new SignJWT({ role: 'TAM' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('tam-gone')
      .setIssuedAt(Math.ceil(new Date(revoked.revokeTokens.notBefore).getTime() / 1000) + 1)
      .setExpirationTime('1h')
      .sign(key);
    expect((await me(later)).data?.me.id).toBe('tam-gone');
  });

  it.each([
    ['a CUSTOMER key without an account', { name: 'k', role: 'CUSTOMER', scopes: ['READ'] }, 'BAD_USER_INPUT'],
    ['a staff key naming an account', { name: 'k', role: 'ENGINEER', accountId: 'x', scopes: ['READ'] }, 'BAD_USER_INPUT'],
    ['no scopes', { name: 'k', role: 'ENGINEER', scopes: [] }, 'BAD_USER_INPUT'],
    ['a blank name', { name: '  ', role: 'ENGINEER', scopes: ['READ'] }, 'BAD_USER_INPUT'],
  ])('refuses %s, writing nothing', async (_, input, code) => {
    const before = await eventCount(platform);
    expect((await platform.gql(CREATE_KEY, { input }, admin)).errors?.[0]?.extensions?.code).toBe(code);
    expect(await eventCount(platform)).toBe(before);
  });

  it('lets only an ADMIN create or revoke keys and revoke tokens', async () => {
    const engineer = await platform.token('ENGINEER');
    const before = await eventCount(platform);
    expect((await platform.gql(CREATE_KEY, { input: { name: 'k', role: 'ADMIN', scopes: ['WRITE'] } }, engineer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await platform.gql(REVOKE_TOKENS, { s: 'admin-1', r: 'x' }, engineer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await platform.gql(REVOKE_KEY, { id: 'nope', reason: 'x' }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await eventCount(platform)).toBe(before);
  });
});
